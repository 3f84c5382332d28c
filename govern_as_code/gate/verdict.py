"""The deploy gate: does a model version carry every approval its risk tier requires?

For a deployment to a protected environment, each required role needs an approval that is
verified (signed by the reviewer), current (bound to the version's digest), unexpired, given
by someone who holds the role in the trusted base and did not author the version. One person
fills at most one role, departments are distinct when the policy says so, no verified
rejection is outstanding, and a final approval is signed after all the others.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from govern_as_code.documents.kinds import ApprovalDocument, ModelDocument, ModelVersionDocument
from govern_as_code.gate.assign import check_final, explain_assignment, usable_for_role
from govern_as_code.gate.context import GateContext
from govern_as_code.gate.judge import judge_approvals
from govern_as_code.gate.matching import candidates_by_role, match_roles
from govern_as_code.gate.model import GateVerdict, JudgedApproval
from govern_as_code.gate.options import GateOptions
from govern_as_code.gate.tiers import strictest_tier as _strictest_tier


def evaluate(context: GateContext, subject: str, options: GateOptions) -> GateVerdict:
    """The gate's verdict for one model version (computed once per context and options)."""
    key = (subject, options.model_dump_json())
    cached = context.verdicts.get(key)
    if cached is None:
        cached = context.verdicts[key] = _evaluate(context, subject, options)
    assert isinstance(cached, GateVerdict)
    return cached


def _evaluate(context: GateContext, subject: str, options: GateOptions) -> GateVerdict:
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
    authors = {version.spec.createdBy, *context.history.version_authors.get(subject, frozenset())}
    authors |= context.evidence.authors.get(subject, frozenset())  # e.g. a PR's author
    base_version = _in_base(context, "ModelVersion", subject)
    if isinstance(base_version, ModelVersionDocument):
        authors.add(base_version.spec.createdBy)  # editing createdBy must not dodge the check
    verdict.reasons.extend(_untraceable(context, subject))
    judged = judge_approvals(context, subject, options.maxAgeDays)
    verdict.reasons.extend(_outstanding_rejections(judged))
    verdict.reasons.extend(_removed_rejections(context, subject))
    verdict.reasons.extend(_deleted_decisions(context, subject, judged))
    verdict.reasons.extend(_tampered(judged))
    usable: dict[str, list[JudgedApproval]] = {}
    for role in [*roles, options.finalRole]:
        usable[role] = usable_for_role(judged, role, authors, context, verdict)
    candidates = candidates_by_role(context, subject, usable, authors, options.maxAgeDays, verdict)
    assignment = match_roles(roles, candidates, options.distinctDepartments, context)
    if len(assignment) < len(roles):
        explain_assignment(roles, candidates, options, context, verdict, authors, judged)
        return verdict
    verdict.assignment = {role: a.reviewer for role, a in assignment.items()}
    verdict.verified_by = {role: a.how for role, a in assignment.items()}
    finals = candidates.get(options.finalRole, [])
    check_final(assignment, finals, options, context, verdict, authors, judged)
    final = verdict.assignment.get(options.finalRole)
    hows = [s.how for s in finals if s.reviewer == final]  # oldest first: the latest counts
    if hows:
        verdict.verified_by[options.finalRole] = hows[-1]
    return verdict


def _in_base(context: GateContext, kind: str, ident: str) -> object | None:
    base = context.trust.portfolio
    if base is None or base is context.portfolio:
        return None
    found = base.get(kind, ident)
    return found.model if found else None


def _removed_rejections(context: GateContext, subject: str) -> Iterator[str]:
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


def _untraceable(context: GateContext, subject: str) -> Iterator[str]:
    """The commit that created a gated version must trace to a registered person.

    Otherwise its real author is unknown and could approve it under another `createdBy`.
    """
    history = context.history
    if subject not in history.traced:
        return
    origin = history.origins.get(subject)
    if origin is None:
        yield (
            f"the file of {subject} is not committed, so nobody can tell who authored it;"
            " commit it, signed with the key in your Person document"
        )
    elif origin.person is None:
        yield (
            f"the commit that created {subject} does not trace to a person of the trusted"
            f" base: {origin.reason}; the gate cannot tell who authored it, so nobody can"
            " approve it. Have its author create the version again in a commit signed with"
            " the key in their Person document"
        )


def _deleted_decisions(
    context: GateContext, subject: str, judged: Sequence[JudgedApproval]
) -> Iterator[str]:
    """A signed rejection made and deleted on the branch stands until its reviewer says so.

    The reviewer lifts it by signing the deletion, or by a newer signed decision for the
    same role (any verified approval file of theirs dated after it).
    """
    base = context.trust.portfolio
    in_base = (
        {
            d.path
            for d in base.approvals_of(subject)
            if isinstance(d.model, ApprovalDocument) and d.model.spec.decision != "approved"
        }
        if base is not None and base is not context.portfolio
        else set()
    )
    for removed in context.history.removed:
        if removed.subject != subject or removed.removal_signed or removed.path in in_base:
            continue  # a decision still in the base is judged by _removed_rejections
        newer = [
            j
            for j in judged
            if j.reviewer == removed.reviewer
            and j.role == removed.role
            and j.state != "unverified"
            and j.time > removed.signed_at
        ]
        if newer:
            continue
        yield (
            f"{removed.reviewer} {removed.decision} it as {removed.role} on"
            f" {removed.signed_at.date().isoformat()} ({removed.path}), and commit"
            f" {removed.deleted_in[:12]} deleted that decision without {removed.reviewer}'s"
            " signature; it stands until the reviewer signs a newer decision or its removal"
        )


def _verified(context: GateContext, path: str) -> bool:
    proof = context.evidence.of(path)
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
