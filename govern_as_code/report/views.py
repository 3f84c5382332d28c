"""The view of every page of the site, built from the report's records.

Templates only loop and print: every decision (what counts as pending, which stage a project is
at, which URL may be a link) is taken here and in the `views_*` modules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from markupsafe import Markup

from govern_as_code.report import figures
from govern_as_code.report.attention import AttentionView, attention
from govern_as_code.report.data import ReportData
from govern_as_code.report.figures import Gauge
from govern_as_code.report.findings import PORTFOLIO
from govern_as_code.report.lookup import DONE, Lookup, Page
from govern_as_code.report.paths import (
    AUDIT,
    DEPLOYMENTS,
    INDEX,
    INITIATIVES,
    MODELS,
    PEOPLE,
    PROJECTS,
    UNQUALIFIED,
    Link,
    model_page,
)
from govern_as_code.report.people import people_pages
from govern_as_code.report.signoff import signoff_matrix
from govern_as_code.report.views_audit import audit_pages, deployment_pages
from govern_as_code.report.views_board import board_pages
from govern_as_code.report.views_findings import FindingsBlock, findings_block
from govern_as_code.report.views_initiatives import initiative_pages
from govern_as_code.report.views_models import model_pages, registry_pages
from govern_as_code.report.views_projects import project_list_pages, project_pages

NAV: Final = (
    ("portfolio", INDEX, "Portfolio"),
    ("initiatives", INITIATIVES, "Initiatives"),
    ("projects", PROJECTS, "Projects"),
    ("models", MODELS, "Models"),
    ("deployments", DEPLOYMENTS, "Deployments"),
    ("audit", AUDIT, "Audit"),
    ("people", PEOPLE, "People"),
)
# The portfolio page names at most this many pending or overdue items; the rest are counted.
MAX_LISTED: Final = 20


@dataclass(frozen=True)
class Count:
    """One number of the portfolio page's 'at a glance' row."""

    label: str
    value: int
    link: Link | None
    tone: str = "neutral"
    note: str = ""


@dataclass(frozen=True)
class Flagged:
    """A version or model named on the portfolio page, with why."""

    link: Link | None
    text: str
    reason: str


@dataclass(frozen=True)
class PortfolioView:
    """Everything the portfolio page shows."""

    stage_gauges: tuple[Gauge, ...]
    status_gauges: tuple[Gauge, ...]
    heat_map: Markup
    scored: int
    unqualified: int
    unqualified_link: Link
    bubbles: Markup
    bubble_key: tuple[Link, ...]
    counts: tuple[Count, ...]
    pending: tuple[Flagged, ...]
    pending_total: int
    overdue: tuple[Flagged, ...]
    overdue_total: int
    sources: tuple[str, ...]
    attention: AttentionView | None = None
    findings: FindingsBlock | None = None


def _stage_gauges(lookup: Lookup) -> tuple[Gauge, ...]:
    """One gauge per workflow stage: the projects currently at it, out of all projects."""
    projects = lookup.data.projects
    at = Counter(lookup.progress(p).current for p in projects)
    gauges = [
        figures.gauge(at[t], len(projects), t, f"stage-{n}")
        for n, t in enumerate(lookup.stage_titles())
    ]
    gauges.append(
        figures.gauge(at[DONE], len(projects), "All stages complete", "stage-done", tone="good")
    )
    return tuple(gauges)


def _required_current(lookup: Lookup) -> tuple[int, int]:
    """Of the roles required of versions in production or deployed to a gated environment,
    how many a current approval fills, and how many there are: a role nobody signed counts."""
    current = required = 0
    for v in lookup.data.versions:
        live = v.status == "production" or any(
            d.gate in ("passed", "blocked") for d in lookup.deployments_by_subject.get(v.id, [])
        )
        if not live:
            continue
        rows = signoff_matrix(lookup, v).rows
        required += len(rows)
        current += sum(1 for r in rows if r.given)
    return current, required


