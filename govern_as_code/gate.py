"""The deploy gate: does a model version carry every approval its risk tier requires?

For a deployment to a protected environment, each required role needs an approval that is
verified (signed by the reviewer), current (bound to the version's digest), unexpired, given
by someone who holds the role in the trusted base and did not author the version. One person
fills at most one role, departments are distinct when the policy says so, no verified
rejection is outstanding, and a final approval is signed after all the others.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from govern_as_code.digest import version_digest
from govern_as_code.documents.kinds import ApprovalDocument, ModelDocument, ModelVersionDocument
from govern_as_code.evidence.approvals import ApprovalEvidence
from govern_as_code.portfolio import Document
from govern_as_code.rules.base import RuleContext
from govern_as_code.status import ApprovalCheck

DEFAULT_ROLES = {
    "low": ["technical-review"],
    "medium": ["technical-review", "risk-review"],
    "high": ["technical-review", "risk-review", "business-review"],
    "critical": ["technical-review", "risk-review", "business-review", "compliance-review"],
}


class GateOptions(BaseModel):
    """Options of `production-requires-approvals` (DESIGN §9)."""

    model_config = ConfigDict(extra="forbid")
    roles: dict[str, list[str]] = Field(default_factory=lambda: dict(DEFAULT_ROLES))
    finalRole: str = "final-approval"
    distinctDepartments: bool = True
    maxAgeDays: int = Field(default=365, ge=1)


@dataclass(frozen=True)
class JudgedApproval:
    """An approval of a subject with the verdict on whether it can count."""

    document: Document
    approval: ApprovalDocument
    evidence: ApprovalEvidence | None
    state: str  # current | stale | expired | unverified
    detail: str
    time: datetime

    @property
    def reviewer(self) -> str:
        return self.approval.spec.reviewer

    @property
    def role(self) -> str:
        return self.approval.spec.role

    def as_check(self) -> ApprovalCheck:
        spec = self.approval.spec
        evidence = self.evidence
        return ApprovalCheck(
            self.document.path,
            spec.subject,
            spec.role,
            spec.reviewer,
            spec.decision,
            spec.date,
            self.state,  # type: ignore[arg-type]
            evidence.method if evidence and evidence.verified else "none",
            self.detail,
            evidence.fingerprint if evidence else None,
            evidence.commit if evidence else None,
            evidence.signed_at if evidence else None,
        )


@dataclass
class GateVerdict:
    subject: str
    reasons: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    assignment: dict[str, str] = field(default_factory=dict)
    missing_roles: list[str] = field(default_factory=list)
    eligible: dict[str, list[str]] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.reasons


def judge_approvals(context: RuleContext, subject: str, max_age_days: int) -> list[JudgedApproval]:
    """Every Approval of `subject` with its state, oldest first."""
    version_doc = context.portfolio.get("ModelVersion", subject)
    current = (
        version_digest(version_doc.model)
        if version_doc and isinstance(version_doc.model, ModelVersionDocument)
        else None
    )
    evidence = context.evidence or {}
    judged = []
    for document in context.portfolio.approvals_of(subject):
        approval = document.model
        assert isinstance(approval, ApprovalDocument)
        found: ApprovalEvidence | None = evidence.get(document.path)
        time = found.signed_at if found and found.signed_at else approval.spec.date
        if found is None or not found.verified:
            reason = found.reason if found else "no history to verify it against"
            judged.append(
                JudgedApproval(
                    document, approval, found, "unverified", f"not verified: {reason}", time
                )
            )
        elif current is not None and approval.spec.digest != current:
            judged.append(
                JudgedApproval(
                    document,
                    approval,
                    found,
                    "stale",
                    f"stale: it approves digest {approval.spec.digest} but the version's digest is"
                    f" now {current}{context.extra.get('changes', {}).get(document.path, '')}",
                    time,
                )
            )
        elif context.today - time.date() > timedelta(days=max_age_days):
            judged.append(
                JudgedApproval(
                    document,
                    approval,
                    found,
                    "expired",
                    f"expired: signed {time.date().isoformat()}, more than {max_age_days} days"
                    f" before {context.today.isoformat()}",
                    time,
                )
            )
        else:
            judged.append(JudgedApproval(document, approval, found, "current", "", time))
    return sorted(judged, key=lambda j: (j.time, j.document.path))


def evaluate(context: RuleContext, subject: str, options: GateOptions) -> GateVerdict:
    """The gate's verdict for one model version (computed once per context and options)."""
    key = (subject, options.model_dump_json())
    cached = context.verdicts.get(key)
    if cached is None:
        cached = context.verdicts[key] = _evaluate(context, subject, options)
    assert isinstance(cached, GateVerdict)
    return cached


