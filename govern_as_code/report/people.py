"""The people pages: who holds which role, their keys, what they signed and what waits for them.

"Waiting for you" lists the versions a protected deployment gates whose missing roles this
person is eligible to give, as the gate computed it (`NeededSignature.people`): someone who
authored the version, departed or already fills another role is not asked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from govern_as_code.report.data import KeyRec, PersonRec
from govern_as_code.report.findings import ref
from govern_as_code.report.lookup import Badge, Lookup, Page, when
from govern_as_code.report.paths import (
    INDEX,
    PEOPLE,
    Link,
    Pager,
    paged,
    paginate,
    person_page,
)
from govern_as_code.report.views_findings import FindingsBlock, findings_block
from govern_as_code.report.views_models import ApprovalView, approval_view

ACTIVE = Badge("✓", "active", "good")
# A person's page lists at most this many of each (the latest); a reviewer of a large portfolio
# may have signed thousands, which the audit trail lists in pages.
MAX_LISTED = 100


@dataclass(frozen=True)
class WaitingItem:
    """A version that waits for a sign-off this person can give."""

    version: Link | None
    version_text: str
    role: str
    note: str
    deployments: str  # the environments it is deployed to


@dataclass(frozen=True)
class KeyView:
    """A signing key with its validity window and whether it is valid on the assessed day."""

    type: str
    fingerprint: str
    valid_after: str
    valid_before: str
    validity: Badge


@dataclass(frozen=True)
class StageDone:
    """A workflow stage this person completed."""

    project: Link | None
    project_text: str
    stage: str
    on: str


@dataclass(frozen=True)
class PersonRow:
    """One person as the list shows them."""

    link: Link
    id: str
    department: str
    roles: tuple[str, ...]
    status: Badge
    waiting: int


@dataclass(frozen=True)
class PeopleView:
    """A page of the people list."""

    rows: tuple[PersonRow, ...]
    pager: Pager
    departed: int


@dataclass(frozen=True)
class PersonView:
    """Everything a person's page shows."""

    person: PersonRec
    status: Badge
    keys: tuple[KeyView, ...]
    approvals: tuple[ApprovalView, ...]
    stages: tuple[StageDone, ...]
    waiting: tuple[WaitingItem, ...]
    findings: FindingsBlock
    assessed_on: str
    approvals_total: int = 0
    stages_total: int = 0
    waiting_total: int = 0


def status_badge(p: PersonRec) -> Badge:
    """Active, or departed with the date."""
    if p.status == "departed":
        left = f" on {p.departed_on.isoformat()}" if p.departed_on else ""
        return Badge("⏏", f"departed{left}", "muted")
    return ACTIVE


def _key(k: KeyRec, today: date | None) -> KeyView:
    validity = Badge("•", "validity not judged", "muted")
    if today is not None:
        moment = datetime(today.year, today.month, today.day, 12, tzinfo=UTC)
        after = k.valid_after and _aware(k.valid_after)
        before = k.valid_before and _aware(k.valid_before)
        if after and moment < after:
            validity = Badge("○", "not valid yet", "warn")
        elif before and moment >= before:
            validity = Badge("✕", "expired", "bad")
        else:
            validity = Badge("✓", "valid", "good")
    return KeyView(
        k.type,
        k.fingerprint,
        when(k.valid_after) if k.valid_after else "no start",
        when(k.valid_before) if k.valid_before else "no end",
        validity,
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def waiting_for(lookup: Lookup) -> dict[str, list[WaitingItem]]:
    """For each person, the gated versions whose missing roles they are eligible to give."""
    waiting: dict[str, list[WaitingItem]] = defaultdict(list)
    for s in lookup.data.signoffs:
        if not s.gated:
            continue
        environments = ", ".join(
            sorted({d.environment for d in lookup.deployments_by_subject.get(s.subject, [])})
        )
        for need in s.needed:
            for person in need.people:
                waiting[person].append(
                    WaitingItem(
                        lookup.subject_link(s.subject),
                        s.subject,
                        need.role,
                        need.note,
                        environments,
                    )
                )
    return waiting


def people_pages(lookup: Lookup) -> Iterator[Page]:
    """The people list, in pages, and one page per person."""
    people = sorted(lookup.data.people, key=lambda p: (p.name.lower(), p.id))
    waiting = waiting_for(lookup)
    rows = [
        PersonRow(
            Link(person_page(p.id), p.name),
            p.id,
            p.department,
            p.roles,
            status_badge(p),
            len(waiting.get(p.id, [])),
        )
        for p in people
    ]
    departed = sum(1 for p in people if p.status == "departed")
    top = (Link(INDEX, "Portfolio"),)
    for pager, part in paginate(len(rows), PEOPLE):
        yield Page(
            paged(PEOPLE, pager.number),
            "people.html",
            "People",
            "people",
            top,
            PeopleView(tuple(rows[part]), pager, departed),
        )
    crumbs = (*top, Link(PEOPLE, "People"))
    given = defaultdict(list)
    for a in sorted(lookup.data.approvals, key=lambda a: a.date):
        given[a.reviewer].append(a)
    stages = defaultdict(list)
    for e in lookup.data.stage_events:
        if e.completed_by:
            stages[e.completed_by].append(e)
    today = lookup.data.assessed_on
    for p in people:
        mine, done, waits = given.get(p.id, []), stages.get(p.id, []), waiting.get(p.id, [])
        view = PersonView(
            person=p,
            status=status_badge(p),
            keys=tuple(_key(k, today) for k in p.keys),
            approvals=tuple(approval_view(lookup, a) for a in mine[-MAX_LISTED:]),
            stages=tuple(
                _stage(lookup, e.project, e.stage, e.completed_on) for e in done[-MAX_LISTED:]
            ),
            waiting=tuple(waits[:MAX_LISTED]),
            findings=findings_block(lookup, ref("person", p.id)),
            assessed_on=today.isoformat() if today else "",
            approvals_total=len(mine),
            stages_total=len(done),
            waiting_total=len(waits),
        )
        yield Page(person_page(p.id), "person.html", p.name, "people", crumbs, view)


def _stage(lookup: Lookup, project: str, stage: str, on: datetime | None) -> StageDone:
    p = lookup.projects.get(project)
    title = next((s.title for s in p.stages if s.id == stage), stage) if p else stage
    return StageDone(lookup.project_link(project), project, title, when(on))
