"""Assigning sign-offs to the roles a version needs: a maximum bipartite matching.

A signed-commit Approval names its role; an approving pull-request review does not, so a
reviewer can fill any required role they hold in the trusted base. Both kinds become
`SignOff`s, and a maximum matching (Kuhn's augmenting paths) fills as many roles as possible
with nobody in two. When the policy asks for distinct departments, roles are matched to
departments instead, which also keeps people distinct (a person has one department).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from govern_as_code.documents.digest import version_digest
from govern_as_code.documents.kinds import ModelVersionDocument
from govern_as_code.evidence.provider import ExternalSignOff
from govern_as_code.gate.context import GateContext
from govern_as_code.gate.eligible import who_can_give
from govern_as_code.gate.model import GateVerdict, JudgedApproval
from govern_as_code.gate.options import GateOptions


@dataclass(frozen=True)
class SignOff:
    """One counted approval, whatever its evidence, and how it was verified."""

    reviewer: str
    time: datetime
    how: str


def from_approval(item: JudgedApproval) -> SignOff:
    commit = item.evidence.commit[:12] if item.evidence and item.evidence.commit else "?"
    return SignOff(item.reviewer, item.time, f"signed commit {commit} ({item.document.path})")


def from_external(item: ExternalSignOff) -> SignOff:
    return SignOff(item.reviewer, item.time, item.detail)


def candidates_by_role(
    context: GateContext,
    subject: str,
    usable: Mapping[str, Sequence[JudgedApproval]],
    authors: set[str],
    max_age_days: int,
    verdict: GateVerdict,
) -> dict[str, list[SignOff]]:
    """Every sign-off that may fill each role: the usable Approvals and the external ones.

    External sign-offs pass the same checks as Approvals here (rule 5 of issue 8): the
    current digest, the role in the trusted base, not an author, not expired.
    """
    verdict.hints.extend(context.evidence.notes_of(subject))
    found = {role: [from_approval(item) for item in items] for role, items in usable.items()}
    external = context.evidence.external_of(subject)
    if not external:
        return found
    version = context.portfolio.get("ModelVersion", subject)
    current = (
        version_digest(version.model)
        if version is not None and isinstance(version.model, ModelVersionDocument)
        else None
    )
    for item in external:
        if item.decision != "approved":
            continue
        if item.digest != current:
            verdict.hints.append(f"{item.detail}: it approves {item.digest}, not {current}")
            continue
        if item.reviewer in authors:
            verdict.hints.append(
                f"{item.detail}: {item.reviewer} authored this version and cannot approve it"
            )
            continue
        if context.today - item.time.date() > timedelta(days=max_age_days):
            verdict.hints.append(
                f"{item.detail}: expired, submitted {item.time.date().isoformat()}, more than"
                f" {max_age_days} days before {context.today.isoformat()}"
            )
            continue
        roles = [role for role in found if context.trust.holds(item.reviewer, role, item.time)]
        if not roles:
            verdict.hints.append(
                f"{item.detail}: {item.reviewer} holds none of the roles"
                f" {', '.join(found)} in the trusted base"
            )
        for role in roles:
            found[role].append(from_external(item))
    return {role: sorted(items, key=lambda s: s.time) for role, items in found.items()}


def match_roles(
    roles: Sequence[str],
    candidates: Mapping[str, Sequence[SignOff]],
    distinct_departments: bool,
    context: GateContext,
) -> dict[str, SignOff]:
    """A maximum assignment of roles to sign-offs, nobody (or no department) in two roles.

    Among the sign-offs of one person (or department) for a role, the earliest is taken, so
    that the final approver, who must sign after all of them, has the widest window.
    """

    def node(signoff: SignOff) -> str:
        if not distinct_departments:
            return signoff.reviewer
        person = context.trust.people.get(signoff.reviewer)
        return "department:" + (person.spec.department if person else "")

    options: dict[str, dict[str, SignOff]] = {}
    for role in roles:
        by_node: dict[str, SignOff] = {}
        for signoff in candidates.get(role, []):  # oldest first
            by_node.setdefault(node(signoff), signoff)
        options[role] = by_node
    holder: dict[str, str] = {}  # node -> role

    def augment(role: str, visited: set[str]) -> bool:
        for key in options[role]:
            if key in visited:
                continue
            visited.add(key)
            if key not in holder or augment(holder[key], visited):
                holder[key] = role
                return True
        return False

    for role in roles:
        augment(role, set())
    filled = {role: key for key, role in holder.items()}
    return {role: options[role][filled[role]] for role in roles if role in filled}


def staff_roles(
    context: GateContext, roles: Sequence[str], options: GateOptions, authors: set[str]
) -> dict[str, str] | None:
    """Who could give every required role and then the final approval, by the gate's rules.

    People who hold the role in the trusted base, are active today and did not author the
    version; one person per role, departments distinct when the policy says so. The same
    matching the gate uses for sign-offs, over people, so the two can never disagree.
    """
    epoch = datetime.fromtimestamp(0, UTC)

    def people(role: str) -> list[SignOff]:
        eligible, _ = who_can_give(context, role, authors, {})
        return [SignOff(person, epoch, "") for person in eligible]

    chosen = match_roles(roles, {r: people(r) for r in roles}, options.distinctDepartments, context)
    if len(chosen) < len(roles):
        return None
    used = {s.reviewer for s in chosen.values()}
    final = [s.reviewer for s in people(options.finalRole) if s.reviewer not in used]
    if not final:
        return None
    return {**{role: s.reviewer for role, s in chosen.items()}, options.finalRole: final[0]}
