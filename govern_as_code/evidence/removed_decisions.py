"""Signed decisions that the change under review deleted.

A rejection (or changes-requested) stands until its reviewer replaces it with a newer signed
decision, or signs its removal. Deleting the file in someone else's commit must not clear
it. Decisions that were already in the trusted base are compared with the base by the gate;
this module finds the ones that were made *and* deleted on the branch, from `git log`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from govern_as_code.documents.kinds import ApprovalDocument
from govern_as_code.documents.validation import validate_data
from govern_as_code.documents.yaml_loader import LoadError, parse_bytes
from govern_as_code.evidence.signed_commits import SignatureVerifier
from govern_as_code.git import FileDeletion, Repository
from govern_as_code.portfolio.trust import TrustRoot

# Documents are found by kind, not path: an Approval may have lived in any folder, so every
# deleted YAML or JSON file of the branch is looked at.
DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class RemovedDecision:
    """A verified, non-approving decision whose file a commit since the base deleted."""

    path: str
    subject: str
    role: str
    reviewer: str
    decision: str
    signed_at: datetime
    deleted_in: str  # the deleting commit
    removal_signed: bool  # the reviewer signed the deleting commit


def removed_decisions(
    repo: Repository, head: str, trust: TrustRoot, verifier: SignatureVerifier
) -> tuple[RemovedDecision, ...]:
    """Every signed rejection or changes-requested deleted in `base..head`.

    For each deleted file, every state its history held is read, and each reviewer's last
    signed word there is kept: an unsigned edit (say, to "approved") before the deletion
    must not launder a signed rejection either.
    """
    base = trust.revision
    if base is None or base == head:
        return ()
    deletions = [
        d for d in repo.deletions(base, head, []) if d.path.lower().endswith(DOCUMENT_SUFFIXES)
    ]
    if not deletions:
        return ()
    found: dict[tuple[str, str, str, str], RemovedDecision] = {}
    for deletion in deletions:
        removal = verifier.signatures([deletion.commit]).get(deletion.commit)
        remover = (
            trust.key_owner(removal.fingerprint)
            if removal is not None and removal.fingerprint and not removal.is_merge
            else None
        )
        for parent in deletion.parents:
            for decision in _last_signed_words(repo, parent, deletion, trust, verifier):
                decision = replace(decision, removal_signed=remover == decision.reviewer)
                key = (decision.path, decision.subject, decision.role, decision.reviewer)
                found.setdefault(key, decision)
    return tuple(found.values())


def _last_signed_words(
    repo: Repository,
    parent: str,
    deletion: FileDeletion,
    trust: TrustRoot,
    verifier: SignatureVerifier,
) -> list[RemovedDecision]:
    """Each reviewer's newest signed state of the file before `deletion`, if not approving."""
    commits = [c.commit for c in repo.changes(parent, [deletion.path])]
    signatures = verifier.signatures(commits)
    latest: dict[tuple[str, str, str], RemovedDecision | None] = {}
    for commit in commits:  # newest first
        approval = _approval_at(repo, commit, deletion.path)
        signature = signatures.get(commit)
        if approval is None or signature is None or signature.is_merge:
            continue
        spec = approval.spec
        if not signature.fingerprint or trust.key_owner(signature.fingerprint) != spec.reviewer:
            continue
        key = (spec.subject, spec.role, spec.reviewer)
        if key in latest:
            continue
        latest[key] = (
            None
            if spec.decision == "approved"
            else RemovedDecision(
                deletion.path,
                spec.subject,
                spec.role,
                spec.reviewer,
                spec.decision,
                signature.time,
                deletion.commit,
                False,
            )
        )
    return [d for d in latest.values() if d is not None]


def _approval_at(repo: Repository, commit: str, path: str) -> ApprovalDocument | None:
    raw = repo.read_file(commit, path)
    if raw is None:
        return None
    try:
        model, _ = validate_data(path, parse_bytes(raw).single())
    except LoadError:
        return None
    return model if isinstance(model, ApprovalDocument) else None
