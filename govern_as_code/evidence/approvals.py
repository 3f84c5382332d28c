"""Evidence for Approval documents: which approvals are backed by the reviewer's signatures."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from govern_as_code.documents.kinds import ApprovalDocument, PersonDocument
from govern_as_code.evidence.discarded import discarded_changes
from govern_as_code.evidence.openpgp import openpgp_fingerprint
from govern_as_code.evidence.signed_commits import (
    CommitSignature,
    SignatureVerifier,
    ssh_fingerprint_of,
)
from govern_as_code.git import FileChange, Repository
from govern_as_code.portfolio import Document
from govern_as_code.portfolio.trust import TrustRoot

METHOD = "signed commit"
# Committers a forge writes when it squashes or rebases a pull request on merge.
_FORGE_COMMITTERS = ("noreply@github.com", "gitlab", "noreply@bitbucket.org")
SQUASH_HINT = (
    "; if this branch was squash- or rebase-merged, the reviewer's signature was dropped:"
    " merge approvals with a merge commit, or count pull-request reviews"
    " (evidence: [pull-request-review] in governance.yaml)"
)


@dataclass(frozen=True)
class ApprovalEvidence:
    """Whether an approval file is backed, commit by commit, by its reviewer's signatures."""

    path: str
    verified: bool
    reason: str = ""
    fingerprint: str | None = None
    commit: str | None = None  # the last commit that changed the file
    signed_at: datetime | None = None
    commits: tuple[str, ...] = ()
    method: str = METHOD
    tampered: bool = False  # the reviewer signed it once, and someone else changed it after


@functools.lru_cache(maxsize=4096)
def _openpgp_fingerprint(public_key: str) -> str | None:
    try:
        return openpgp_fingerprint(public_key)
    except ValueError:  # a missing gpg is a GovernError and must stop the run, not hide a key
        return None


def key_fingerprints(person: PersonDocument) -> list[tuple[str, object]]:
    """Each key's fingerprint as signatures report it, with the key."""
    found: list[tuple[str, object]] = []
    for key in person.spec.keys:
        fingerprint = (
            ssh_fingerprint_of(key) if key.type == "ssh" else _openpgp_fingerprint(key.publicKey)
        )
        if fingerprint:
            found.append((fingerprint.upper() if key.type == "openpgp" else fingerprint, key))
    return found


def _judge_commit(signature: CommitSignature, reviewer: PersonDocument, trust: TrustRoot) -> str:
    """Empty when the commit is the reviewer's own valid signature; otherwise why not."""
    reason = _commit_problem(signature, reviewer, trust)
    if reason and _rewritten_by_forge(signature) and not signature.is_merge:
        return reason + SQUASH_HINT
    return reason


def _rewritten_by_forge(signature: CommitSignature) -> bool:
    """A forge's squash or rebase: committed by the forge, or by someone but the author."""
    committer = signature.committer.lower()
    return any(c in committer for c in _FORGE_COMMITTERS) or (
        bool(signature.committer) and committer != signature.author.lower()
    )


def _commit_problem(signature: CommitSignature, reviewer: PersonDocument, trust: TrustRoot) -> str:
    short = signature.commit[:12]
    if not signature.readable:
        return signature.reason
    if signature.is_merge:
        return (
            f"merge commit {short} changed it; a merge is never taken as an approval, the"
            " reviewer must commit the approval file directly"
        )
    if signature.format is None:
        return f"commit {short} that changed it is not signed"
    if signature.fingerprint is None:
        return f"the signature of commit {short} does not verify: {signature.reason}"
    if signature.dated_before_parent:
        return f"commit {short} is dated before its parent, so its date cannot be trusted"
    fingerprint = signature.fingerprint
    for key_fp, key in key_fingerprints(reviewer):
        if key_fp != (fingerprint.upper() if signature.format == "openpgp" else fingerprint):
            continue
        after, before = getattr(key, "validAfter", None), getattr(key, "validBefore", None)
        if (after and signature.time < after) or (before and signature.time > before):
            window = (
                f"{after.isoformat() if after else '…'} to {before.isoformat() if before else '…'}"
            )
            return (
                f"commit {short} was signed at {signature.time.isoformat()} with"
                f" {reviewer.metadata.id}'s key {fingerprint}, outside its validity window"
                f" ({window})"
            )
        return ""
    owner = next(
        (
            p.metadata.id
            for p in trust.people.values()
            for fp, _ in key_fingerprints(p)
            if fp.upper() == fingerprint.upper()
        ),
        None,
    )
    if owner:
        return (
            f"commit {short} is signed by {owner}'s key {fingerprint}, not by the reviewer"
            f" {reviewer.metadata.id}"
        )
    return (
        f"commit {short} is signed by key {fingerprint}, which the trusted base does not"
        f" list for {reviewer.metadata.id}"
    )


