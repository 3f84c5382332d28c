"""Facts from history that the gate needs besides signatures: who created each gated
version, and what changed in a version since an approval's digest."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from govern_as_code.documents.digest import approvable_content, changed_fields, version_digest
from govern_as_code.documents.kinds import ApprovalDocument, ModelVersionDocument
from govern_as_code.documents.validation import validate_data
from govern_as_code.documents.yaml_loader import LoadError, parse_bytes
from govern_as_code.evidence.approvals import key_fingerprints
from govern_as_code.evidence.signed_commits import SignatureVerifier
from govern_as_code.git import Repository
from govern_as_code.portfolio.model import Portfolio
from govern_as_code.portfolio.trust import TrustRoot


@dataclass(frozen=True)
class HistoryFacts:
    """`version_authors`: subject -> people who made the commit that created the version.
    `changes`: approval path -> what changed in its version since the digest it approves."""

    version_authors: Mapping[str, frozenset[str]] = field(default_factory=dict)
    changes: Mapping[str, str] = field(default_factory=dict)


def history_facts(
    repo: Repository, head: str, portfolio: Portfolio, trust: TrustRoot, verifier: SignatureVerifier
) -> HistoryFacts:
    return HistoryFacts(
        _version_authors(repo, head, portfolio, trust, verifier),
        _stale_changes(repo, head, portfolio),
    )


def _version_authors(
    repo: Repository, head: str, portfolio: Portfolio, trust: TrustRoot, verifier: SignatureVerifier
) -> dict[str, frozenset[str]]:
    """Who made the commit that created each deployed version: by email and by signing key."""
    deployed = {
        d.subject
        for d in portfolio.deployments()
        if d.subject and portfolio.settings.gates(d.environment, d.path)
    }
    paths = {s: portfolio.get("ModelVersion", s) for s in deployed}
    wanted = {s: d.path for s, d in paths.items() if d is not None}
    if not wanted:
        return {}
    # One walk of history for all of them; git log lists the newest first, so the last
    # change seen for a path is the commit that created it.
    subject_by_path = {path: subject for subject, path in wanted.items()}
    folders = sorted({path.split("/", 1)[0] for path in subject_by_path})
    creators: dict[str, str] = {}
    for change in repo.changes(head, folders):
        subject = subject_by_path.get(change.path)
        if subject is not None:
            creators[subject] = change.commit
    signatures = verifier.signatures(sorted(set(creators.values())))
    by_email = {p.spec.email.lower(): p.metadata.id for p in trust.people.values()}
    by_key = {
        fp.upper(): p.metadata.id for p in trust.people.values() for fp, _ in key_fingerprints(p)
    }
    authors: dict[str, frozenset[str]] = {}
    for subject, commit in creators.items():
        signature = signatures.get(commit)
        if signature is None:
            continue
        found = set()
        if signature.author_email in by_email:
            found.add(by_email[signature.author_email])
        if signature.fingerprint and signature.fingerprint.upper() in by_key:
            found.add(by_key[signature.fingerprint.upper()])
        authors[subject] = frozenset(found)
    return authors


def _stale_changes(repo: Repository, head: str, portfolio: Portfolio) -> dict[str, str]:
    """For each stale approval, what changed in the version since the approved content."""
    found: dict[str, str] = {}
    for document in portfolio.of_kind("Approval"):
        approval = document.model
        if not isinstance(approval, ApprovalDocument) or "@" not in approval.spec.subject:
            continue
        version_doc = portfolio.get("ModelVersion", approval.spec.subject)
        if version_doc is None or not isinstance(version_doc.model, ModelVersionDocument):
            continue
        if approval.spec.digest == version_digest(version_doc.model):
            continue
        found[document.path] = _what_changed(
            repo, head, version_doc.path, version_doc.model, approval.spec.digest
        )
    return found


def _what_changed(
    repo: Repository, head: str, path: str, current: ModelVersionDocument, approved_digest: str
) -> str:
    for change in repo.changes(head, [path]):
        raw = repo.read_file(change.commit, path)
        if raw is None:
            continue
        try:
            document, _ = validate_data(path, parse_bytes(raw).single())
        except LoadError:
            continue
        if (
            isinstance(document, ModelVersionDocument)
            and version_digest(document) == approved_digest
        ):
            changes = changed_fields(approvable_content(document), approvable_content(current))
            return f"; changed since commit {change.commit[:12]}: {'; '.join(changes)}"
    return "; no earlier content of this version has the approved digest"
