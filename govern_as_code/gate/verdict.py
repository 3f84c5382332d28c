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
    judged = judge_approvals(context, subject, options.maxAgeDays)
    verdict.reasons.extend(_outstanding_rejections(judged))
    verdict.reasons.extend(_removed_rejections(context, subject))
    verdict.reasons.extend(_tampered(judged))
    usable: dict[str, list[JudgedApproval]] = {}
    for role in [*roles, options.finalRole]:
        usable[role] = usable_for_role(judged, role, authors, context, verdict)
    candidates = candidates_by_role(context, subject, usable, authors, options.maxAgeDays, verdict)
    assignment = match_roles(roles, candidates, options.distinctDepartments, context)
    if len(assignment) < len(roles):
        explain_assignment(roles, candidates, options, context, verdict, authors)
        return verdict
    verdict.assignment = {role: a.reviewer for role, a in assignment.items()}
    verdict.verified_by = {role: a.how for role, a in assignment.items()}
    finals = candidates.get(options.finalRole, [])
    check_final(assignment, finals, options, context, verdict, authors)
    final = verdict.assignment.get(options.finalRole)
    hows = [s.how for s in finals if s.reviewer == final]  # oldest first: the latest counts
    if hows:
        verdict.verified_by[options.finalRole] = hows[-1]
    return verdict


TIER_ORDER = ("low", "medium", "high", "critical")


def _in_base(context: GateContext, kind: str, ident: str) -> object | None:
    base = context.trust.portfolio
    if base is None or base is context.portfolio:
        return None
    found = base.get(kind, ident)
    return found.model if found else None


def _strictest_tier(context: GateContext, model: ModelDocument) -> str:
    """The head's risk tier, or the base's if stricter: a change cannot lower its own bar."""
    tier = model.spec.riskTier
    base_model = _in_base(context, "Model", model.metadata.id)
    if isinstance(base_model, ModelDocument):
        base_tier = base_model.spec.riskTier
        if TIER_ORDER.index(base_tier) > TIER_ORDER.index(tier):
            return base_tier
    return tier


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
