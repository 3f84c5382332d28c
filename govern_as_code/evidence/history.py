"""Facts from history that the gate needs besides signatures: who created each gated
version (and whether that commit traces to a person), what changed in a version since an
approval's digest, and which signed decisions the change under review deleted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from govern_as_code.documents.digest import approvable_content, changed_fields, version_digest
from govern_as_code.documents.key_identity import same_key
from govern_as_code.documents.kinds import ApprovalDocument, ModelVersionDocument
from govern_as_code.documents.validation import validate_data
from govern_as_code.documents.yaml_loader import LoadError, parse_bytes
from govern_as_code.evidence.removed_decisions import RemovedDecision, removed_decisions
from govern_as_code.evidence.signed_commits import CommitSignature, SignatureVerifier
from govern_as_code.git import FileChange, Repository
from govern_as_code.portfolio.model import Portfolio
from govern_as_code.portfolio.trust import TrustRoot

SIGNED_COMMIT = "signed commit"


@dataclass(frozen=True)
class VersionOrigin:
    """The commit that created a version and the registered person it traces to.

    `person` is None when the commit cannot be traced (unsigned, an unknown or shared key):
    then nobody can say who authored the version, and the gate blocks it. The seam for other
    evidence: a provider that knows the commit arrived through a pull request whose author
    maps to a Person returns an origin with that person and its own `traced_by`.
    """

    commit: str
    person: str | None
    reason: str = ""
    traced_by: str = SIGNED_COMMIT


@dataclass(frozen=True)
class HistoryFacts:
    """`version_authors`: subject -> people who made the commit that created the version.
    `origins`: subject -> how that commit traces to a person, for every gated version
    (`traced` lists them; a traced subject without an origin is not committed).
    `changes`: approval path -> what changed in its version since the digest it approves.
    `removed`: signed decisions that the change under review deleted.
    `introduced`: document path -> when the commit that produced its current content was
    committed; a document whose working-tree content is not committed has no entry."""

    version_authors: Mapping[str, frozenset[str]] = field(default_factory=dict)
    changes: Mapping[str, str] = field(default_factory=dict)
    origins: Mapping[str, VersionOrigin] = field(default_factory=dict)
    traced: frozenset[str] = frozenset()
    removed: tuple[RemovedDecision, ...] = ()
    introduced: Mapping[str, datetime] = field(default_factory=dict)


def history_facts(
    repo: Repository, head: str, portfolio: Portfolio, trust: TrustRoot, verifier: SignatureVerifier
) -> HistoryFacts:
    """Every fact the gate reads from history, in one pass per kind of fact."""
    gated = _gated_subjects(portfolio, trust)
    authors, origins = _version_authors(repo, head, portfolio, trust, verifier, gated)
    return HistoryFacts(
        authors,
        _stale_changes(repo, head, portfolio),
        origins,
        frozenset(gated),
        removed_decisions(repo, head, trust, verifier),
        _introduced(repo, head, portfolio),
    )


def _introduced(repo: Repository, head: str, portfolio: Portfolio) -> dict[str, datetime]:
    """When each document's current content was committed, in one walk of `head`'s history."""
    paths = {d.path for d in portfolio.documents}
    if not paths:
        return {}
    # The working tree's edits are not committed yet: no commit introduced them.
    dirty = repo.dirty_paths() if portfolio.revision is None else set()
    newest: dict[str, FileChange] = {}
    # git log lists the newest first: the first change of a path produced its current content.
    for change in repo.changes(head, sorted({p.split("/", 1)[0] for p in paths})):
        if change.path in paths and change.path not in newest:
            newest[change.path] = change
    # A path whose last change deleted it is in the working tree only: not committed.
    kept = {p: c.commit for p, c in newest.items() if "D" not in c.status and p not in dirty}
    # A commit git cannot date is the gate's finding; here it dates nothing.
    times = repo.commit_times(kept.values())
    return {p: times[c] for p, c in kept.items() if c in times}


def _gated_subjects(portfolio: Portfolio, trust: TrustRoot) -> set[str]:
    # Gated by the head's settings or the base's: a change cannot unprotect its own deploy.
    return {
        d.subject
        for d in portfolio.deployments()
        if d.subject
        and (
            portfolio.settings.gates(d.environment, d.path)
            or trust.settings.gates(d.environment, d.path)
        )
    }


def _version_authors(
    repo: Repository,
    head: str,
    portfolio: Portfolio,
    trust: TrustRoot,
    verifier: SignatureVerifier,
    gated: set[str],
) -> tuple[dict[str, frozenset[str]], dict[str, VersionOrigin]]:
    """Who made the commit that created each gated version: by email and by signing key."""
    # A version already in the trusted base was created there: a later move or rewrite of
    # its file on the branch does not make the mover its creator (nor launder its author).
    base = trust.portfolio if trust.portfolio is not portfolio else None
    in_base = {s: base.get("ModelVersion", s) for s in gated} if base is not None else {}
    from_base = {s: d.path for s, d in in_base.items() if d is not None}
    in_head = {s: portfolio.get("ModelVersion", s) for s in gated}
    from_head = {s: d.path for s, d in in_head.items() if d is not None}
    head_creators = _creators(repo, head, from_head)
    creators = {s: c for s, c in head_creators.items() if s not in from_base}
    if from_base and trust.revision is not None:
        creators.update(_creators(repo, trust.revision, from_base))
    signatures = verifier.signatures(sorted({*creators.values(), *head_creators.values()}))
    authors: dict[str, frozenset[str]] = {}
    origins: dict[str, VersionOrigin] = {}
    for subject in {*creators, *head_creators}:
        if subject in creators:
            origins[subject] = trace_origin(
                creators[subject], signatures.get(creators[subject]), trust
            )
        # Whoever made either commit counts as an author: the one that created the version
        # and the one that wrote its file as it is now.
        found = set()
        for commit in {creators.get(subject), head_creators.get(subject)} - {None}:
            signature = signatures.get(str(commit))
            if signature is None:
                continue
            by_email = trust.person_by_email(signature.author_email)
            if by_email is not None:
                found.add(by_email)
            owner = trust.key_owner(signature.fingerprint) if signature.fingerprint else None
            if owner is not None:
                found.add(owner)
        authors[subject] = frozenset(found)
    return authors, origins


def _creators(repo: Repository, rev: str, wanted: Mapping[str, str]) -> dict[str, str]:
    """subject -> the commit that created its file, in one walk of `rev`'s history."""
    if not wanted:
        return {}
    # git log lists the newest first, so the last change seen for a path created it.
    subject_by_path = {path: subject for subject, path in wanted.items()}
    folders = sorted({path.split("/", 1)[0] for path in subject_by_path})
    creators: dict[str, str] = {}
    for change in repo.changes(rev, folders):
        subject = subject_by_path.get(change.path)
        if subject is not None:
            creators[subject] = change.commit
    return creators


