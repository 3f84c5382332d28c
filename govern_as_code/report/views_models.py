"""Views of the model registry, the model pages and the approvals shown on them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from markupsafe import Markup

from govern_as_code.report import bar_charts, figures
from govern_as_code.report.data import ApprovalRec, ModelRec, VersionRec
from govern_as_code.report.findings import ref
from govern_as_code.report.lookup import (
    DECISION_BADGES,
    VERSION_BADGES,
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
    INDEX,
    MODELS,
    ExternalLink,
    Link,
    Pager,
    model_page,
    paged,
    paginate,
    version_anchor,
)
from govern_as_code.report.signoff import SignoffMatrix, signoff_matrix
from govern_as_code.report.views_findings import FindingsBlock, findings_block
from govern_as_code.report.views_lineage import DeploymentRows, LineageView, lineage_view

_ARROWS = {"higher": "↑ higher", "lower": "↓ lower"}
RISK_TONES = {"low": "good", "medium": "info", "high": "warn", "critical": "bad"}
RISK_ICONS = {"low": "▁", "medium": "▃", "high": "▅", "critical": "▇"}


def risk_badge(tier: str) -> Badge:
    """A risk tier as a badge; the bar height grows with the tier."""
    return Badge(RISK_ICONS.get(tier, "•"), tier, RISK_TONES.get(tier, "muted"))


@dataclass(frozen=True)
class ApprovalView:
    """An approval as a table row: who, when, the decision and the evidence."""

    subject: Link | None
    subject_text: str
    role: str
    reviewer: str
    date: str
    decision: Badge
    state: Badge
    method: str
    fingerprint: str
    commit: str
    review: ExternalLink | None
    detail: str
    reviewer_link: Link | None = None


def approval_view(lookup: Lookup, a: ApprovalRec) -> ApprovalView:
    """The view of one approval."""
    return ApprovalView(
        subject=lookup.subject_link(a.subject),
        subject_text=a.subject,
        role=a.role,
        reviewer=lookup.person(a.reviewer),
        date=when(a.date),
        decision=badge(DECISION_BADGES, a.decision),
        state=approval_badge(a.state),
        method=a.method,
        fingerprint=a.signer_fingerprint or "",
        commit=short(a.commit),
        review=ExternalLink.of(a.review_url, "pull-request review") if a.review_url else None,
        detail=a.detail,
        reviewer_link=lookup.person_link(a.reviewer),
    )


@dataclass(frozen=True)
class ModelRow:
    """One model as the registry lists it."""

    link: Link
    id: str
    project: Link | None
    task: str
    risk: Badge
    source_type: str
    source_uri: ExternalLink | None
    versions: int
    production: Link | None
    challengers: tuple[Link, ...]
    health: tuple[Badge, ...] = ()


@dataclass(frozen=True)
class RegistryView:
    """A page of the model registry."""

    rows: tuple[ModelRow, ...]
    pager: Pager
    native: int
    imported: int


@dataclass(frozen=True)
class MetricRow:
    """One metric of a version beside the production version's."""

    name: str
    focus: bool
    mine: str
    production: str
    delta: str
    better: str = ""  # "↑ higher" or "↓ lower": the better direction
    winner: str = ""  # "this version", "production" or "" (equal or missing)


@dataclass(frozen=True)
class VersionView:
    """A version's section of its model page."""

    anchor: str
    id: str
    version: str
    created: str
    author: str
    status: Badge
    artifact: str
    digest: str
    last_validated: str
    approvals: tuple[ApprovalView, ...]
    drift: tuple[figures.DriftFigure, ...]
    comparison: Markup | None
    comparison_rows: tuple[MetricRow, ...]
    pending: str | None
    gate_reasons: tuple[str, ...]
    lineage: LineageView | None = None
    signoff: SignoffMatrix | None = None
    health: tuple[Badge, ...] = ()
    findings: FindingsBlock | None = None  # this version's own


@dataclass(frozen=True)
class ModelView:
    """Everything a model's page shows."""

    model: ModelRec
    project: Link | None
    owner: str
    risk: Badge
    source_uri: ExternalLink | None
    versions: tuple[VersionView, ...]
    metric_names: tuple[str, ...]
    metric_rows: tuple[tuple[str, Badge, tuple[str, ...]], ...]
    production: Link | None
    focus: str | None
    findings: FindingsBlock | None = None
    owner_link: Link | None = None
    health: tuple[Badge, ...] = ()


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"