def collect_evidence(
    repo: Repository,
    head: str,
    approvals: Iterable[Document],
    trust: TrustRoot,
    *,
    dirty: frozenset[str] = frozenset(),
    verifier: SignatureVerifier | None = None,
) -> dict[str, ApprovalEvidence]:
    """Evidence for every approval document, by path, reading history once."""
    documents = [d for d in approvals if isinstance(d.model, ApprovalDocument)]
    if not documents:
        return {}
    folders = sorted({d.path.split("/", 1)[0] if "/" in d.path else d.path for d in documents})
    by_path: dict[str, list[FileChange]] = {}
    for change in repo.changes(head, folders):
        by_path.setdefault(change.path, []).append(change)
    wanted_paths = {d.path for d in documents}
    discarded = discarded_changes(
        repo, head, folders, {p: c for p, c in by_path.items() if p in wanted_paths}
    )
    own_verifier = verifier or SignatureVerifier(repo, trust.people.values())
    try:
        wanted = sorted({c for d in documents for c in since_created(by_path.get(d.path, []))})
        signatures = own_verifier.signatures(wanted)
    finally:
        if verifier is None:
            own_verifier.close()
    return {
        d.path: evidence_for(
            d.path,
            d.model.spec.reviewer,
            since_created(by_path.get(d.path, [])),
            signatures,
            trust,
            dirty,
            discarded.get(d.path, ()),
        )
        for d in documents
        if isinstance(d.model, ApprovalDocument)
    }


def since_created(changes: list[FileChange]) -> list[str]:
    """The commits (newest first) since the file was last created (DESIGN §2.3).

    A file deleted and created again starts a new history: the commits before belong to a
    file that no longer exists. The creating commit is included, so it must itself be the
    reviewer's own signed commit; nobody can delete and re-add a file to launder a
    signature. A merge counts as creating only if the file was absent from every parent.
    """
    commits = []
    for change in changes:  # git log lists the newest first
        commits.append(change.commit)
        if change.creates:
            break
    return commits


def evidence_for(
    path: str,
    reviewer_id: str,
    commits: list[str],
    signatures: dict[str, CommitSignature],
    trust: TrustRoot,
    dirty: frozenset[str] = frozenset(),
    discarded: Sequence[str] = (),
) -> ApprovalEvidence:
    """Whether every commit in `commits` (newest first) is `reviewer_id`'s own valid signature,
    and no merge threw away a later change to the file (`discarded`, see discarded.py)."""
    if path in dirty:
        return ApprovalEvidence(
            path, False, "the file has uncommitted changes; only committed, signed content counts"
        )
    if not commits:
        return ApprovalEvidence(path, False, "the file is not committed")
    reviewer = trust.people.get(reviewer_id)
    if reviewer is None:
        return ApprovalEvidence(
            path,
            False,
            f"the reviewer {reviewer_id!r} is not a person in the trusted base",
            commits=tuple(commits),
        )
    if discarded:
        return ApprovalEvidence(
            path,
            False,
            f"a merge discarded commit {discarded[0][:12]}'s change to the file, so its content"
            " may be an older signed state; the reviewer must approve it afresh (gac approve"
            " removes the file and creates it again)",
            commits=tuple(commits),
        )
    reasons = [
        "commit " + sha[:12] + " could not be read"
        if signatures.get(sha) is None
        else _judge_commit(signatures[sha], reviewer, trust)
        for sha in commits
    ]
    failing = [i for i, reason in enumerate(reasons) if reason]
    if failing:
        newest = failing[0]  # git log lists the newest first
        # The reviewer signed an earlier state and someone else changed it since.
        tampered = any(not reason for reason in reasons[newest + 1 :])
        return ApprovalEvidence(
            path, False, reasons[newest], commits=tuple(commits), tampered=tampered
        )
    last = signatures[commits[0]]  # git log lists the newest first
    return ApprovalEvidence(
        path, True, "", last.fingerprint, last.commit, last.time, tuple(commits)
    )
