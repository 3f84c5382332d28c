"""Indexes over the report's records, and the small values every page view shares."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Final

from govern_as_code.report.data import (
    ApprovalRec,
    DeploymentRec,
    ModelRec,
    ProjectRec,
    ReportData,
    VersionRec,
)
from govern_as_code.report.findings import Attached, attach
from govern_as_code.report.health import HealthIndex
from govern_as_code.report.paths import (
    Link,
    model_page,
    person_page,
    project_page,
    version_link,
)

DONE: Final = "done"
# Symbols sit beside the colour so that status never depends on seeing colour.
STAGE_BADGES: Final = {
    "complete": ("✓", "complete", "good"),
    "in-progress": ("◐", "in progress", "info"),
    "not-started": ("○", "not started", "muted"),
}
GATE_BADGES: Final = {
    "passed": ("✓", "passed", "good"),
    "blocked": ("✕", "blocked", "bad"),
    "not gated": ("–", "not gated", "muted"),
    "no gate result": ("?", "no gate result", "warn"),
}
VERSION_BADGES: Final = {
    "production": ("★", "production", "good"),
    "challenger": ("⚑", "challenger", "info"),
    "candidate": ("○", "candidate", "muted"),
    "retired": ("×", "retired", "muted"),
}
DECISION_BADGES: Final = {
    "approved": ("✓", "approved", "good"),
    "changes-requested": ("!", "changes requested", "warn"),
    "rejected": ("✕", "rejected", "bad"),
}

# the health column; the words always stand beside the colour.
HEALTH_BADGES: Final = {
    "blocked": ("✕", "blocked", "bad"),
    "drift over threshold": ("≈", "drift over threshold", "warn"),
    "revalidation overdue": ("◔", "revalidation overdue", "warn"),
    "approvals missing or stale": ("!", "approvals missing or stale", "bad"),
    "waiver active": ("⚐", "waiver active", "info"),
}
HEALTHY: Final = ("✓", "healthy", "good")


@dataclass(frozen=True)
class Badge:
    """A status shown as a symbol, a word and a colour, so no single one carries it."""

    icon: str
    text: str
    tone: str  # good | bad | warn | info | muted


def badge(table: dict[str, tuple[str, str, str]], key: str) -> Badge:
    """The badge for `key` in one of the tables above; an unknown key is shown muted."""
    icon, text, tone = table.get(key, ("•", key, "muted"))
    return Badge(icon, text, tone)


def approval_badge(state: str) -> Badge:
    """The badge of an approval's state: only `current` is good."""
    return Badge("✓", state, "good") if state == "current" else Badge("!", state, "bad")


def health_badges(conditions: tuple[str, ...]) -> tuple[Badge, ...]:
    """The health column's badges: one per condition, or a single 'healthy'."""
    if not conditions:
        return (Badge(*HEALTHY),)
    return tuple(badge(HEALTH_BADGES, c) for c in conditions)


def subject_text(subject: str, document: str) -> str:
    """What a finding is about, in words: its model version, else its document."""
    return subject or document