def model_row(lookup: Lookup, m: ModelRec) -> ModelRow:
    """The registry row of one model."""
    versions = lookup.versions_by_model.get(m.id, [])
    prod = lookup.production(m.id)
    return ModelRow(
        link=lookup.model_link(m.id),
        id=m.id,
        project=lookup.project_link(m.project),
        task=m.task,
        risk=risk_badge(m.risk_tier),
        source_type=m.source_type,
        source_uri=ExternalLink.of(m.source_uri) if m.source_uri else None,
        versions=len(versions),
        production=lookup.subject_link(prod.id) if prod else None,
        challengers=tuple(
            link
            for v in versions
            if v.status == "challenger"
            if (link := lookup.subject_link(v.id)) is not None
        ),
        health=health_badges(lookup.health.model(m.id)),
    )


def registry_pages(lookup: Lookup) -> Iterator[Page]:
    """The model registry, in pages."""
    models = sorted(lookup.data.models, key=lambda m: (m.title.lower(), m.id))
    native = sum(1 for m in models if m.source_type == "native")
    for pager, part in paginate(len(models), MODELS):
        rows = tuple(model_row(lookup, m) for m in models[part])
        yield Page(
            paged(MODELS, pager.number),
            "models.html",
            "Model registry",
            "models",
            (Link(INDEX, "Portfolio"),),
            RegistryView(rows, pager, native, len(models) - native),
        )


def _comparison(
    version: VersionRec, prod: VersionRec | None, focus: str | None
) -> tuple[Markup | None, tuple[MetricRow, ...]]:
    if prod is None or prod.id == version.id or version.status == "production":
        return None, ()
    names = list(dict.fromkeys([*version.performance, *prod.performance]))
    rows = []
    for n in names:
        mine, theirs = version.performance.get(n), prod.performance.get(n)
        delta = f"{mine - theirs:+.4g}" if mine is not None and theirs is not None else "—"
        way = figures.better_direction(n)
        winner = {"left": "this version", "right": "production", "": ""}[
            bar_charts.better_of(way, mine, theirs)
        ]
        rows.append(MetricRow(n, n == focus, _fmt(mine), _fmt(theirs), delta, _ARROWS[way], winner))
    return figures.comparison(version, prod, focus), tuple(rows)


def model_view(lookup: Lookup, m: ModelRec, places: DeploymentRows | None = None) -> ModelView:
    """The view of one model's page, newest version first."""
    places = places or DeploymentRows(lookup.data.deployments)
    versions = lookup.versions_by_model.get(m.id, [])
    prod = lookup.production(m.id)
    names = tuple(dict.fromkeys(n for v in versions for n in v.performance))
    # Dataiku's "metric to focus": the model's choice, else the production version's first.
    focus = m.focus_metric or (next(iter(prod.performance), None) if prod else None)
    views = []
    for v in reversed(versions):
        chart, rows = _comparison(v, prod, focus)
        views.append(
            VersionView(
                anchor=version_anchor(v.version),
                id=v.id,
                version=v.version,
                created=when(v.created),
                author=lookup.person(v.created_by),
                status=badge(VERSION_BADGES, v.status),
                artifact=v.artifact_uri,
                digest=v.digest,
                last_validated=when(v.last_validated),
                approvals=tuple(
                    approval_view(lookup, a) for a in lookup.approvals_by_subject.get(v.id, [])
                ),
                drift=figures.drift(v),
                comparison=chart,
                comparison_rows=rows,
                pending=lookup.pending_reason(v),
                gate_reasons=tuple(
                    r
                    for d in lookup.deployments_by_subject.get(v.id, [])
                    if d.gate == "blocked"
                    for r in d.reasons
                ),
                lineage=lineage_view(v, m, lookup.deployments_by_subject.get(v.id, []), places),
                signoff=signoff_matrix(lookup, v),
                health=health_badges(lookup.health.version(v.id)),
                findings=findings_block(lookup, ref("version", v.id)),
            )
        )
    return ModelView(
        model=m,
        project=lookup.project_link(m.project),
        owner=lookup.person(m.owner),
        risk=risk_badge(m.risk_tier),
        source_uri=ExternalLink.of(m.source_uri) if m.source_uri else None,
        versions=tuple(views),
        metric_names=names,
        metric_rows=tuple(
            (
                v.id,
                badge(VERSION_BADGES, v.status),
                tuple(_fmt(v.performance.get(n)) for n in names),
            )
            for v in reversed(versions)
        ),
        production=lookup.subject_link(prod.id) if prod else None,
        focus=focus,
        findings=findings_block(lookup, ref("model", m.id)),
        owner_link=lookup.person_link(m.owner),
        health=health_badges(lookup.health.model(m.id)),
    )


def model_pages(lookup: Lookup) -> Iterator[Page]:
    """One page per model."""
    rows = DeploymentRows(lookup.data.deployments)
    for m in lookup.data.models:
        crumbs = [Link(INDEX, "Portfolio"), Link(MODELS, "Models")]
        yield Page(
            model_page(m.id),
            "model.html",
            m.title,
            "models",
            tuple(crumbs),
            model_view(lookup, m, rows),
        )
