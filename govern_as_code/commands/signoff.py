"""Sign-offs: the digest an approval names, the Approval document, and what a subject still
needs. Writing and committing it is commands/approve.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import yaml

from govern_as_code.commands.assess import LintRequest, assess
from govern_as_code.documents.digest import version_digest
from govern_as_code.documents.kinds import API_VERSION, ModelVersionDocument
from govern_as_code.errors import UsageError
from govern_as_code.gate.options import GateOptions
from govern_as_code.gate.verdict import evaluate
from govern_as_code.portfolio import IGNORE_FILE, Portfolio, load_portfolio, open_source
from govern_as_code.portfolio.trust import TrustRoot
from govern_as_code.portfolio.trust_changes import digest_of_ref
from govern_as_code.rules.policy import resolve_policy

DECISIONS = ("approved", "changes-requested", "rejected")
SCHEMA_URL = "https://govern-as-code.dev/schemas/v1/approval.schema.json"


def subject_digest(portfolio: Portfolio, subject: str, ignore_file: bytes = b"") -> str:
    """The digest an approval of `subject` must name (model@version or KIND/id)."""
    if "@" in subject:
        document = portfolio.get("ModelVersion", subject)
        if document is None or not isinstance(document.model, ModelVersionDocument):
            _refuse_invalid_version_file(portfolio, subject)
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


def _refuse_invalid_version_file(portfolio: Portfolio, subject: str) -> None:
    """A version whose file exists but did not load is invalid, not missing: say so."""
    model, _, version = subject.partition("@")
    for problem in sorted(portfolio.problems):
        parts = PurePosixPath(problem.path).parts
        # The conventional place: .../models/<model>/versions/<version>.yaml
        if parts[-3:-1] == (model, "versions") and PurePosixPath(parts[-1]).stem == version:
            raise UsageError(
                f"the file of model version {subject}, {problem.path}:{problem.line}, is not"
                f" valid: {problem.message}",
                f"fix {problem.path} (run gac validate to see every problem), then approve",
            )


def current_digest(root: Path, subject: str) -> str:
    """The digest of `subject` as the working tree has it."""
    portfolio = load_portfolio(open_source(root))
    ignore = (root / IGNORE_FILE).read_bytes() if (root / IGNORE_FILE).is_file() else b""
    return subject_digest(portfolio, subject, ignore)


def approval_path(subject: str, role: str, person: str) -> str:
    if "@" in subject:
        model, _, version = subject.partition("@")
        return f"approvals/{model}/{version}/{role}--{person}.yaml"
    kind, _, ident = subject.partition("/")
    return f"approvals/{kind}/{ident}/{role}--{person}.yaml"


def render_approval(
    subject: str,
    digest: str,
    role: str,
    reviewer: str,
    decision: str,
    comment: str,
    when: datetime,
    schema: str = SCHEMA_URL,
) -> str:
    """The text of an Approval document: the one writer `gac approve` and `gac demo` share."""
    document = {
        "apiVersion": API_VERSION,
        "kind": "Approval",
        "metadata": {
            "id": re.sub(r"[^a-z0-9]+", "-", f"{subject} {role} {reviewer}".lower()).strip("-")
        },
        "spec": {
            "subject": subject,
            "digest": digest,
            "role": role,
            "reviewer": reviewer,
            "decision": decision,
            **({"comment": comment} if comment else {}),
            "date": when.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        },
    }
    return f"# yaml-language-server: $schema={schema}\n" + yaml.safe_dump(
        document, sort_keys=False, allow_unicode=True
    )


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
