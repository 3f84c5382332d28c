"""Views of the deployments and of the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from govern_as_code.report.data import DeploymentRec
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
    """One approval or stage completion of the audit trail."""

    time: str
    kind: str  # "approval" | "stage"
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


@dataclass(frozen=True)
class AuditView:
    """A page of the audit trail."""

    rows: tuple[AuditRow, ...]
    pager: Pager


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
        health=health_badges(lookup.health.deployment(d)),
        actors=tuple(ActorView.of(lookup, a) for a in actors),
        act="; ".join(dict.fromkeys(f.act for f in found if f.act)),
    )


def deployment_pages(lookup: Lookup) -> Iterator[Page]:
    """The deployments, blocked first, in pages."""
    deployments = sorted(
        lookup.data.deployments, key=lambda d: (_GATE_ORDER.get(d.gate, 9), d.environment, d.path)
    )
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


def _audit_rows(lookup: Lookup) -> list[tuple[datetime, AuditRow]]:
    rows: list[tuple[datetime, AuditRow]] = []
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
        # A stage completion is read from the project document; no signature vouches for it.
        state = Badge("–", "recorded in YAML only", "muted")
        rows.append(
            (
                e.completed_on or _NEVER,
                AuditRow(
                    time=when(e.completed_on),
                    kind="stage",
                    subject=lookup.project_link(e.project),
                    subject_text=e.project,
                    who=lookup.person(e.completed_by),
                    what=f"{title} complete",
                    decision=None,
                    state=state,
                    method="project document",
                    fingerprint="",
                    commit="",
                    review=None,
                ),
            )
        )
    return rows


def audit_pages(lookup: Lookup) -> Iterator[Page]:
    # Oldest first, like a ledger; the pager's "last" link jumps to the latest entries.
    """The audit trail, oldest first, in pages."""
    rows = [
        row
        for _, row in sorted(
            _audit_rows(lookup),
            key=lambda r: (
                r[0] if r[0].tzinfo else r[0].replace(tzinfo=UTC),
                r[1].kind,
                r[1].subject_text,
            ),
        )
    ]
    for pager, part in paginate(len(rows), AUDIT):
        yield Page(
            paged(AUDIT, pager.number),
            "audit.html",
            "Audit trail",
            "audit",
            (Link(INDEX, "Portfolio"),),
            AuditView(tuple(rows[part]), pager),
        )
