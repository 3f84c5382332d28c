"""The sign-off matrix of a version: each role its risk tier requires, and how it stands.

A role is *given* when the gate counted an approval for it (or, for a version no protected
deployment gates, when a current, verified approval of it exists); otherwise the matrix says
why not — missing, stale, expired, unverified, rejected — and who can still give it. It also
flags approvers who are the project's owner or sponsor.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Final

from govern_as_code.report.data import ApprovalRec, NeedRec, SignoffRec, VersionRec
from govern_as_code.report.lookup import Badge, Lookup, short, when
from govern_as_code.report.paths import ExternalLink, Link

GIVEN: Final = "given"
STATE_BADGES: Final = {
    GIVEN: Badge("✓", "given", "good"),
    "missing": Badge("✕", "missing", "bad"),
    "stale": Badge("!", "stale", "bad"),
    "expired": Badge("!", "expired", "bad"),
    "unverified": Badge("?", "unverified", "bad"),
    "rejected": Badge("✕", "rejected", "bad"),
    "changes-requested": Badge("!", "changes requested", "bad"),
    "again": Badge("↻", "to sign again", "warn"),
    "not given": Badge("○", "not given", "muted"),
}


@dataclass(frozen=True)
class SignoffRow:
    """One required role of a version."""

    role: str
    state: Badge
    person: Link | None
    person_text: str
    department: str
    date: str
    comment: str
    method: str
    fingerprint: str
    commit: str
    review: ExternalLink | None
    detail: str
    can_give: tuple[Link, ...]
    can_give_text: str  # in words, when nobody can give it
    note: str
    flags: tuple[str, ...]

    @property
    def given(self) -> bool:
        """Whether the role counts as signed."""
        return self.state.text == GIVEN


@dataclass(frozen=True)
class SignoffMatrix:
    """Every required role of one version, and what the reader should know about them."""

    subject: str
    gated: bool
    rows: tuple[SignoffRow, ...]

    @property
    def missing(self) -> tuple[SignoffRow, ...]:
        """The roles not given."""
        return tuple(r for r in self.rows if not r.given)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _roles_of(a: ApprovalRec) -> list[str]:
    # A pull-request review's row names every role it filled, comma-separated.
    return [r.strip() for r in a.role.split(",")]


def signoff_matrix(lookup: Lookup, version: VersionRec) -> SignoffMatrix:
    """The matrix of `version` (empty when its model's risk tier is unknown)."""
    status = lookup.signoffs.get(version.id) or SignoffRec(version.id)
    approvals = lookup.approvals_by_subject.get(version.id, [])
    model = lookup.models.get(version.model)
    project = lookup.projects.get(model.project) if model else None
    sponsors = set(project.sponsors) if project else set()
    owner = project.owner if project else ""
    needed = {n.role: n for n in status.needed}
    rows = []
    for role in status.required:
        mine = [a for a in approvals if role in _roles_of(a)]
        latest: dict[str, ApprovalRec] = {}
        for a in mine:  # oldest first: each reviewer's latest decision stands
            latest[a.reviewer] = a
        filled = status.filled.get(role)
        chosen, state = _state(status, role, filled, list(latest.values()), needed.get(role))
        if state == "missing" and not status.gated:
            state = "not given"  # nothing gates it, so nothing is missing yet
        row = _row(lookup, role, state, chosen, needed.get(role), sponsors, owner)
        signed = (chosen.commit_time or chosen.date) if chosen else None
        since = status.deployed_since
        if signed is not None and since is not None and _aware(signed) > _aware(since):
            late = f"given after the version reached production ({when(since)})"
            row = replace(row, flags=(late, *row.flags))
        rows.append(row)
    return SignoffMatrix(version.id, status.gated, tuple(rows))


def _state(
    status: SignoffRec,
    role: str,
    filled: str | None,
    latest: list[ApprovalRec],
    need: NeedRec | None,
) -> tuple[ApprovalRec | None, str]:
    current = [a for a in latest if a.decision == "approved" and a.state == "current"]
    if filled is not None:
        by = [a for a in current if a.reviewer == filled] or [
            a for a in latest if a.reviewer == filled
        ]
        return (by[-1] if by else None), GIVEN
    refused = [a for a in latest if a.decision != "approved" and a.state == "current"]
    if refused:
        return refused[-1], refused[-1].decision
    if current and need is None:
        return current[-1], GIVEN
    if current:
        return current[-1], "again"  # the gate needs it signed again (e.g. after the others)
    if latest:
        return latest[-1], latest[-1].state
    return None, "missing"


def _row(
    lookup: Lookup,
    role: str,
    state: str,
    a: ApprovalRec | None,
    need: NeedRec | None,
    sponsors: set[str],
    owner: str,
) -> SignoffRow:
    flags = []
    if a is not None and a.reviewer == owner:
        flags.append("the approver is also the project's owner")
    if a is not None and a.reviewer in sponsors:
        flags.append("the approver is also a sponsor of the project")
    person = lookup.people.get(a.reviewer) if a else None
    can_give = tuple(
        link for p in (need.people if need else ()) if (link := lookup.person_link(p)) is not None
    )
    can_give_text = ""
    if need is not None and not need.people:
        can_give_text = "nobody can give it now" + (
            ": " + "; ".join(need.excluded) if need.excluded else ""
        )
    return SignoffRow(
        role=role,
        state=STATE_BADGES.get(state, Badge("!", state, "bad")),
        person=lookup.person_link(a.reviewer) if a else None,
        person_text=lookup.person(a.reviewer) if a else "—",
        department=person.department if person else "",
        date=when(a.date) if a else "",
        comment=a.comment if a else "",
        method=a.method if a else "",
        fingerprint=(a.signer_fingerprint or "") if a else "",
        commit=short(a.commit) if a else "",
        review=ExternalLink.of(a.review_url, "pull-request review") if a and a.review_url else None,
        detail=a.detail if a and state != GIVEN else "",
        can_give=can_give,
        can_give_text=can_give_text,
        note=need.note if need else "",
        flags=tuple(flags),
    )
