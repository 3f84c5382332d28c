"""Which approvals can fill which role, why roles stay unfilled, the final approver who
signs last, and who can still give what is missing. The gate assigns sign-offs to roles in
`gate/matching.py`, which also plans who could review."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from govern_as_code.gate.context import GateContext
from govern_as_code.gate.eligible import describe_who, resign_note, who_can_give
from govern_as_code.gate.model import GateVerdict, JudgedApproval, NeededSignature, SignedOff
from govern_as_code.gate.options import GateOptions


def usable_for_role(
    judged: Sequence[JudgedApproval],
    role: str,
    authors: set[str],
    context: GateContext,
    verdict: GateVerdict,
) -> list[JudgedApproval]:
    """Each reviewer's latest decision for `role`, kept when it is an approval that counts."""
    usable = []
    latest_per_reviewer: dict[str, JudgedApproval] = {}
    for item in judged:
        if item.role == role:
            latest_per_reviewer[item.reviewer] = item
    for reviewer, item in sorted(latest_per_reviewer.items()):
        if item.approval.spec.decision != "approved":
            continue
        path = item.document.path
        if item.state != "current":
            verdict.hints.append(f"{path}: {item.detail}")
            continue
        if reviewer in authors:
            verdict.hints.append(f"{path}: {reviewer} authored this version and cannot approve it")
            continue
        left = context.trust.departed_on(reviewer)
        if left is not None and item.time.date() >= left:
            verdict.hints.append(
                f"{path}: {reviewer} departed on {left.isoformat()} and signed this on"
                f" {item.time.date().isoformat()}; a departed person holds no role from that date"
            )
            continue
        if not context.trust.holds(reviewer, role, item.time):
            verdict.hints.append(
                f"{path}: {reviewer} does not hold the role {role} in the trusted base"
            )
            continue
        usable.append(item)
    return sorted(usable, key=lambda j: j.time)


def _department(context: GateContext, person: str) -> str:
    found = context.trust.people.get(person)
    return found.spec.department if found else ""


def explain_assignment(
    roles: Sequence[str],
    usable: Mapping[str, Sequence[SignedOff]],
    options: GateOptions,
    context: GateContext,
    verdict: GateVerdict,
    authors: set[str],
    judged: Sequence[JudgedApproval] = (),
) -> None:
    """Why no assignment exists, and every signature still needed (the final one last)."""
    fills = {c.reviewer: role for role in roles for c in usable.get(role, [])}
    for role in roles:
        if not usable.get(role):
            eligible, excluded = who_can_give(context, role, authors, fills)
            note = resign_note(judged, role, eligible)
            verdict.need(NeededSignature(role, tuple(eligible), note, tuple(excluded)))
            verdict.reasons.append(
                f"missing a current, verified {role} approval"
                f" (can give it: {describe_who(eligible, excluded)})"
            )
    if not verdict.missing_roles:
        _explain_clash(roles, usable, options, context, verdict, authors)
    _need_final_after(roles, usable, options, context, verdict, authors)


def _explain_clash(
    roles: Sequence[str],
    usable: Mapping[str, Sequence[SignedOff]],
    options: GateOptions,
    context: GateContext,
    verdict: GateVerdict,
    authors: set[str],
) -> None:
    by_person: dict[str, list[str]] = {}
    for role in roles:
        for candidate in usable[role]:
            by_person.setdefault(candidate.reviewer, []).append(role)
    for person, person_roles in sorted((p, r) for p, r in by_person.items() if len(r) > 1):
        verdict.reasons.append(
            f"one person fills at most one role: {person} is the"
            f" approver for {', '.join(person_roles)}"
        )
        for role in person_roles[1:]:
            eligible, excluded = who_can_give(context, role, authors | {person}, {})
            note = f"someone other than {person}, who already fills {person_roles[0]}"
            verdict.need(NeededSignature(role, tuple(eligible), note, tuple(excluded)))
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
        if role not in verdict.eligible:
            verdict.eligible[role], _ = who_can_give(context, role, authors, {})


def _need_final_after(
    roles: Sequence[str],
    usable: Mapping[str, Sequence[SignedOff]],
    options: GateOptions,
    context: GateContext,
    verdict: GateVerdict,
    authors: set[str],
) -> None:
    # Whatever is signed next comes after any final approval given so far, so the final
    # approval must be signed (again) after it.
    fills = {c.reviewer: role for role in roles for c in usable.get(role, [])}
    eligible, excluded = who_can_give(context, options.finalRole, authors, fills)
    finals = usable.get(options.finalRole, [])
    note = "signed after all the approvals above"
    if finals:
        note += f", so {', '.join(sorted({f.reviewer for f in finals}))} signs again"
    verdict.need(NeededSignature(options.finalRole, tuple(eligible), note, tuple(excluded)))


def check_final(
    assignment: Mapping[str, SignedOff],
    finals: Sequence[SignedOff],
    options: GateOptions,
    context: GateContext,
    verdict: GateVerdict,
    authors: set[str],
    judged: Sequence[JudgedApproval] = (),
) -> None:
    """The final approval: by someone who filled no other role, signed after all of them."""
    used = {a.reviewer for a in assignment.values()}
    last = max((a.time for a in assignment.values()), default=None)
    role = options.finalRole
    candidates = [f for f in finals if f.reviewer not in used]
    in_order = [f for f in candidates if last is None or f.time > last]
    if in_order:
        verdict.assignment[role] = in_order[-1].reviewer
        return
    fills = {a.reviewer: r for r, a in assignment.items()}
    eligible, excluded = who_can_give(context, role, authors, fills)
    who = describe_who(eligible, excluded)
    if candidates and last is not None:
        early = candidates[-1]
        note = f"{early.reviewer} signs again, after {last.isoformat()}"
        verdict.reasons.append(
            f"the final approval by {early.reviewer} ({early.time.isoformat()}) was signed"
            f" before the last required approval ({last.isoformat()}); the final approver must"
            f" sign last (can give it: {who})"
        )
    elif finals:
        note = "by someone who filled no other role"
        verdict.reasons.append(
            f"the final approval must come from someone who filled no other"
            f" role: {', '.join(f.reviewer for f in finals)} already did"
            f" (can give it: {who})"
        )
    else:
        note = resign_note(judged, role, eligible) or "signed after all the others"
        verdict.reasons.append(
            f"missing a current, verified {role} approval, signed after all"
            f" the others (can give it: {who})"
        )
    verdict.need(NeededSignature(role, tuple(eligible), note, tuple(excluded)))
