"""Where a forge shows a commit, from the repository's origin remote URL."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_PATH = re.compile(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+")
_HOST = re.compile(r"[A-Za-z0-9.-]+")


def commit_url(remote: str | None) -> str | None:
    """The web address of a commit on the origin's forge, without the commit id, or None.

    Only GitHub and GitLab hosts are recognised, so no link points to a page that does not
    exist; credentials in an https remote never reach the report.
    """
    if not remote:
        return None
    if "://" in remote:
        parts = urlsplit(remote)
        host, path = parts.hostname or "", parts.path
    elif ":" in remote:
        # scp-like: git@github.com:owner/name.git
        host, _, path = remote.partition(":")
        host = host.rpartition("@")[2]
    else:
        return None
    path = path.strip("/").removesuffix(".git")
    if not _HOST.fullmatch(host) or not _PATH.fullmatch(path) or ".." in path:
        return None
    if "github" in host.lower():
        return f"https://{host}/{path}/commit/"
    if "gitlab" in host.lower():
        return f"https://{host}/{path}/-/commit/"
    return None
