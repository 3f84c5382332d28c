"""Waivers: time-boxed exceptions that turn one rule's errors for one subject into warnings.

This is the one place waivers are applied (DESIGN §4); `run_rules` hands it the stamped
problems. A Waiver counts only while all of this holds:

- the policy in force marks its rule `waivable: true` (`production-requires-approvals` is not
  waivable in the default pack, and no gate verdict is ever waived);
- a current, verified Approval of `Waiver/<id>` by the policy's waiver role (`waiverRole`,
  default `risk-acceptance`) approves its exact content, signed by someone other than the
  person who requested it;
- it has not expired, and it expires at most `maxWaiverDays` (default 90) after it was granted.

An expired waiver, a waiver of a rule that is not waivable and a waiver that runs too long are
errors; a waiver still waiting for its approval is a warning. None of them waives anything.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from govern_as_code.documents.digest import document_digest
from govern_as_code.documents.kinds import ApprovalDocument, PolicyDocument, WaiverDocument
from govern_as_code.gate.context import GateContext
from govern_as_code.portfolio.model import Document
from govern_as_code.portfolio.trust import TrustRoot
from govern_as_code.problems import Level, Problem
from govern_as_code.rules.policy import DEFAULT_PACK, shipped_pack

ID = "waivers"
DEFAULT_ROLE = "risk-acceptance"
DEFAULT_MAX_DAYS = 90


@dataclass(frozen=True)
class WaiverPolicy:
    """What the policy in force says about waivers."""

    waivable: frozenset[str]
    max_days: int = DEFAULT_MAX_DAYS
    role: str = DEFAULT_ROLE


def waiver_policy(trust: TrustRoot) -> WaiverPolicy:
    """`waivable`, `maxWaiverDays` and `waiverRole` of the packs in force, `extends` first."""
    flags: dict[str, bool] = {}
    settings: dict[str, object] = {}

    def visit(name: str, seen: tuple[str, ...]) -> None:
        policy = _find(name, trust)
        if policy is None or policy.metadata.id in seen:
            return  # resolve_policy has already stopped on a missing pack or a cycle
        for parent in policy.spec.extends:
            visit(parent, (*seen, policy.metadata.id))
        for rule_id, setting in policy.spec.rules.items():
            if setting.waivable is not None:
                flags[rule_id] = setting.waivable
        if policy.spec.maxWaiverDays is not None:
            settings["max_days"] = policy.spec.maxWaiverDays
        if policy.spec.waiverRole is not None:
            settings["role"] = policy.spec.waiverRole

    for name in list(trust.settings.policies) or [DEFAULT_PACK]:
        visit(name, ())
    waivable = frozenset(rule for rule, flag in flags.items() if flag)
    return WaiverPolicy(waivable, **settings)  # type: ignore[arg-type]


def _find(name: str, trust: TrustRoot) -> PolicyDocument | None:
    for document in trust.policies.values():
        if name in (document.id, document.path) and isinstance(document.model, PolicyDocument):
            return document.model
    if "/" not in name and not name.endswith((".yaml", ".yml")):
        return shipped_pack(name)
    return None


@dataclass(frozen=True)
class ValidWaiver:
    document: Document
    waiver: WaiverDocument


def apply_waivers(context: GateContext, problems: Sequence[Problem]) -> list[Problem]:
    """`problems` with each validly waived error turned into a warning, plus the waivers' own."""
    waivers = list(context.portfolio.models("Waiver", WaiverDocument))
    if not waivers:
        return list(problems)
    policy = waiver_policy(context.trust)
    own: list[Problem] = []
    valid: list[ValidWaiver] = []
    for document, waiver in waivers:
        found = list(_judge(context, policy, document, waiver))
        own.extend(found)
        if not found:
            valid.append(ValidWaiver(document, waiver))
    result = [_waive(context, valid, p) for p in problems]
    return sorted(set(result + own))


def _waive(context: GateContext, valid: Sequence[ValidWaiver], problem: Problem) -> Problem:
    if problem.level is not Level.ERROR:
        return problem
    for entry in valid:
        spec = entry.waiver.spec
        if spec.rule == problem.rule and _about(context, problem, spec.subject):
            return replace(
                problem,
                level=Level.WARNING,
                message=f"{problem.message} (waived until {spec.expires.isoformat()} by"
                f" Waiver/{entry.document.id})",
            )
    return problem


def _about(context: GateContext, problem: Problem, subject: str) -> bool:
    if problem.subject == subject:
        return True
    kind, _, ident = subject.partition("/")
    document = context.portfolio.get(kind, ident) if ident else None
    return document is not None and document.path == problem.path


def _judge(
    context: GateContext, policy: WaiverPolicy, document: Document, waiver: WaiverDocument
) -> Iterator[Problem]:
    spec = waiver.spec
    ref = f"Waiver/{document.id}"
    if spec.rule not in policy.waivable:
        yield _problem(
            document,
            Level.ERROR,
            f"{ref} waives rule {spec.rule!r}, which the policy does not mark waivable",
            ("spec", "rule"),
            "remove the waiver, or mark the rule `waivable: true` in a policy of the trusted base",
        )
        return
    if spec.expires < context.today:
        yield _problem(
            document,
            Level.ERROR,
            f"{ref} expired on {spec.expires.isoformat()}, so {spec.rule} applies to"
            f" {spec.subject} again",
            ("spec", "expires"),
            "fix the finding, or grant a new waiver (gac waive) and have it approved",
        )
        return
    granted = _granted_on(context, policy, document, waiver)
    if granted is None:
        holders = ", ".join(p.metadata.id for p in context.trust.holders(policy.role)) or "nobody"
        yield _problem(
            document,
            Level.WARNING,
            f"{ref} does not count yet: it needs a verified {policy.role} approval of its"
            f" current content (can give it: {holders})",
            ("metadata", "id"),
            f"ask for it: gac approve {ref} --role {policy.role}",
        )
        return
    if spec.expires > granted + timedelta(days=policy.max_days):
        yield _problem(
            document,
            Level.ERROR,
            f"{ref} expires {spec.expires.isoformat()}, more than the policy's maxWaiverDays"
            f" ({policy.max_days}) after it was granted on {granted.isoformat()}",
            ("spec", "expires"),
            "shorten the waiver and have it approved again",
        )


def _granted_on(
    context: GateContext, policy: WaiverPolicy, document: Document, waiver: WaiverDocument
) -> date | None:
    """The day a verified approval by the waiver role granted this exact waiver, if any."""
    digest = document_digest(document.data.value)
    for approval_doc in context.portfolio.approvals_of(f"Waiver/{document.id}"):
        approval = approval_doc.model
        if not isinstance(approval, ApprovalDocument):
            continue
        spec = approval.spec
        proof = context.evidence.of(approval_doc.path)
        if (
            spec.decision == "approved"
            and spec.role == policy.role
            and spec.digest == digest
            and proof is not None
            and proof.verified
            and context.trust.holds(spec.reviewer, policy.role)
            and spec.reviewer != waiver.spec.requestedBy
        ):
            moment = proof.signed_at or spec.date
            return moment.date()
    return None


def _problem(
    document: Document, level: Level, message: str, at: tuple[str, ...], hint: str
) -> Problem:
    line, column = document.position(*at)
    return Problem(document.path, line, column, ID, message, hint, f"Waiver/{document.id}", level)