def _evaluate(context: RuleContext, subject: str, options: GateOptions) -> GateVerdict:
    verdict = GateVerdict(subject)
    portfolio = context.portfolio
    version_doc = portfolio.get("ModelVersion", subject)
    if version_doc is None or not isinstance(version_doc.model, ModelVersionDocument):
        verdict.reasons.append(f"model version {subject!r} does not exist")
        return verdict
    version = version_doc.model
    model_doc = portfolio.get("Model", version.spec.model)
    if model_doc is None or not isinstance(model_doc.model, ModelDocument):
        verdict.reasons.append(f"model {version.spec.model!r} does not exist")
        return verdict
    tier = _strictest_tier(context, model_doc.model)
    roles = options.roles.get(tier)
    if roles is None:
        verdict.reasons.append(f"the policy names no required roles for risk tier {tier!r}")
        return verdict
    authors = {version.spec.createdBy, *context.extra.get("version_authors", {}).get(subject, ())}
    base_version = _in_base(context, "ModelVersion", subject)
    if isinstance(base_version, ModelVersionDocument):
        authors.add(base_version.spec.createdBy)  # editing createdBy must not dodge the check
    judged = judge_approvals(context, subject, options.maxAgeDays)
    verdict.reasons.extend(_outstanding_rejections(judged))
    verdict.reasons.extend(_removed_rejections(context, subject))
    verdict.reasons.extend(_tampered(judged))
    usable: dict[str, list[JudgedApproval]] = {}
    for role in [*roles, options.finalRole]:
        usable[role] = _usable_for_role(judged, role, authors, context, verdict)
    assignment = _assign(roles, usable, options.distinctDepartments, context)
    if assignment is None:
        _explain_assignment(roles, usable, options, context, verdict, authors)
        return verdict
    verdict.assignment = {role: a.reviewer for role, a in assignment.items()}
    _check_final(assignment, usable.get(options.finalRole, []), options, context, verdict, authors)
    return verdict


TIER_ORDER = ("low", "medium", "high", "critical")


def _in_base(context: RuleContext, kind: str, ident: str) -> object | None:
    base = context.trust.portfolio
    if base is None or base is context.portfolio:
        return None
    found = base.get(kind, ident)
    return found.model if found else None


def _strictest_tier(context: RuleContext, model: ModelDocument) -> str:
    """The head's risk tier, or the base's if stricter: a change cannot lower its own bar."""
    tier = model.spec.riskTier
    base_model = _in_base(context, "Model", model.metadata.id)
    if isinstance(base_model, ModelDocument):
        base_tier = base_model.spec.riskTier
        if TIER_ORDER.index(base_tier) > TIER_ORDER.index(tier):
            return base_tier
    return tier


def _removed_rejections(context: RuleContext, subject: str) -> Iterator[str]:
    """A rejection in the trusted base that this change deleted or altered still stands.

    It is kept only where it was (same id, same path), unchanged or changed by commits its
    reviewer signed: an unsigned edit would otherwise void it, and a new file could take over
    its id.
    """
    base = context.trust.portfolio
    if base is None or base is context.portfolio:
        return
    for document in base.approvals_of(subject):
        approval = document.model
        if not isinstance(approval, ApprovalDocument) or approval.spec.decision == "approved":
            continue
        head = context.portfolio.get("Approval", document.id)
        said = (
            f"{approval.spec.reviewer} {approval.spec.decision} it as"
            f" {approval.spec.role} in the trusted base ({document.path}), and this change"
        )
        if head is None or head.path != document.path:
            yield (
                f"{said} deleted that decision; a decision is replaced by a newer signed one,"
                " never deleted"
            )
        elif head.data.value != document.data.value and not _verified(context, head.path):
            yield (
                f"{said} altered that decision without {approval.spec.reviewer}'s signature;"
                " a decision is replaced by a newer signed one, never edited by someone else"
            )


def _verified(context: RuleContext, path: str) -> bool:
    proof = (context.evidence or {}).get(path)
    return proof is not None and proof.verified


def _tampered(judged: Sequence[JudgedApproval]) -> Iterator[str]:
    for item in judged:
        if item.evidence is not None and item.evidence.tampered:
            yield (
                f"{item.document.path} was changed after {item.reviewer} signed it"
                f" ({item.evidence.reason}); a signed decision is only replaced by a newer one"
                " its reviewer signs"
            )


def _outstanding_rejections(judged: Sequence[JudgedApproval]) -> Iterator[str]:
    latest: dict[tuple[str, str], JudgedApproval] = {}
    for item in judged:
        if item.state in ("current", "expired"):
            latest[(item.reviewer, item.role)] = item  # judged is oldest first
    for (reviewer, role), item in sorted(latest.items()):
        if item.approval.spec.decision != "approved":
            yield (
                f"{reviewer} {item.approval.spec.decision} it as {role} on"
                f" {item.time.date().isoformat()} ({item.document.path}), and has not"
                " approved since"
            )


