"""Views of the deployments and of the audit trail."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from govern_as_code.report.data import DeploymentRec
from govern_as_code.report.evidence_view import commit_link, stage_detail, verification_badge
from govern_as_code.report.findings import ref
from govern_as_code.report.lookup import (
    DECISION_BADGES,
    GATE_BADGES,
    Badge,
    Lookup,
    Page,
    approval_badge,
    badge,
    health_badges,
    short,
    when,
)
from govern_as_code.report.paths import (
    AUDIT,
    DEPLOYMENTS,
    INDEX,
    ExternalLink,
    Link,
    Pager,
    deployment_anchor,
    paged,
    paginate,
)
from govern_as_code.report.views_findings import ActorView

# Blocked deployments first: they are what a reader of this page is looking for.
_GATE_ORDER = {"blocked": 0, "no gate result": 1, "passed": 2, "not gated": 3}
_NEVER = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class DeploymentRow:
    """One deployment as the deployments page lists it."""

    path: str
    environment: str
    protected: bool
    subject: Link | None
    subject_text: str
    target: str
    foreign: bool
    gate: Badge
    reasons: tuple[str, ...]
    anchor: str = ""  # the row's fragment id, linked from each version's lineage
    health: tuple[Badge, ...] = ()
    # Who can act on the deployment's findings, and what they would do, in words.
    actors: tuple[ActorView, ...] = ()
    act: str = ""


@dataclass(frozen=True)
class DeploymentsView:
    """A page of deployments, with the count of each gate state."""

    rows: tuple[DeploymentRow, ...]
    pager: Pager
    counts: tuple[tuple[Badge, int], ...]


@dataclass(frozen=True)
class AuditRow:
    """One entry of the audit trail: an approval, a stage completion or a governance change."""

    time: str
    kind: str  # "approval" | "stage" | a `HistoryKind`
    subject: Link | None
    subject_text: str
    who: str
    what: str
    decision: Badge | None
    state: Badge
    method: str
    fingerprint: str
    commit: str
    review: ExternalLink | None
    commit_link: ExternalLink | None = None  # to the forge, when the origin is one
    commit_id: str = ""
    project: str = ""  # the project's title, for the filter
    detail: str = ""  # why it is not verified, or who signed instead

    @property
    def event(self) -> str:
        """The event type as the page and its filter name it."""
        return _KIND_TEXT.get(self.kind, self.kind)


@dataclass(frozen=True)
class Facet:
    """A select box of the audit page's filter: one data attribute of the rows."""

    name: str
    label: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class AuditView:
    """A page of the audit trail."""

    rows: tuple[AuditRow, ...]
    pager: Pager
    facets: tuple[Facet, ...] = ()


def _deployment_row(lookup: Lookup, d: DeploymentRec) -> DeploymentRow:
    # The deployment's own findings (the gate's) and its version's (drift, revalidation).
    found = [
        f
        for key in (ref("deployment", d.path), ref("version", d.subject or ""))
        for f in lookup.findings.of(key)
        if f.actors or f.act
    ]
    found = list(dict.fromkeys(found))
    actors = tuple(dict.fromkeys(a for f in found for a in f.actors))
    return DeploymentRow(
        path=d.path,
        environment=d.environment,
        protected=d.protected,
        subject=lookup.subject_link(d.subject),
        subject_text=d.subject or "no model version",
        target=d.target,
        foreign=d.foreign,
        gate=badge(GATE_BADGES, d.gate),
        reasons=d.reasons,
        anchor=deployment_anchor(d.path, d.subject),
        health=health_badges(lookup.health.deployment(d)),
        actors=tuple(ActorView.of(lookup, a) for a in actors),
        act="; ".join(dict.fromkeys(f.act for f in found if f.act)),
    )


def deployment_order(deployments: Iterable[DeploymentRec]) -> list[DeploymentRec]:
    """The deployments in the order the deployments pages list them."""
    return sorted(deployments, key=lambda d: (_GATE_ORDER.get(d.gate, 9), d.environment, d.path))


def deployment_pages(lookup: Lookup) -> Iterator[Page]:
    """The deployments, blocked first, in pages."""
    deployments = deployment_order(lookup.data.deployments)
    counts = tuple(
        (badge(GATE_BADGES, g), n)
        for g in _GATE_ORDER
        if (n := sum(1 for d in deployments if d.gate == g))
    )
    for pager, part in paginate(len(deployments), DEPLOYMENTS):
        rows = tuple(_deployment_row(lookup, d) for d in deployments[part])
        yield Page(
            paged(DEPLOYMENTS, pager.number),
            "deployments.html",
            "Deployments",
            "deployments",
            (Link(INDEX, "Portfolio"),),
            DeploymentsView(rows, pager, counts),
        )