def _status_gauges(lookup: Lookup) -> tuple[Gauge, ...]:
    data = lookup.data
    projects = data.projects
    governed = sum(1 for p in projects if p.governed)
    qualified = sum(1 for p in projects if p.qualification is not None)
    gated = [d for d in data.deployments if d.gate in ("passed", "blocked")]
    passed = sum(1 for d in gated if d.gate == "passed")
    current, required = _required_current(lookup)
    return (
        figures.gauge(
            governed,
            len(projects),
            "Governed projects",
            "governed",
            tone="good" if governed == len(projects) else "warning",
            note=f"{len(projects) - governed} ungoverned",
        ),
        figures.gauge(
            qualified,
            len(projects),
            "Qualified projects",
            "qualified",
            note=f"{len(projects) - qualified} not yet qualified",
        ),
        figures.gauge(
            passed,
            len(gated),
            "Deploy gate passed",
            "gate",
            tone="good" if passed == len(gated) else "bad",
            note=f"{len(gated) - passed} blocked",
        ),
        figures.gauge(
            current,
            required,
            "Approvals current",
            "approvals",
            tone="good" if current == required else "warning",
            note=f"{required - current} of {required} required sign-offs of live versions"
            " missing, stale, expired or unverified",
        ),
    )


def portfolio_page(lookup: Lookup) -> Page:
    """The portfolio page: counts, gauges, heat map, feasibility and flags."""
    data = lookup.data
    pending = [
        Flagged(lookup.subject_link(v.id), v.id, reason)
        for v in data.versions
        if (reason := lookup.pending_reason(v)) is not None
    ]
    overdue = [
        Flagged(
            lookup.subject_link(o.subject)
            or (Link(model_page(o.subject), o.subject) if o.subject in lookup.models else None),
            o.subject or o.path,
            o.message,
        )
        for o in data.problems.overdue
    ]
    blocked = sum(1 for d in data.deployments if d.gate == "blocked")
    counts = (
        Count("Projects", len(data.projects), Link(PROJECTS, "All projects")),
        Count("Models", len(data.models), Link(MODELS, "Model registry")),
        Count("Versions in production", sum(v.status == "production" for v in data.versions), None),
        Count("Challengers", sum(v.status == "challenger" for v in data.versions), None),
        Count(
            "Pending approvals",
            len(pending),
            Link(INDEX + "#pending", "Pending approvals"),
            "bad" if pending else "good",
        ),
        Count(
            "Overdue revalidations",
            len(overdue),
            Link(INDEX + "#overdue", "Overdue revalidations"),
            "warning" if overdue else "good",
        ),
        Count(
            "Deployments blocked",
            blocked,
            Link(DEPLOYMENTS, "Deployments"),
            "bad" if blocked else "good",
            f"of {len(data.deployments)} deployments",
        ),
        Count(
            "Lint errors",
            data.problems.errors,
            None,
            "bad" if data.problems.errors else "good",
            f"{data.problems.warnings} warning{'' if data.problems.warnings == 1 else 's'}",
        ),
    )
    scored = [p for p in data.projects if p.qualification is not None]
    bubbles, key = figures.feasibility(data.projects, "")
    view = PortfolioView(
        stage_gauges=_stage_gauges(lookup),
        status_gauges=_status_gauges(lookup),
        heat_map=figures.heat_map(data.projects, ""),
        scored=len(scored),
        unqualified=len(data.projects) - len(scored),
        unqualified_link=Link(UNQUALIFIED, "projects not yet qualified"),
        bubbles=bubbles,
        bubble_key=tuple(key),
        counts=counts,
        pending=tuple(pending[:MAX_LISTED]),
        pending_total=len(pending),
        overdue=tuple(overdue[:MAX_LISTED]),
        overdue_total=len(overdue),
        sources=data.sources,
        attention=attention(lookup),
        findings=findings_block(lookup, PORTFOLIO),
    )
    return Page(INDEX, "index.html", data.name, "portfolio", (), view)


def build_pages(data: ReportData) -> Iterator[Page]:
    """Every page of the site, one at a time so a large portfolio is never all in memory."""
    lookup = Lookup(data)
    yield portfolio_page(lookup)
    yield from initiative_pages(lookup)
    yield from project_list_pages(lookup)
    yield from project_pages(lookup)
    yield from board_pages(lookup)
    yield from registry_pages(lookup)
    yield from model_pages(lookup)
    yield from deployment_pages(lookup)
    yield from audit_pages(lookup)
    yield from people_pages(lookup)
