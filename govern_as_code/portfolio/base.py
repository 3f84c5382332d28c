"""The trusted base revision, and which revision `--at` names.

`trust.base` is read from the default branch's governance.yaml, never from the change under
review, which could otherwise name itself as its own trust root.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from govern_as_code.documents.validation import validate_data
from govern_as_code.documents.yaml_loader import LoadError, parse_bytes
from govern_as_code.errors import GitError
from govern_as_code.git import Repository

DEFAULT_BRANCHES = ("origin/HEAD", "origin/main", "main", "origin/master", "master")


def resolve_at(repo: Repository, at: str) -> str:
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return repo.resolve(at)
    if moment.tzinfo is None:
        moment = (
            moment.replace(hour=23, minute=59, second=59, tzinfo=UTC)
            if len(at) <= 10
            else moment.replace(tzinfo=UTC)
        )
    found = repo.rev_before(moment)
    if found is None:
        raise GitError(
            f"the repository has no commit on or before {at}", "choose a later date, or a revision"
        )
    return found


def find_base(repo: Repository, head: str, explicit: str | None) -> str:
    """The trusted base: --base, else governance.yaml trust.base, else the default branch.

    `trust.base` is read from the default branch's governance.yaml, never from the change
    under review, which could otherwise name itself as its own trust root.
    """
    if explicit:
        return _merge_base(repo, head, explicit)
    # In a pull request's CI, GitHub names the branch it will merge into.
    pr_base = os.environ.get("GITHUB_BASE_REF")
    candidates = ((f"origin/{pr_base}",) if pr_base else ()) + DEFAULT_BRANCHES
    default = next((b for b in candidates if repo.ref_exists(b)), None)
    if default is None:
        raise GitError(
            "cannot find the trusted base: there is no origin/HEAD, main or master",
            "pass --base REF (e.g. --base origin/main after git fetch origin main)",
        )
    default_base = _merge_base(repo, head, default)
    configured = _configured_base(repo, default_base)
    return _merge_base(repo, head, configured) if configured else default_base


def _merge_base(repo: Repository, head: str, ref: str) -> str:
    resolved = repo.resolve(ref)
    found = repo.merge_base(head, resolved)
    if found is None:
        raise GitError(
            f"{ref} shares no history with {head[:12]}",
            "fetch the full history (fetch-depth: 0) or pass another --base",
        )
    return found


def _configured_base(repo: Repository, revision: str) -> str | None:
    for name in ("governance.yaml", "governance.yml"):
        raw = repo.read_file(revision, name)
        if raw is None:
            continue
        try:
            data = parse_bytes(raw).single()
        except LoadError:
            return None
        document, _ = validate_data(name, data)
        spec = getattr(document, "spec", None)
        trust = getattr(spec, "trust", None)
        return getattr(trust, "base", None)
    return None
