"""Views of the initiatives, the project lists and the project pages."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from govern_as_code.report import charts
from govern_as_code.report.data import InitiativeRec, ProjectRec, QualificationRec
from govern_as_code.report.lookup import (
    DONE,
    STAGE_BADGES,
    Badge,
    Lookup,
    Page,
    Progress,
    badge,
    when,
)
from govern_as_code.report.paths import (
    INDEX,
    INITIATIVES,
    PROJECTS,
    UNQUALIFIED,
    AttachmentView,
    Link,
    Pager,
    cell_page,
    initiative_page,
    paged,
    paginate,
    project_page,
)
from govern_as_code.report.views_models import ApprovalView, ModelRow, approval_view, model_row

NO_INITIATIVE = "projects/list/no-initiative.html"


@dataclass(frozen=True)
class ProjectRow:
    link: Link
    id: str
    initiative: Link | None
    owner: str
    governed: bool
    qualification: QualificationRec | None
    progress: Progress
    models: int


@dataclass(frozen=True)
class ProjectListView:
    intro: str
    rows: tuple[ProjectRow, ...]
    pager: Pager


@dataclass(frozen=True)
class InitiativeRow:
    link: Link
    status: str
    owner: str
    projects: int
    done: int
    percent: int


@dataclass(frozen=True)
class InitiativesView:
    rows: tuple[InitiativeRow, ...]
    pager: Pager
    unassigned: int


@dataclass(frozen=True)
class InitiativeView:
    initiative: InitiativeRec
    owner: str
    sponsors: tuple[str, ...]
    stages: Markup
    rows: tuple[ProjectRow, ...]
    pager: Pager


@dataclass(frozen=True)
class CommentView:
    by: str
    on: str
    text: str


@dataclass(frozen=True)
class StageView:
    id: str
    title: str
    status: Badge
    completed_by: str
    completed_on: str
    comments: tuple[CommentView, ...]


@dataclass(frozen=True)
class ProjectView:
    project: ProjectRec
    initiative: Link | None
    owner: str
    sponsors: tuple[str, ...]
    attachments: tuple[AttachmentView, ...]
    assessed_by: str
    progress: Progress
    stages: tuple[StageView, ...]
    models: tuple[ModelRow, ...]
    approvals: tuple[ApprovalView, ...]


def project_row(lookup: Lookup, p: ProjectRec) -> ProjectRow:
    initiative = lookup.initiatives.get(p.initiative or "")
    return ProjectRow(
        link=Link(project_page(p.id), p.title),
        id=p.id,
        initiative=Link(initiative_page(initiative.id), initiative.title) if initiative else None,
        owner=lookup.person(p.owner),
        governed=p.governed,
        qualification=p.qualification,
        progress=lookup.progress(p),
        models=len(lookup.models_by_project.get(p.id, [])),
    )


def _list_pages(
    lookup: Lookup,
    projects: Sequence[ProjectRec],
    first: str,
    title: str,
    intro: str,
    crumbs: tuple[Link, ...],
) -> Iterator[Page]:
    for pager, part in paginate(len(projects), first):
        rows = tuple(project_row(lookup, p) for p in projects[part])
        yield Page(
            paged(first, pager.number),
            "projects.html",
            title,
            "projects",
            crumbs,
            ProjectListView(intro, rows, pager),
        )


def project_list_pages(lookup: Lookup) -> Iterator[Page]:
    """All projects grouped by initiative, one list per heat-map cell, and the unqualified."""
    order = {
        i.id: n
        for n, i in enumerate(sorted(lookup.data.initiatives, key=lambda i: i.title.lower()))
    }
    projects = [
        p
        for group in sorted(
            lookup.projects_by_initiative.items(), key=lambda kv: order.get(kv[0] or "", len(order))
        )
        for p in group[1]
    ]
    top = (Link(INDEX, "Portfolio"),)
    yield from _list_pages(
        lookup, projects, PROJECTS, "All projects", "Every project, grouped by initiative.", top
    )
    crumbs = (*top, Link(PROJECTS, "Projects"))
    cells: dict[tuple[int, int], list[ProjectRec]] = {}
    for p in projects:
        if p.qualification is not None:
            cells.setdefault((p.qualification.risk, p.qualification.value), []).append(p)
    for (risk, value), members in sorted(cells.items()):
        yield from _list_pages(
            lookup,
            members,
            cell_page(risk, value),
            f"Projects at risk {risk}, value {value}",
            f"Projects qualified at risk {risk} and value {value} (of 5), from the portfolio's "
            "risk × value heat map.",
            crumbs,
        )
    unqualified = [p for p in projects if p.qualification is None]
    yield from _list_pages(
        lookup,
        unqualified,
        UNQUALIFIED,
        "Projects not yet qualified",
        "Projects without a value, risk and feasibility assessment.",
        crumbs,
    )
    if lookup.projects_by_initiative.get(None):
        yield from _list_pages(
            lookup,
            lookup.projects_by_initiative[None],
            NO_INITIATIVE,
            "Projects without an initiative",
            "Projects that do not roll up to an initiative.",
            crumbs,
        )


def initiative_pages(lookup: Lookup) -> Iterator[Page]:
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
        stages = Counter(lookup.progress(p).current for p in members)
        bars = charts.bar_chart(
            [("all stages complete" if s == DONE else s, n) for s, n in stages.most_common()],
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
            )
            yield Page(
                paged(first, pager.number), "initiative.html", i.title, "initiatives", crumbs, view
            )


def project_view(lookup: Lookup, p: ProjectRec) -> ProjectView:
    initiative = lookup.initiatives.get(p.initiative or "")
    models = sorted(lookup.models_by_project.get(p.id, []), key=lambda m: m.title.lower())
    approvals = [
        a
        for m in models
        for v in lookup.versions_by_model.get(m.id, [])
        for a in lookup.approvals_by_subject.get(v.id, [])
    ]
    by_id = {s.id: s for s in p.stages}
    order = lookup.stage_order(p) + [
        (s.id, s.title) for s in p.stages if s.id not in dict(lookup.stage_order(p))
    ]
    stages = []
    for sid, title in order:
        s = by_id.get(sid)
        stages.append(
            StageView(
                sid,
                title,
                badge(STAGE_BADGES, s.status if s else "not-started"),
                lookup.person(s.completed_by) if s and s.completed_by else "",
                when(s.completed_on) if s and s.completed_on else "",
                tuple(
                    CommentView(lookup.person(c.by), when(c.on), c.text)
                    for c in (s.comments if s else ())
                ),
            )
        )
    q = p.qualification
    return ProjectView(
        project=p,
        initiative=Link(initiative_page(initiative.id), initiative.title) if initiative else None,
        owner=lookup.person(p.owner),
        sponsors=tuple(lookup.person(s) for s in p.sponsors),
        attachments=tuple(AttachmentView.of(a.title, a.url, a.path) for a in p.attachments),
        assessed_by=lookup.person(q.assessed_by) if q and q.assessed_by else "",
        progress=lookup.progress(p),
        stages=tuple(stages),
        models=tuple(model_row(lookup, m) for m in models),
        approvals=tuple(approval_view(lookup, a) for a in sorted(approvals, key=lambda a: a.date)),
    )


def project_pages(lookup: Lookup) -> Iterator[Page]:
    for p in lookup.data.projects:
        initiative = lookup.initiatives.get(p.initiative or "")
        crumbs = [Link(INDEX, "Portfolio")]
        if initiative is not None:
            crumbs += [
                Link(INITIATIVES, "Initiatives"),
                Link(initiative_page(initiative.id), initiative.title),
            ]
        else:
            crumbs.append(Link(PROJECTS, "Projects"))
        yield Page(
            project_page(p.id),
            "project.html",
            p.title,
            "projects",
            tuple(crumbs),
            project_view(lookup, p),
        )
