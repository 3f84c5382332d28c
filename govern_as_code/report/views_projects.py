"""Views of the initiatives, the project lists and the project pages."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from govern_as_code.report.data import ProjectRec, QualificationRec
from govern_as_code.report.evidence_view import StageEvidence, stage_evidence
from govern_as_code.report.findings import ref
from govern_as_code.report.lookup import (
    STAGE_BADGES,
    Badge,
    Lookup,
    Page,
    Progress,
    badge,
    health_badges,
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
from govern_as_code.report.signoff import SignoffMatrix, signoff_matrix
from govern_as_code.report.views_findings import FindingsBlock, findings_block
from govern_as_code.report.views_models import ApprovalView, ModelRow, approval_view, model_row

NO_INITIATIVE = "projects/list/no-initiative.html"


@dataclass(frozen=True)
class ProjectRow:
    """One project as the lists show it."""

    link: Link
    id: str
    initiative: Link | None
    owner: str
    governed: bool
    qualification: QualificationRec | None
    progress: Progress
    models: int
    health: tuple[Badge, ...] = ()


@dataclass(frozen=True)
class ProjectListView:
    """A page of a project list."""

    intro: str
    rows: tuple[ProjectRow, ...]
    pager: Pager


@dataclass(frozen=True)
class CommentView:
    """A stage comment, with the author's name."""

    by: str
    on: str
    text: str


@dataclass(frozen=True)
class StageView:
    """One workflow stage of a project's page."""

    id: str
    title: str
    status: Badge
    completed_by: str
    completed_on: str
    comments: tuple[CommentView, ...]
    evidence: StageEvidence | None = None


@dataclass(frozen=True)
class ProjectView:
    """Everything a project's page shows."""

    project: ProjectRec
    initiative: Link | None
    owner: str
    sponsors: tuple[str, ...]
    attachments: tuple[AttachmentView, ...]
    assessed_by: str
    progress: Progress
    workflow: str
    stages: tuple[StageView, ...]
    models: tuple[ModelRow, ...]
    approvals: tuple[ApprovalView, ...]
    findings: FindingsBlock | None = None
    # The live versions whose sign-off is incomplete, so approvals shown green below never
    # hide what is missing.
    incomplete: tuple[tuple[Link | None, SignoffMatrix], ...] = ()
    owner_link: Link | None = None
    sponsor_links: tuple[Link | None, ...] = ()
    health: tuple[Badge, ...] = ()


def project_row(lookup: Lookup, p: ProjectRec) -> ProjectRow:
    """The list row of one project."""
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
        health=health_badges(lookup.health.project(p.id)),
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


def project_view(lookup: Lookup, p: ProjectRec) -> ProjectView:
    """The view of one project's page."""
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
                stage_evidence(lookup, p.id, sid) if s and s.status == "complete" else None,
            )
        )
    q = p.qualification
    workflow = lookup.workflows.get(p.workflow or "")
    return ProjectView(
        project=p,
        initiative=Link(initiative_page(initiative.id), initiative.title) if initiative else None,
        owner=lookup.person(p.owner),
        sponsors=tuple(lookup.person(s) for s in p.sponsors),
        attachments=tuple(AttachmentView.of(a.title, a.url, a.path) for a in p.attachments),
        assessed_by=lookup.person(q.assessed_by) if q and q.assessed_by else "",
        progress=lookup.progress(p),
        workflow=workflow.title if workflow else (p.workflow or "—"),
        stages=tuple(stages),
        models=tuple(model_row(lookup, m) for m in models),
        approvals=tuple(approval_view(lookup, a) for a in sorted(approvals, key=lambda a: a.date)),
        findings=findings_block(lookup, ref("project", p.id)),
        incomplete=tuple(
            (lookup.subject_link(v.id), matrix)
            for m in models
            for v in lookup.versions_by_model.get(m.id, [])
            if v.status == "production"
            or any(
                d.gate in ("passed", "blocked") for d in lookup.deployments_by_subject.get(v.id, [])
            )
            if (matrix := signoff_matrix(lookup, v)).missing
        ),
        owner_link=lookup.person_link(p.owner),
        sponsor_links=tuple(lookup.person_link(s) for s in p.sponsors),
        health=health_badges(lookup.health.project(p.id)),
    )


def project_pages(lookup: Lookup) -> Iterator[Page]:
    """One page per project."""
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
