"""A model version's digest in history: which commits introduced its current content."""

from __future__ import annotations

from govern_as_code.documents.digest import version_digest
from govern_as_code.documents.kinds import ModelVersionDocument
from govern_as_code.documents.validation import validate_data
from govern_as_code.documents.yaml_loader import LoadError, parse_bytes
from govern_as_code.git import Repository


def digest_at(repo: Repository, rev: str, path: str) -> str | None:
    """The approvable digest of the version file at `rev`, or None if it is not a version."""
    raw = repo.read_file(rev, path)
    if raw is None:
        return None
    try:
        document, _ = validate_data(path, parse_bytes(raw).single())
    except LoadError:
        return None
    return version_digest(document) if isinstance(document, ModelVersionDocument) else None


def introducing_commits(repo: Repository, head: str, path: str, digest: str) -> list[str]:
    """Commits in `head`'s history after which the file has `digest` and before which not.

    Normally one; a version reverted to earlier content has more. A merge counts when no
    parent had the digest (an evil merge, or content that arrived with it).
    """
    found = []
    for change in repo.changes(head, [path]):
        if change.commit in found or digest_at(repo, change.commit, path) != digest:
            continue
        parents = repo.parents(change.commit)
        if all(digest_at(repo, parent, path) != digest for parent in parents):
            found.append(change.commit)
    return found
