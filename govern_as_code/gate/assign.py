"""Which approvals can fill which role, why roles stay unfilled, and the final approver who
signs last. The assignment of reviewers to roles is `gate/matching.py`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from govern_as_code.gate.context import GateContext
from govern_as_code.gate.model import GateVerdict, JudgedApproval, SignedOff
from govern_as_code.gate.options import GateOptions


def usable_for_role(
    judged: Sequence[JudgedApproval],
    role: str,
    authors: set[str],
    context: GateContext,
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


def _department(context: GateContext, person: str) -> str:
    found = context.trust.people.get(person)
    return found.spec.department if found else ""


def _eligible(context: GateContext, role: str, exclude: set[str]) -> list[str]:
    return [p.metadata.id for p in context.trust.holders(role) if p.metadata.id not in exclude]


def explain_assignment(
    roles: Sequence[str],
    usable: Mapping[str, Sequence[SignedOff]],
    options: GateOptions,
    context: GateContext,
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


def check_final(
    assignment: Mapping[str, SignedOff],
    finals: Sequence[SignedOff],
    options: GateOptions,
    context: GateContext,
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
