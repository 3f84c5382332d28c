"""Sign-offs: the digest an approval names, the Approval document, and what a subject still
needs. Writing and committing it is commands/approve.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath

import yaml

from govern_as_code.commands.assess import LintRequest, assess
from govern_as_code.documents.digest import version_digest
from govern_as_code.documents.kinds import API_VERSION, ModelVersionDocument
from govern_as_code.errors import UsageError
from govern_as_code.gate.verdict import evaluate
from govern_as_code.portfolio import Portfolio, load_portfolio, open_source
from govern_as_code.portfolio.ignore import read_worktree_ignore
from govern_as_code.portfolio.trust import TrustRoot
from govern_as_code.portfolio.trust_changes import digest_of_ref
from govern_as_code.rules.policy import gate_options, resolve_policy

DECISIONS = ("approved", "changes-requested", "rejected")


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
    ignore = read_worktree_ignore(root)
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
    modeline: str = "",
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
    return modeline + yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


@dataclass(frozen=True)
class NeededStep:
    """One signature still needed: the role, who can give it (mentions), and why or when."""

    role: str
    people: tuple[str, ...]
    note: str = ""
    excluded: tuple[str, ...] = ()

    def who(self) -> str:
        """The people, or why nobody who holds the role can give it."""
        if self.people:
            return ", ".join(self.people)
        return "nobody: " + "; ".join(self.excluded) if self.excluded else "nobody holds this role"


@dataclass(frozen=True)
class ReviewPlan:
    """What a subject still needs. `steps` lists every signature in the order to give them:
    the missing or stale roles first, then the final approval that must come last."""

    subject: str
    digest: str
    passed: bool
    reasons: tuple[str, ...]
    steps: tuple[NeededStep, ...] = ()

    @property
    def missing(self) -> dict[str, list[str]]:
        """role -> people who can give it, for every signature still needed."""
        return {step.role: list(step.people) for step in self.steps}

    def pr_body(self) -> str:
        lines = [f"## Review request: {self.subject}", "", f"Digest: `{self.digest}`", ""]
        if self.passed:
            lines.append("All required approvals are present and verified.")
        else:
            lines.append("Still needed:")
            for step in self.steps:
                mentions = ", ".join(f"@{p}" for p in step.people) if step.people else step.who()
                note = f" ({step.note})" if step.note else ""
                lines.append(f"- [ ] **{step.role}**: {mentions}{note}")
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


def plan_review(
    root: Path, subject: str, base: str | None = None, today: date | None = None
) -> ReviewPlan:
    """What `subject` still needs, who can give it, and a ready pull-request body.

    `today` pins the day that expiry is judged on (the CLI's hidden --today), as in lint.
    """
    assessment = assess(LintRequest(root, base=base, today=today))
    context = assessment.context
    ignore = read_worktree_ignore(root)
    digest = subject_digest(context.portfolio, subject, ignore)
    if "@" not in subject:
        from govern_as_code.rules import trust_changes_need_admin as rule

        admin = resolve_policy(context.trust).options_of(rule.ID, rule.Options)
        problems = list(rule.check(context, admin))
        mine = [p for p in problems if p.subject == subject]
        holders = [
            _mention(context.trust, p.metadata.id)
            for p in context.trust.holders(admin.role, context.today)
            if p.metadata.id != subject.partition("/")[2]
        ]
        steps: tuple[NeededStep, ...] = (NeededStep(admin.role, tuple(holders)),) if mine else ()
        return ReviewPlan(subject, digest, not mine, tuple(p.message for p in mine), steps)
    options = gate_options(context.trust)
    verdict = evaluate(context, subject, options)
    steps = tuple(
        NeededStep(
            need.role,
            tuple(_mention(context.trust, p) for p in need.people),
            need.note,
            need.excluded,
        )
        for need in verdict.needed
    )
    return ReviewPlan(subject, digest, verdict.passed, tuple(verdict.reasons), steps)


def _mention(trust: TrustRoot, person: str) -> str:
    """A person's forge login, so the pull-request body notifies them; else their id."""
    found = trust.people.get(person)
    forge = found.spec.forge if found else None
    return (forge.github or forge.gitlab or person) if forge else person