def when(value: datetime | date | None) -> str:
    """A timestamp as a reader wants it: to the minute, in UTC when it has a zone."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.strftime("%Y-%m-%d %H:%M")
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def short(commit: str | None) -> str:
    """A commit id as people quote it."""
    return commit[:10] if commit else ""


@dataclass(frozen=True)
class Progress:
    """How far a project has come through its workflow."""

    done: int
    total: int
    current: str  # the title of the first stage not complete, or "done"

    @property
    def percent(self) -> int:
        """The share of stages complete, 0 to 100."""
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def text(self) -> str:
        """The progress in words, e.g. '4 of 6 stages · at Validation'."""
        if not self.total:
            return "no stages"
        return f"{self.done} of {self.total} stages · " + (
            "all complete" if self.current == DONE else f"at {self.current}"
        )


class Lookup:
    """Every record by id, built once so each page view is a few dictionary reads."""

    def __init__(self, data: ReportData) -> None:
        self.data = data
        self.people = {p.id: p for p in data.people}
        self.initiatives = {i.id: i for i in data.initiatives}
        self.projects = {p.id: p for p in data.projects}
        self.models = {m.id: m for m in data.models}
        self.versions = {v.id: v for v in data.versions}
        self.workflows = {w.id: w for w in data.workflows}
        self.signoffs = {s.subject: s for s in data.signoffs}
        self._titles: list[str] | None = None
        self.models_by_project: dict[str, list[ModelRec]] = defaultdict(list)
        self.projects_by_initiative: dict[str | None, list[ProjectRec]] = defaultdict(list)
        self.versions_by_model: dict[str, list[VersionRec]] = defaultdict(list)
        self.approvals_by_subject: dict[str, list[ApprovalRec]] = defaultdict(list)
        self.deployments_by_subject: dict[str, list[DeploymentRec]] = defaultdict(list)
        for m in data.models:
            self.models_by_project[m.project].append(m)
        for p in sorted(data.projects, key=lambda p: p.title.lower()):
            self.projects_by_initiative[p.initiative].append(p)
        for v in sorted(data.versions, key=lambda v: v.created):
            self.versions_by_model[v.model].append(v)
        for a in sorted(data.approvals, key=lambda a: a.date):
            self.approvals_by_subject[a.subject].append(a)
        for d in data.deployments:
            if d.subject:
                self.deployments_by_subject[d.subject].append(d)

    @cached_property
    def findings(self) -> Attached:
        """Every finding filed under the pages it concerns."""
        return attach(self.data)

    @cached_property
    def health(self) -> HealthIndex:
        """The health of every version, model and project."""
        return HealthIndex(self.data, self.findings)

    def person_link(self, id: str | None) -> Link | None:
        """A link to the person's page, or None when the person is not known."""
        person = self.people.get(id or "")
        return Link(person_page(person.id), person.name) if person else None

    def person(self, id: str | None) -> str:
        """A person's name, or the id if the person is unknown."""
        if not id:
            return "—"
        person = self.people.get(id)
        return person.name if person else id

    def project_link(self, id: str | None) -> Link | None:
        """A link to the project's page, or None when the project is unknown."""
        project = self.projects.get(id or "")
        return Link(project_page(project.id), project.title) if project else None

    def model_link(self, id: str) -> Link:
        """A link to the model's page, titled by the model when it is known."""
        model = self.models.get(id)
        return Link(model_page(id), model.title if model else id)

    def subject_link(self, subject: str | None) -> Link | None:
        """A link to a model version's section, or None when the version is unknown."""
        version = self.versions.get(subject or "")
        if version is None or version.model not in self.models:
            return None
        return Link(version_link(version.model, version.version), version.id)

    def stage_order(self, project: ProjectRec) -> list[tuple[str, str]]:
        """The project's stages in workflow order, as (id, title)."""
        workflow = self.workflows.get(project.workflow or "")
        if workflow is not None:
            return list(workflow.stages)
        return [(s.id, s.title) for s in project.stages]

    def stage_titles(self) -> list[str]:
        """Every stage title once, in lifecycle order: the most used workflow's stages first."""
        if self._titles is None:
            usage = Counter(p.workflow for p in self.data.projects)
            titles: dict[str, None] = {}
            for w in sorted(self.data.workflows, key=lambda w: -usage[w.id]):
                titles.update(dict.fromkeys(title for _, title in w.stages))
            for p in self.data.projects:
                titles.update(dict.fromkeys(title for _, title in self.stage_order(p)))
            self._titles = [t for t in titles if t != DONE]
        return self._titles

    def progress(self, project: ProjectRec) -> Progress:
        """How many of its workflow's stages the project completed, and where it is."""
        status = {s.id: s.status for s in project.stages}
        order = self.stage_order(project)
        done = sum(1 for sid, _ in order if status.get(sid) == "complete")
        current = next((title for sid, title in order if status.get(sid) != "complete"), DONE)
        return Progress(done, len(order), current)

    def production(self, model: str) -> VersionRec | None:
        """The model's latest production version, if any."""
        live = [v for v in self.versions_by_model.get(model, []) if v.status == "production"]
        return live[-1] if live else None

    def pending_reason(self, version: VersionRec) -> str | None:
        """Why a live version's sign-off is not settled, or None when it is (or is not live)."""
        deployments = self.deployments_by_subject.get(version.id, [])
        if version.status != "production" and not deployments:
            return None
        if any(d.gate == "blocked" for d in deployments):
            return "the deploy gate blocks it"
        if any(d.gate == "no gate result" for d in deployments):
            return "deployed to a protected environment without a gate result"
        approvals = self.approvals_by_subject.get(version.id, [])
        if not approvals:
            return "no approvals"
        # What is required counts, not only what was given: a role nobody signed is pending.
        signed = {
            role.strip()
            for a in approvals
            if a.decision == "approved" and a.state == "current"
            for role in a.role.split(",")
        }
        required = self.signoffs[version.id].required if version.id in self.signoffs else ()
        unsigned = [role for role in required if role not in signed]
        if unsigned:
            return f"required sign-offs missing ({', '.join(unsigned)})"
        stale = sorted({a.state for a in approvals if a.state != "current"})
        return f"approvals not current ({', '.join(stale)})" if stale else None


@dataclass(frozen=True)
class Page:
    """One HTML file: where it goes, which template draws it and the view it is given."""

    path: str
    template: str
    title: str
    section: str  # the navigation entry it belongs to
    crumbs: tuple[Link, ...]  # ancestors, from the portfolio page down
    view: object
