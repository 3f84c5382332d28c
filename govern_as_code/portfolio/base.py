"""The trusted base revision, and which revision `--at` names.

`trust.base` is read from the default branch's governance.yaml, never from the change under
review, which could otherwise name itself as its own trust root. Every ref is resolved to one
full ref name (git.py `resolve_ref`), so a tag or branch that shadows the remote branch is
refused instead of trusted.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from govern_as_code.documents.validation import validate_data
from govern_as_code.documents.yaml_loader import LoadError, parse_bytes
from govern_as_code.errors import GitError, UsageError
from govern_as_code.git import Repository, ResolvedRef

# Full ref names only: a tag or local branch called `origin/main` must not stand in for it.
DEFAULT_BRANCHES = (
    "refs/remotes/origin/HEAD",
    "refs/remotes/origin/main",
    "refs/heads/main",
    "refs/remotes/origin/master",
    "refs/heads/master",
)
# Anything that starts like a date is meant as one, and must then be a valid one.
_LOOKS_LIKE_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}([T ].*)?")


@dataclass(frozen=True)
class TrustedBase:
    """The commit whose people, keys and policies are trusted, and the ref it came from."""

    ref: str  # the full ref name (or commit id) the base was resolved from
    commit: str  # the merge-base of that ref with the change under review

    def describe(self) -> str:
        return f"{self.ref} ({self.commit[:12]})"


def at_moment(at: str) -> datetime | None:
    """The moment an `--at` date names (a bare date: its last second, UTC); None for a revision."""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        if _LOOKS_LIKE_DATE.fullmatch(at):
            raise UsageError(
                f"--at {at!r} is not a valid date",
                "give a real date as YYYY-MM-DD (e.g. 2026-01-31), or a revision",
            ) from None
        return None
    if moment.tzinfo is None:
        moment = (
            moment.replace(hour=23, minute=59, second=59, tzinfo=UTC)
            if len(at) <= 10
            else moment.replace(tzinfo=UTC)
        )
    return moment


def resolve_at(repo: Repository, at: str) -> str:
    """The commit `--at` names: an ISO date (the last commit on or before it) or a revision."""
    moment = at_moment(at)
    if moment is None:
        return repo.resolve(at)
    found = repo.rev_before(moment)
    if found is None:
        raise GitError(
            f"the repository has no commit on or before {at}", "choose a later date, or a revision"
        )
    return found


def find_base(repo: Repository, head: str, explicit: str | None) -> str:
    """The trusted base commit (see `find_trusted_base`)."""
    return find_trusted_base(repo, head, explicit).commit


def find_trusted_base(repo: Repository, head: str, explicit: str | None) -> TrustedBase:
    """The trusted base: --base, else governance.yaml trust.base, else the default branch.

    `trust.base` is read from the default branch's governance.yaml, never from the change
    under review, which could otherwise name itself as its own trust root.
    """
    if explicit:
        return _merge_base(repo, head, repo.resolve_ref(explicit))
    # In a pull request's CI, GitHub names the branch it will merge into.
    pr_base = os.environ.get("GITHUB_BASE_REF")
    candidates = ((f"refs/remotes/origin/{pr_base}",) if pr_base else ()) + DEFAULT_BRANCHES
    refs = repo.ref_names()
    default = next((b for b in candidates if b in refs), None)
    if default is None:
        raise GitError(
            "cannot find the trusted base: there is no origin/HEAD, origin/main, main or master",
            "pass --base REF (e.g. --base origin/main after git fetch origin main)",
        )
    default_base = _merge_base(repo, head, ResolvedRef(default, repo.resolve(default)))
    configured = _configured_base(repo, default_base.commit)
    if not configured:
        return default_base
    return _merge_base(repo, head, repo.resolve_ref(configured))


def _merge_base(repo: Repository, head: str, ref: ResolvedRef) -> TrustedBase:
    found = repo.merge_base(head, ref.commit)
    if found is None:
        raise GitError(
            f"{ref.name} shares no history with {head[:12]}",
            "fetch the full history (fetch-depth: 0) or pass another --base",
        )
    return TrustedBase(ref.name, found)


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