def _usable_for_role(
    judged: Sequence[JudgedApproval],
    role: str,
    authors: set[str],
    context: RuleContext,
    verdict: GateVerdict,
) -> list[JudgedApproval]:
    usable = []
    latest_per_reviewer: dict[str, JudgedApproval] = {}
    for item in judged:
        if item.role == role:
            latest_per_reviewer[item.reviewer] = item
    for reviewer, item in sorted(latest_per_reviewer.items()):
        if item.approval.spec.decision != "approved":
            continue
        if item.state != "current":
            verdict.hints.append(f"{item.document.path}: {item.detail}")
            continue
        if reviewer in authors:
            verdict.hints.append(
                f"{item.document.path}: {reviewer} authored this version and cannot approve it"
            )
            continue
        if not context.trust.holds(reviewer, role):
            verdict.hints.append(
                f"{item.document.path}: {reviewer} does not hold the role"
                f" {role} in the trusted base"
            )
            continue
        usable.append(item)
    return sorted(usable, key=lambda j: j.time)


def _department(context: RuleContext, person: str) -> str:
    found = context.trust.people.get(person)
    return found.spec.department if found else ""


def _assign(
    roles: Sequence[str],
    usable: dict[str, list[JudgedApproval]],
    distinct: bool,
    context: RuleContext,
) -> dict[str, JudgedApproval] | None:
    """Distinct people (and departments, if asked) for every role, by backtracking."""

    def search(index: int, chosen: dict[str, JudgedApproval]) -> dict[str, JudgedApproval] | None:
        if index == len(roles):
            return dict(chosen)
        role = roles[index]
        people = {c.reviewer for c in chosen.values()}
        departments = {_department(context, c.reviewer) for c in chosen.values()}
        for candidate in usable.get(role, []):
            if candidate.reviewer in people:
                continue
            if distinct and _department(context, candidate.reviewer) in departments:
                continue
            chosen[role] = candidate
            found = search(index + 1, chosen)
            if found is not None:
                return found
            del chosen[role]
        return None

    return search(0, {})


def _eligible(context: RuleContext, role: str, exclude: set[str]) -> list[str]:
    return [p.metadata.id for p in context.trust.holders(role) if p.metadata.id not in exclude]


def _explain_assignment(
    roles: Sequence[str],
    usable: dict[str, list[JudgedApproval]],
    options: GateOptions,
    context: RuleContext,
    verdict: GateVerdict,
    authors: set[str],
) -> None:
    for role in roles:
        if not usable.get(role):
            verdict.missing_roles.append(role)
            verdict.eligible[role] = _eligible(context, role, authors)
            who = ", ".join(verdict.eligible[role]) or "nobody holds this role"
            verdict.reasons.append(
                f"missing a current, verified {role} approval (can give it: {who})"
            )
    if verdict.missing_roles:
        return
    by_person: dict[str, list[str]] = {}
    for role in roles:
        for candidate in usable[role]:
            by_person.setdefault(candidate.reviewer, []).append(role)
    shared = {p: r for p, r in by_person.items() if len(r) > 1}
    if shared:
        for person, person_roles in sorted(shared.items()):
            verdict.reasons.append(
                f"one person fills at most one role: {person} is the"
                f" approver for {', '.join(person_roles)}"
            )
    if options.distinctDepartments:
        departments: dict[str, set[str]] = {}
        for role in roles:
            for candidate in usable[role]:
                departments.setdefault(_department(context, candidate.reviewer), set()).add(
                    candidate.reviewer
                )
        clashes = {d: sorted(p) for d, p in departments.items() if len(p) > 1}
        for department, people in sorted(clashes.items()):
            verdict.reasons.append(
                f"reviewers must come from distinct departments:"
                f" {', '.join(people)} are all in {department}"
            )
    if not verdict.reasons:
        verdict.reasons.append(
            "the approvals cannot be assigned to distinct reviewers for"
            f" every role ({', '.join(roles)})"
        )
    for role in roles:
        verdict.eligible[role] = _eligible(context, role, authors)


def _check_final(
    assignment: dict[str, JudgedApproval],
    finals: Sequence[JudgedApproval],
    options: GateOptions,
    context: RuleContext,
    verdict: GateVerdict,
    authors: set[str],
) -> None:
    used = {a.reviewer for a in assignment.values()}
    last = max((a.time for a in assignment.values()), default=None)
    role = options.finalRole
    candidates = [f for f in finals if f.reviewer not in used]
    in_order = [f for f in candidates if last is None or f.time > last]
    if in_order:
        verdict.assignment[role] = in_order[-1].reviewer
        return
    verdict.missing_roles.append(role)
    verdict.eligible[role] = _eligible(context, role, authors | used)
    who = ", ".join(verdict.eligible[role]) or "nobody else holds this role"
    if candidates and last is not None:
        early = candidates[-1]
        verdict.reasons.append(
            f"the final approval by {early.reviewer} ({early.time.isoformat()}) was signed"
            f" before the last required approval ({last.isoformat()}); the final approver must"
            f" sign last (can give it: {who})"
        )
    elif finals:
        verdict.reasons.append(
            f"the final approval must come from someone who filled no other"
            f" role: {', '.join(f.reviewer for f in finals)} already did"
            f" (can give it: {who})"
        )
    else:
        verdict.reasons.append(
            f"missing a current, verified {role} approval, signed after all"
            f" the others (can give it: {who})"
        )
