"""Plain (unsigned) git repositories for tests, with a pinned identity and date and no
global or system git configuration."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

H = "apiVersion: govern-as-code/v1\n"

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_AUTHOR_DATE": "2026-01-01T12:00:00+00:00",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
    "GIT_COMMITTER_DATE": "2026-01-01T12:00:00+00:00",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(root: Path, *args: str) -> str:
    """Run git in `root` and return its standard output."""
    result = subprocess.run(
        ["git", "-C", str(root), *args], env=GIT_ENV, check=True, capture_output=True, text=True
    )
    return result.stdout


def write(root: Path, files: dict[str, str]) -> None:
    """Write each repo-relative path with its text, creating folders."""
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def commit_all(root: Path, message: str = "change") -> str:
    """Stage everything and commit it unsigned; returns the commit id."""
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-gpg-sign", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()
