"""Who can still give a role, who holds it but cannot (and why), and who must sign again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from govern_as_code.gate.context import GateContext
from govern_as_code.gate.model import JudgedApproval


def who_can_give(
    context: GateContext, role: str, authors: set[str], fills: Mapping[str, str]
) -> tuple[list[str], list[str]]:
    """The people who can give `role` now, and each holder who cannot, with the reason."""
    eligible: list[str] = []
    excluded: list[str] = []
    for person in context.trust.holders(role):
        ident = person.metadata.id
        left = context.trust.departed_on(ident)
        if ident in authors:
            excluded.append(f"{ident} holds the role but authored the version")
        elif left is not None and left <= context.today:
            excluded.append(f"{ident} holds the role but departed on {left.isoformat()}")
        elif ident in fills and fills[ident] != role:
            excluded.append(f"{ident} holds the role but already fills {fills[ident]}")
        else:
            eligible.append(ident)
    return eligible, excluded


def describe_who(eligible: Sequence[str], excluded: Sequence[str]) -> str:
    """`alice, frank`; when nobody can, the people who hold the role and why they cannot."""
    if eligible:
        return ", ".join(eligible)
    if not excluded:
        return "nobody holds this role"
    return "nobody: " + "; ".join(excluded)


def resign_note(judged: Sequence[JudgedApproval], role: str, people: Sequence[str]) -> str:
    """Who must sign again: a stale, expired or unverified approval still needs its reviewer."""
    latest: dict[str, JudgedApproval] = {}
    for item in judged:
        if item.role == role:
            latest[item.reviewer] = item
    again = [
        f"{reviewer} signs again: their approval is {item.state}"
        for reviewer, item in sorted(latest.items())
        if item.approval.spec.decision == "approved"
        and item.state != "current"
        and reviewer in people
    ]
    return "; ".join(again)
