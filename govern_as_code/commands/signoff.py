"""Sign-offs: writing an Approval as a signed commit, and saying what a subject still needs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from govern_as_code.commands.assess import LintRequest, assess, find_base
from govern_as_code.documents.digest import version_digest
from govern_as_code.documents.kinds import API_VERSION, ModelVersionDocument
from govern_as_code.errors import GovernError, UsageError
from govern_as_code.gate.options import GateOptions
from govern_as_code.gate.verdict import evaluate
from govern_as_code.git import Repository
from govern_as_code.portfolio import (
    IGNORE_FILE,
    LoadOptions,
    Portfolio,
    load_portfolio,
    open_source,
)
from govern_as_code.portfolio.sources import RevisionSource
from govern_as_code.portfolio.trust import TrustRoot
from govern_as_code.portfolio.trust_changes import digest_of_ref
from govern_as_code.rules.policy import resolve_policy

DECISIONS = ("approved", "changes-requested", "rejected")


def subject_digest(portfolio: Portfolio, subject: str, ignore_file: bytes = b"") -> str:
    """The digest an approval of `subject` must name (model@version or KIND/id)."""
    if "@" in subject:
        document = portfolio.get("ModelVersion", subject)
        if document is None or not isinstance(document.model, ModelVersionDocument):
            raise UsageError(
                f"there is no model version {subject!r}",
                "name it as <model>@<version>, e.g. churn-xgb@3",
            )
        return version_digest(document.model)
    if "/" in subject:
        found = digest_of_ref(portfolio, subject, ignore_file)
        if found is None:
            raise UsageError(
                f"there is no document {subject!r}", "name it as KIND/id, e.g. Person/carol"
            )
        return found
    raise UsageError(
        f"{subject!r} is neither model@version nor KIND/id",
        "e.g. gac digest churn-xgb@3, or gac digest Person/carol",
    )


def current_digest(root: Path, subject: str) -> str:
    portfolio = load_portfolio(open_source(root))
    ignore = (root / IGNORE_FILE).read_bytes() if (root / IGNORE_FILE).is_file() else b""
    return subject_digest(portfolio, subject, ignore)


@dataclass(frozen=True)
class ApprovalRequest:
    root: Path
    subject: str
    role: str
    decision: str = "approved"
    comment: str = ""
    base: str | None = None


def approval_path(subject: str, role: str, person: str) -> str:
    if "@" in subject:
        model, _, version = subject.partition("@")
        return f"approvals/{model}/{version}/{role}--{person}.yaml"
    kind, _, ident = subject.partition("/")
    return f"approvals/{kind}/{ident}/{role}--{person}.yaml"


def _trust(repo: Repository, base: str | None) -> TrustRoot:
    revision = find_base(repo, repo.resolve("HEAD"), base)
    trusted = load_portfolio(RevisionSource(repo, revision), LoadOptions(require_settings=False))
    return TrustRoot.from_portfolio(trusted)


def approve(request: ApprovalRequest) -> tuple[str, str]:
    """Write the Approval and commit it signed; returns (path, commit id)."""
    if request.decision not in DECISIONS:
        raise UsageError(
            f"unknown decision {request.decision!r}", f"use one of: {', '.join(DECISIONS)}"
        )
    repo = Repository.discover(request.root)
    if repo is None or not repo.has_commits():
        raise GovernError(
            "approvals are signed commits, so this must run in a git repository with history",
            "run it inside the portfolio's repository",
        )
    if not repo.config("user.signingkey"):
        raise GovernError(
            "git has no signing key set up, and an unsigned approval counts for nothing",
            "set one: git config user.signingkey ~/.ssh/id_ed25519.pub &&"
            " git config gpg.format ssh (or an OpenPGP key id with gpg.format openpgp)",
        )
    email = (repo.config("user.email") or "").lower()
    trust = _trust(repo, request.base)
    person = next((p for p in trust.people.values() if p.spec.email.lower() == email), None)
    if person is None:
        raise GovernError(
            f"no person in the trusted base has the email {email or '(unset)'!r}",
            "set git config user.email to the email of your Person document",
        )
    if request.role not in person.spec.roles:
        holders = ", ".join(p.metadata.id for p in trust.holders(request.role)) or "nobody"
        raise GovernError(
            f"{person.metadata.id} does not hold the role {request.role!r} in the trusted base",
            f"ask someone who does: {holders}",
        )
    digest = current_digest(repo.root, request.subject)
    path = approval_path(request.subject, request.role, person.metadata.id)
    document = {
        "apiVersion": API_VERSION,
        "kind": "Approval",
        "metadata": {
            "id": re.sub(
                r"[^a-z0-9]+", "-", f"{request.subject} {request.role} {person.metadata.id}".lower()
            ).strip("-")
        },
        "spec": {
            "subject": request.subject,
            "digest": digest,
            "role": request.role,
            "reviewer": person.metadata.id,
            "decision": request.decision,
            **({"comment": request.comment} if request.comment else {}),
            "date": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        },
    }
    target = repo.root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        "# yaml-language-server: $schema=https://govern-as-code.dev/schemas/v1/"
        "approval.schema.json\n" + yaml.safe_dump(document, sort_keys=False),
        encoding="utf-8",
    )
    message = f"{request.decision.capitalize()} {request.subject} as {request.role}"
    commit = repo.commit_paths([path], message, sign=True)
    return path, commit


@dataclass(frozen=True)
class ReviewPlan:
    subject: str
    digest: str
    passed: bool
    reasons: tuple[str, ...]
    missing: dict[str, list[str]]  # role -> people who can give it

    def pr_body(self) -> str:
        lines = [f"## Review request: {self.subject}", "", f"Digest: `{self.digest}`", ""]
        if self.passed:
            lines.append("All required approvals are present and verified.")
        else:
            lines.append("Still needed:")
            for role, people in self.missing.items():
                mentions = ", ".join(f"@{p}" for p in people) or "nobody holds this role"
                lines.append(f"- [ ] **{role}**: {mentions}")
            lines += [
                "",
                "Each reviewer runs:",
                "",
                "```",
                f'gac approve {self.subject} --role <role> -m "..."',
                "```",
            ]
            other = [r for r in self.reasons if not r.startswith("missing a current")]
            if other:
                lines += ["", "Also blocking:"] + [f"- {r}" for r in other]
        return "\n".join(lines) + "\n"


def plan_review(root: Path, subject: str, base: str | None = None) -> ReviewPlan:
    """What `subject` still needs, who can give it, and a ready pull-request body."""
    assessment = assess(LintRequest(root, base=base))
    context = assessment.context
    ignore = (root / IGNORE_FILE).read_bytes() if (root / IGNORE_FILE).is_file() else b""
    digest = subject_digest(context.portfolio, subject, ignore)
    if "@" not in subject:
        from govern_as_code.rules import trust_changes_need_admin as rule

        problems = list(rule.check(context, rule.Options()))
        mine = [p for p in problems if p.subject == subject]
        holders = [
            p.metadata.id
            for p in context.trust.holders("governance-admin")
            if p.metadata.id != subject.partition("/")[2]
        ]
        return ReviewPlan(
            subject,
            digest,
            not mine,
            tuple(p.message for p in mine),
            {"governance-admin": holders} if mine else {},
        )
    setting = resolve_policy(context.trust).get("production-requires-approvals")
    options = GateOptions.model_validate(dict(setting.options)) if setting else GateOptions()
    verdict = evaluate(context, subject, options)
    missing = {
        role: [_mention(context.trust, p) for p in verdict.eligible.get(role, [])]
        for role in verdict.missing_roles
    }
    return ReviewPlan(subject, digest, verdict.passed, tuple(verdict.reasons), missing)


def _mention(trust: TrustRoot, person: str) -> str:
    """A person's forge login, so the pull-request body notifies them; else their id."""
    found = trust.people.get(person)
    forge = found.spec.forge if found else None
    return (forge.github or forge.gitlab or person) if forge else person