_KIND_TEXT = {
    "approval": "approval",
    "stage": "stage completion",
    "promotion": "promotion",
    "retirement": "retirement",
    "deployment": "deployment change",
    "qualification": "qualification change",
    "policy": "policy change",
}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _project_of(lookup: Lookup, subject: str | None) -> str:
    version = lookup.versions.get(subject or "")
    model = lookup.models.get(version.model) if version else None
    project = lookup.projects.get(model.project) if model else None
    return project.title if project else ""


def _author_name(author: str) -> str:
    return author.partition(" <")[0] or author


def _audit_rows(lookup: Lookup) -> list[tuple[datetime, AuditRow]]:
    rows: list[tuple[datetime, AuditRow]] = []
    base = lookup.data.commit_url
    for a in lookup.data.approvals:
        rows.append(
            (
                a.date,
                AuditRow(
                    time=when(a.date),
                    kind="approval",
                    subject=lookup.subject_link(a.subject),
                    subject_text=a.subject,
                    who=lookup.person(a.reviewer),
                    what=a.role,
                    decision=badge(DECISION_BADGES, a.decision),
                    state=approval_badge(a.state),
                    method=a.method,
                    fingerprint=a.signer_fingerprint or "",
                    commit=short(a.commit),
                    review=ExternalLink.of(a.review_url, "pull-request review")
                    if a.review_url
                    else None,
                    commit_link=commit_link(base, a.commit),
                    commit_id=a.commit or "",
                    project=_project_of(lookup, a.subject),
                    detail="" if a.state == "current" else a.detail,
                ),
            )
        )
    for e in lookup.data.stage_events:
        project = lookup.projects.get(e.project)
        title = (
            next((s.title for s in project.stages if s.id == e.stage), e.stage)
            if project
            else e.stage
        )
        detail = stage_detail(lookup, e)
        rows.append(
            (
                e.completed_on or e.commit_time or _NEVER,
                AuditRow(
                    time=when(e.completed_on),
                    kind="stage",
                    subject=lookup.project_link(e.project),
                    subject_text=e.project,
                    who=lookup.person(e.completed_by),
                    what=f"{title} complete",
                    decision=None,
                    state=verification_badge(e.verification),
                    method="signed commit" if e.verification == "verified" else "project document",
                    fingerprint=e.signer_fingerprint or "",
                    commit=short(e.commit),
                    review=None,
                    commit_link=commit_link(base, e.commit),
                    commit_id=e.commit or "",
                    project=project.title if project else e.project,
                    detail=detail,
                ),
            )
        )
    deployed = {d.path: d.subject for d in lookup.data.deployments}
    for h in lookup.data.history_events:
        if h.kind == "qualification":
            subject = lookup.project_link(h.subject)
            project_title = subject.text if subject else h.subject
        elif h.kind == "deployment":
            subject = lookup.subject_link(deployed.get(h.subject))
            project_title = _project_of(lookup, deployed.get(h.subject))
        else:
            subject = lookup.subject_link(h.subject)
            project_title = _project_of(lookup, h.subject)
        rows.append(
            (
                h.time,
                AuditRow(
                    time=when(h.time),
                    kind=h.kind,
                    subject=subject,
                    subject_text=h.subject,
                    who=lookup.person(h.signer) if h.signer else _author_name(h.author),
                    what=h.what,
                    decision=None,
                    state=verification_badge(h.verification),
                    method="signed commit" if h.verification == "verified" else "commit",
                    fingerprint=h.signer_fingerprint or "",
                    commit=short(h.commit),
                    review=None,
                    commit_link=commit_link(base, h.commit),
                    commit_id=h.commit,
                    project=project_title,
                    detail=h.detail,
                ),
            )
        )
    return rows


def _facets(rows: tuple[AuditRow, ...]) -> tuple[Facet, ...]:
    """The filter's choices: only values on this page, so every choice narrows to some row."""

    def values(of: Callable[[AuditRow], str]) -> tuple[str, ...]:
        return tuple(sorted({of(r) for r in rows} - {"", "—"}, key=str.lower))

    return (
        Facet("kind", "Event", values(lambda r: r.event)),
        Facet("person", "Person", values(lambda r: r.who)),
        Facet("project", "Project", values(lambda r: r.project)),
        Facet("state", "Verification", values(lambda r: r.state.text)),
    )


def audit_pages(lookup: Lookup) -> Iterator[Page]:
    """The audit trail, newest first, in pages."""
    # Newest first: a risk officer opens the trail to see what changed lately.
    ordered = sorted(
        _audit_rows(lookup),
        key=lambda r: (_aware(r[0]), r[1].kind, r[1].subject_text, r[1].what),
        reverse=True,
    )
    rows = [row for _, row in ordered]
    for pager, part in paginate(len(rows), AUDIT):
        page_rows = tuple(rows[part])
        yield Page(
            paged(AUDIT, pager.number),
            "audit.html",
            "Audit trail",
            "audit",
            (Link(INDEX, "Portfolio"),),
            AuditView(page_rows, pager, _facets(page_rows)),
        )