def trace_origin(commit: str, signature: CommitSignature | None, trust: TrustRoot) -> VersionOrigin:
    """The registered person who signed `commit`, or why the commit traces to nobody."""
    short = commit[:12]
    if signature is None:
        return VersionOrigin(commit, None, f"commit {short} could not be read")
    if signature.format is None:
        return VersionOrigin(commit, None, f"commit {short} is not signed")
    if signature.fingerprint is None:
        return VersionOrigin(
            commit, None, f"the signature of commit {short} does not verify: {signature.reason}"
        )
    owner = trust.key_owner(signature.fingerprint)
    if owner is None:
        shared = trust.shared_keys.get(same_key(signature.fingerprint))
        whose = (
            f"which {' and '.join(shared)} both list, so it identifies nobody"
            if shared
            else "which no Person in the trusted base lists"
        )
        return VersionOrigin(
            commit, None, f"commit {short} is signed by key {signature.fingerprint}, {whose}"
        )
    key = next(
        k for k in trust.people[owner].spec.keys if k.identity == same_key(signature.fingerprint)
    )
    when = signature.time
    if (key.validAfter and when < key.validAfter) or (key.validBefore and when > key.validBefore):
        return VersionOrigin(
            commit,
            None,
            f"commit {short} is signed with {owner}'s key {signature.fingerprint} at"
            f" {when.isoformat()}, outside the key's validity window",
        )
    return VersionOrigin(commit, owner)


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
