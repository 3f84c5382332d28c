"""`gac approve`: write an Approval and commit it, signed, or refuse before writing anything.

Everything that would make the commit count for nothing is refused up front: no signing key,
a key the trusted base does not list for the reviewer, a role the reviewer does not hold, a
reviewer who authored the version. A failed signing leaves the working tree and index as
they were.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from govern_as_code.commands.signoff import (
    DECISIONS,
    approval_path,
    render_approval,
    subject_digest,
)
from govern_as_code.documents.kinds import ModelVersionDocument, PersonDocument
from govern_as_code.documents.modeline import schema_modeline
from govern_as_code.errors import GovernError, UsageError
from govern_as_code.evidence.approvals import evidence_for, since_created
from govern_as_code.evidence.authorship import file_creators
from govern_as_code.evidence.commit_object import split_signed_commit
from govern_as_code.evidence.discarded import discarded_changes
from govern_as_code.evidence.signed_commits import SignatureVerifier
from govern_as_code.evidence.signing_key import check_signing_key, signing_setup
from govern_as_code.git import CommitFailure, Repository
from govern_as_code.portfolio import (
    LoadOptions,
    Portfolio,
    load_portfolio,
    open_source,
)
from govern_as_code.portfolio.base import find_trusted_base
from govern_as_code.portfolio.ignore import ignore_lines, read_revision_ignore, read_worktree_ignore
from govern_as_code.portfolio.sources import RevisionSource
from govern_as_code.portfolio.trust import TrustRoot


@dataclass(frozen=True)
class ApprovalRequest:
    root: Path
    subject: str
    role: str
    decision: str = "approved"
    comment: str = ""
    base: str | None = None


def _open_repository(root: Path) -> Repository:
    repo = Repository.discover(root)
    if repo is None:
        raise GovernError(
            "approvals are signed commits, so this must run in a git repository",
            "run it inside the portfolio's repository, or pass --repo",
        )
    if not repo.has_commits():
        raise GovernError(
            "the repository has no commit yet: the people, keys and roles an approval is"
            " checked against are read from a committed trusted base",
            "commit the portfolio first (git add -A && git commit -m 'Add the portfolio'),"
            " then approve",
        )
    return repo


def _reviewer(repo: Repository, trust: TrustRoot, role: str) -> PersonDocument:
    email = (repo.config("user.email") or "").lower()
    person = next((p for p in trust.people.values() if p.spec.email.lower() == email), None)
    if person is None:
        raise GovernError(
            f"no person in the trusted base has the email {email or '(unset)'!r}",
            "set git config user.email to the email of your Person document",
        )
    if role not in person.spec.roles:
        holders = ", ".join(p.metadata.id for p in trust.holders(role)) or "nobody"
        raise GovernError(
            f"{person.metadata.id} does not hold the role {role!r} in the trusted base",
            f"ask someone who does: {holders}",
        )
    return person


def approve(request: ApprovalRequest) -> tuple[str, str]:
    """Write the Approval and commit it signed; returns (path, commit id).

    Everything that would make the commit count for nothing is refused before anything is
    written: no signing key, a key the trusted base does not list for the reviewer, a role
    the reviewer does not hold, a reviewer who authored the version. If signing fails, the
    working tree and index are left as they were.
    """
    if request.decision not in DECISIONS:
        raise UsageError(
            f"unknown decision {request.decision!r}", f"use one of: {', '.join(DECISIONS)}"
        )
    repo = _open_repository(request.root)
    setup = signing_setup(repo)
    head = repo.resolve("HEAD")
    base = find_trusted_base(repo, head, request.base)
    # The same trust root lint builds: the base's documents and its .gacignore.
    trust = TrustRoot.from_portfolio(
        load_portfolio(RevisionSource(repo, base.commit), LoadOptions(require_settings=False)),
        ignore_lines(read_revision_ignore(repo, base.commit)),
    )
    person = _reviewer(repo, trust, request.role)
    check_signing_key(setup, person, repo)
    portfolio = load_portfolio(open_source(repo.root))
    ignore = read_worktree_ignore(repo.root)
    digest = subject_digest(portfolio, request.subject, ignore)
    path = approval_path(request.subject, request.role, person.metadata.id)
    if repo.staged_or_changed(path):
        raise GovernError(
            f"{path} has uncommitted changes",
            "commit, move or discard them first, then approve",
        )
    verifier = SignatureVerifier(repo, trust.people.values())
    try:
        _refuse_own_version(
            repo, head, portfolio, request.subject, request.role, person, trust, verifier
        )
        poisoned = _history_is_poisoned(repo, head, path, person.metadata.id, trust, verifier)
    finally:
        verifier.close()
    text = render_approval(
        request.subject,
        digest,
        request.role,
        person.metadata.id,
        request.decision,
        request.comment,
        datetime.now(UTC),
        schema_modeline("Approval", path, repo.root),
    )
    message = f"{request.decision.capitalize()} {request.subject} as {request.role}"
    return path, _write_and_commit(repo, head, path, text, message, poisoned)


def _refuse_own_version(
    repo: Repository,
    head: str,
    portfolio: Portfolio,
    subject: str,
    role: str,
    person: PersonDocument,
    trust: TrustRoot,
    verifier: SignatureVerifier,
) -> None:
    if "@" not in subject:
        return
    document = portfolio.get("ModelVersion", subject)
    if document is None or not isinstance(document.model, ModelVersionDocument):
        return
    me = person.metadata.id
    created_by = document.model.spec.createdBy
    if created_by == me or me in file_creators(repo, head, document.path, trust, verifier):
        how = "is its createdBy" if created_by == me else "made the commit that created it"
        raise GovernError(
            f"{me} authored {subject} ({how}, {document.path}), and a version's author"
            " cannot approve it",
            f"ask another holder of {role}: {', '.join(_others(trust, role, me)) or 'nobody'}",
        )


def _others(trust: TrustRoot, role: str, me: str) -> list[str]:
    return sorted(p.metadata.id for p in trust.holders(role) if p.metadata.id != me)


def _history_is_poisoned(
    repo: Repository,
    head: str,
    path: str,
    reviewer: str,
    trust: TrustRoot,
    verifier: SignatureVerifier,
) -> bool:
    """Whether the committed file carries a commit that voids any approval written over it."""
    changes = repo.changes(head, [path])
    commits = since_created(changes)
    if not commits:
        return False
    discarded = discarded_changes(repo, head, [path], {path: changes}).get(path, [])
    signatures = verifier.signatures(commits)
    evidence = evidence_for(path, reviewer, commits, signatures, trust, discarded=discarded)
    return not evidence.verified


def _write_and_commit(
    repo: Repository, head: str, path: str, text: str, message: str, poisoned: bool
) -> str:
    """Write and commit the approval; on any failure put the file, index and HEAD back.

    Over a file whose history since its creation holds someone else's commit, a plain edit
    would never verify (DESIGN §2.3), so the reviewer first removes the file in a signed
    commit and then creates it afresh in another.
    """
    target = repo.root / path
    previous = target.read_bytes() if target.is_file() else None
    created_dirs = [d for d in reversed(target.relative_to(repo.root).parents) if d.parts]
    missing_dirs = [repo.root / d for d in created_dirs if not (repo.root / d).exists()]
    try:
        if poisoned:
            target.unlink()
            _commit_or_raise(repo, path, f"Remove {path} to approve it afresh", remove=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return _commit_or_raise(repo, path, message)
    except BaseException:
        if repo.resolve("HEAD") != head:
            repo.reset_soft(head)
        repo.unstage([path])
        if previous is None:
            target.unlink(missing_ok=True)
            for folder in reversed(missing_dirs):
                if folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()
        else:
            target.write_bytes(previous)
        raise


def _wait_past_head(repo: Repository) -> None:
    """Let the clock pass the second of the commit before this one.

    git dates have one-second resolution and the gate orders sign-offs by them: a final
    approval committed in the same second as the approval before it would not count as
    signed after it.
    """
    head = repo.resolve("HEAD")
    head_time = split_signed_commit(repo.raw_commits([head])[head]).committer_time
    wait = (head_time + timedelta(seconds=1) - datetime.now(UTC)).total_seconds()
    if 0 < wait <= 2:  # a HEAD dated further ahead is a skewed clock: the gate will say so
        time.sleep(wait)


def _commit_or_raise(repo: Repository, path: str, message: str, *, remove: bool = False) -> str:
    _wait_past_head(repo)
    result = repo.commit_paths([path], message, sign=True, remove=remove)
    if isinstance(result, CommitFailure):
        raise GovernError(
            f"git could not make the signed commit: {result.reason}",
            "check your signing setup (git config gpg.format, user.signingkey; gpg or"
            " ssh-keygen installed and the key unlocked), then run gac approve again;"
            " nothing was committed or left staged",
        )
    return result
