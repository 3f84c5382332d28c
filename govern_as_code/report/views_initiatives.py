"""Views of the initiatives: the list, and each one with the progress of its projects."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from markupsafe import Markup

from govern_as_code.report import bar_charts
from govern_as_code.report.data import InitiativeRec
from govern_as_code.report.findings import ref
from govern_as_code.report.lookup import DONE, Lookup, Page
from govern_as_code.report.paths import (
    INDEX,
    INITIATIVES,
    Link,
    Pager,
    initiative_page,
    paged,
    paginate,
)
from govern_as_code.report.views_findings import FindingsBlock, findings_block
from govern_as_code.report.views_projects import ProjectRow, project_row


@dataclass(frozen=True)
class InitiativeRow:
    """One initiative in the list, with its projects' average progress."""

    link: Link
    status: str
    owner: str
    projects: int
    done: int
    percent: int


@dataclass(frozen=True)
class InitiativesView:
    """A page of the initiative list."""

    rows: tuple[InitiativeRow, ...]
    pager: Pager
    unassigned: int


@dataclass(frozen=True)
class InitiativeView:
    """An initiative with one page of its projects."""

    initiative: InitiativeRec
    owner: str
    sponsors: tuple[str, ...]
    stages: Markup
    rows: tuple[ProjectRow, ...]
    pager: Pager
    findings: FindingsBlock | None = None


def initiative_pages(lookup: Lookup) -> Iterator[Page]:
    """The initiative list and each initiative's pages."""
    initiatives = sorted(lookup.data.initiatives, key=lambda i: (i.title.lower(), i.id))
    rows = []
    for i in initiatives:
        members = lookup.projects_by_initiative.get(i.id, [])
        progress = [lookup.progress(p) for p in members]
        done = sum(1 for g in progress if g.current == DONE and g.total)
        percent = round(sum(g.percent for g in progress) / len(progress)) if progress else 0
        rows.append(
            InitiativeRow(
                Link(initiative_page(i.id), i.title),
                i.status,
                lookup.person(i.owner),
                len(members),
                done,
                percent,
            )
        )
    unassigned = len(lookup.projects_by_initiative.get(None, []))
    top = (Link(INDEX, "Portfolio"),)
    for pager, part in paginate(len(rows), INITIATIVES):
        yield Page(
            paged(INITIATIVES, pager.number),
            "initiatives.html",
            "Initiatives",
            "initiatives",
            top,
            InitiativesView(tuple(rows[part]), pager, unassigned),
        )
    crumbs = (*top, Link(INITIATIVES, "Initiatives"))
    for i in initiatives:
        members = lookup.projects_by_initiative.get(i.id, [])
        at = Counter(lookup.progress(p).current for p in members)
        bars = bar_charts.bar_chart(
            [(s, at[s]) for s in lookup.stage_titles() if at[s]]
            + ([("All stages complete", at[DONE])] if at[DONE] else []),
            f"stages-{i.id}",
            title=f"Projects of {i.title} by current stage",
        )
        first = initiative_page(i.id)
        for pager, part in paginate(len(members), first):
            view = InitiativeView(
                i,
                lookup.person(i.owner),
                tuple(lookup.person(s) for s in i.sponsors),
                bars,
                tuple(project_row(lookup, p) for p in members[part]),
                pager,
                findings_block(lookup, ref("initiative", i.id)) if pager.number == 1 else None,
            )
            yield Page(
                paged(first, pager.number), "initiative.html", i.title, "initiatives", crumbs, view
            )
