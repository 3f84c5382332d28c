"""The demo's history as it would have happened, derived from the example documents' own dates.

A project is committed when its first dated event is near, with every stage not started; each
stage is completed in a commit on its `completedOn`, signed by whoever completed it, and each
comment and the qualification arrive on their dates. A version is registered on `created` as a
candidate; its drift figures are appended in the monitoring runs of their dates, and it goes
live (production or challenger) shortly before its first figure, when its project's deployment
stage allows; the production Deployment that names it is committed in the same commit, and the
version it replaces is retired there. So `gac report --at` any month shows what was then true.

The last commit of every document writes the example file itself, byte for byte.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from govern_as_code.commands.authoring.files import EditableDocument
from govern_as_code.documents.kinds import ModelDocument, ModelVersionDocument, ProjectDocument
from govern_as_code.portfolio import Portfolio

# Monitoring figures are computed early on their day; people work later in it.
MONITORING_HOUR = time(6, tzinfo=UTC)
WORK_HOUR = time(9, tzinfo=UTC)
GO_LIVE_HOUR = time(12, tzinfo=UTC)
# A version goes live about this long before its first monitoring figure.
LEAD_TIME = timedelta(days=10)


@dataclass(frozen=True)
class Event:
    """One change: `path` takes its state at `when`, in the commit named by the other fields."""

    when: datetime
    person: str
    message: str
    path: str


@dataclass
class Plan:
    """Every event of the history, and how to render each document at any moment."""

    events: list[Event] = field(default_factory=list)
    live: dict[str, datetime] = field(default_factory=dict)  # version -> when it went live
    production: dict[str, list[str]] = field(default_factory=dict)  # model -> live versions
    originals: dict[str, str] = field(default_factory=dict)
    renderers: dict[str, Any] = field(default_factory=dict)  # path -> its text at a moment

    parsed: dict[str, EditableDocument] = field(default_factory=dict)

    def editable(self, path: str) -> EditableDocument:
        """A fresh round-trip copy of the example file, which is parsed only once (slowly)."""
        parsed = self.parsed.get(path)
        if parsed is None:
            parsed = self.parsed[path] = EditableDocument.parse(path, self.originals[path])
        # Timestamps are shared, not copied: a copied one forgets how it was written (its "Z").
        memo: dict[int, Any] = {id(t): t for t in _leaves(parsed.data) if isinstance(t, date)}
        return replace(parsed, data=copy.deepcopy(parsed.data, memo))

    def add(self, when: datetime, person: str, message: str, path: str) -> None:
        self.events.append(Event(when, person, message, path))

    def state(self, path: str, when: datetime) -> str:
        """The text of `path` at `when`: the example file itself once its last event is past."""
        last = max(e.when for e in self.events if e.path == path)
        render = self.renderers.get(path)
        if when >= last or render is None:
            return self.originals[path]
        text: str = render(when)
        return text


def _leaves(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _leaves(value)
    elif isinstance(node, list):
        for value in node:
            yield from _leaves(value)
    else:
        yield node


def _day(value: date, at: time) -> datetime:
    return datetime.combine(value, at)


def _on_or_after(moment: datetime, day: date, at: time) -> datetime:
    return max(moment, _day(day, at))


def plan_history(portfolio: Portfolio, texts: dict[str, str]) -> Plan:
    """The history of every project, model, version and deployment of `portfolio`."""
    plan = Plan(originals=dict(texts))
    projects = {d.id: (d, m) for d, m in portfolio.models("Project", ProjectDocument)}
    models = {d.id: (d, m) for d, m in portfolio.models("Model", ModelDocument)}
    versions = {d.id: (d, m) for d, m in portfolio.models("ModelVersion", ModelVersionDocument)}
    started = {pid: _plan_project(plan, d.path, m) for pid, (d, m) in projects.items()}
    by_model: dict[str, list[tuple[int, str]]] = {}
    for vid, (_, v) in versions.items():
        by_model.setdefault(v.spec.model, []).append((_number(v.spec.version), vid))
    for model_id, (document, model) in models.items():
        chain = [vid for _, vid in sorted(by_model.get(model_id, []))]
        project = projects.get(model.spec.project)
        owner = model.spec.owner or (project[1].spec.owner if project else "")
        start = started.get(model.spec.project, datetime(2025, 9, 2, tzinfo=UTC))
        first = min((versions[v][1].spec.created for v in chain), default=None)
        when = start if first is None else max(start, first - timedelta(days=1))
        plan.add(when, owner, f"Add model {model_id}", document.path)
        deployed = _deployment_stage(project[1]) if project else None
        _plan_chain(plan, [versions[v] for v in chain], owner, deployed)
    _plan_deployments(plan, portfolio, versions)
    return plan


def _number(version: str) -> int:
    return int(version) if version.isdigit() else 0


def _deployment_stage(project: ProjectDocument) -> datetime | None:
    for stage in project.spec.stages:
        if stage.id == "deployment" and stage.completedOn is not None:
            return stage.completedOn
    return None


def _project_dates(project: ProjectDocument) -> Iterator[datetime]:
    q = project.spec.qualification
    if q is not None and q.assessedOn is not None:
        yield _day(q.assessedOn, WORK_HOUR)
    for stage in project.spec.stages:
        if stage.completedOn is not None:
            yield stage.completedOn
        yield from (c.on for c in stage.comments)


def _plan_project(plan: Plan, path: str, project: ProjectDocument) -> datetime:
    spec = project.spec
    dates = list(_project_dates(project))
    start = (min(dates) if dates else datetime(2026, 9, 1, tzinfo=UTC)) - timedelta(days=1)
    title = project.metadata.title or project.metadata.id
    plan.add(start, spec.owner, f"Start {title}", path)
    q = spec.qualification
    if q is not None and q.assessedOn is not None:
        plan.add(
            _day(q.assessedOn, WORK_HOUR),
            q.assessedBy or spec.owner,
            f"Qualify {project.metadata.id}",
            path,
        )
    for stage in spec.stages:
        for comment in stage.comments:
            plan.add(comment.on, comment.by, f"Comment on {project.metadata.id}: {stage.id}", path)
        if stage.completedOn is not None:
            plan.add(
                stage.completedOn,
                stage.completedBy or spec.owner,
                f"Complete {stage.id} of {project.metadata.id}",
                path,
            )
    plan.renderers[path] = lambda when: _project_at(plan.editable(path), project, when)
    return start


def _project_at(editable: EditableDocument, project: ProjectDocument, when: datetime) -> str:
    spec = editable.data["spec"]
    q = project.spec.qualification
    if q is not None and q.assessedOn is not None and _day(q.assessedOn, WORK_HOUR) > when:
        del spec["qualification"]
    started = True  # the first stage is under way from the start
    for index, stage in enumerate(project.spec.stages):
        raw = spec["stages"][index]
        kept = [i for i, c in enumerate(stage.comments) if c.on <= when]
        done = stage.completedOn is not None and stage.completedOn <= when
        if not done:
            for key in ("completedBy", "completedOn"):
                raw.pop(key, None)
            begun = started or bool(kept)
            raw["status"] = (
                "in-progress" if begun and stage.status != "not-started" else ("not-started")
            )
        if "comments" in raw:
            for i in reversed(range(len(stage.comments))):
                if i not in kept:
                    del raw["comments"][i]
            if not raw["comments"]:
                del raw["comments"]
        started = done
    return editable.render()


def _plan_chain(
    plan: Plan,
    chain: list[tuple[Any, ModelVersionDocument]],
    owner: str,
    deployed: datetime | None,
) -> None:
    """A model's versions: registered, live, retired, validated and monitored on their dates."""
    previous_live: ModelVersionDocument | None = None
    go_live: dict[str, datetime] = {}
    retire: dict[str, tuple[datetime, str, str]] = {}
    registered = {v.metadata.id: (v.spec.created, v.spec.createdBy) for _, v in chain}
    for index, (document, version) in enumerate(chain):
        spec, vid = version.spec, version.metadata.id
        plan.add(spec.created, spec.createdBy, f"Register {vid}", document.path)
        drift = sorted(p.date for p in spec.metrics.drift)
        live = bool(drift) and spec.status != "candidate"
        if live:
            when = max(spec.created + timedelta(days=1), _day(drift[0], GO_LIVE_HOUR) - LEAD_TIME)
            if deployed is not None and spec.created < deployed:
                when = max(when, deployed + timedelta(hours=1))
            becomes = "challenger" if spec.status == "challenger" else "production"
            if becomes == "production" and previous_live is not None:
                last = max(p.date for p in previous_live.spec.metrics.drift)
                when = max(when, _day(last + timedelta(days=1), GO_LIVE_HOUR))
            go_live[vid] = when
            message = f"Run {vid} as a challenger" if becomes == "challenger" else f"Deploy {vid}"
            plan.add(when, owner, message, document.path)
            if becomes == "production":
                plan.live[vid] = when
                plan.production.setdefault(spec.model, []).append(vid)
                if previous_live is not None:
                    retire[previous_live.metadata.id] = (when, owner, message)
                previous_live = version
        if spec.status == "retired" and vid not in retire and not live:
            later = [v.metadata.id for _, v in chain[index + 1 :]]
            if later:
                when, by = registered[later[0]]
                retire[vid] = (when, by, f"Register {later[0]}")
            else:
                retire[vid] = (spec.created + timedelta(days=30), owner, f"Retire {vid}")
        if spec.lastValidated is not None:
            plan.add(
                _on_or_after(spec.created, spec.lastValidated, WORK_HOUR),
                owner,
                f"Record the validation of {vid}",
                document.path,
            )
        for point in drift:
            plan.add(
                _on_or_after(spec.created, point, MONITORING_HOUR),
                owner,
                f"Monitoring figures of {point.isoformat()}",
                document.path,
            )
    for document, version in chain:
        vid = version.metadata.id
        if vid in retire:
            plan.add(*retire[vid], document.path)
        plan.renderers[document.path] = _version_renderer(
            plan, document.path, version, go_live.get(vid), retire.get(vid, (None,))[0]
        )


def _version_renderer(
    plan: Plan,
    path: str,
    version: ModelVersionDocument,
    live: datetime | None,
    retired: datetime | None,
) -> Any:
    def render(when: datetime) -> str:
        spec_model = version.spec
        editable = plan.editable(path)
        spec = editable.data["spec"]
        if retired is not None and when >= retired:
            status = "retired"
        elif live is not None and when >= live:
            status = "challenger" if spec_model.status == "challenger" else "production"
        else:
            status = "candidate"
        spec["status"] = status
        checked = spec_model.lastValidated
        if checked is not None and _on_or_after(spec_model.created, checked, WORK_HOUR) > when:
            del spec["lastValidated"]
        metrics = spec.get("metrics")
        if metrics is not None and "drift" in metrics:
            points = spec_model.metrics.drift
            for i in reversed(range(len(points))):
                if _on_or_after(spec_model.created, points[i].date, MONITORING_HOUR) > when:
                    del metrics["drift"][i]
            if not metrics["drift"]:
                del metrics["drift"]
        return editable.render()

    return render


def _plan_deployments(
    plan: Plan, portfolio: Portfolio, versions: dict[str, tuple[Any, ModelVersionDocument]]
) -> None:
    """Each deployment file in the commit that put its version there."""
    for deployment in portfolio.deployments():
        subject = deployment.subject
        if subject is None or subject not in versions:
            continue
        version = versions[subject][1]
        owner = version.spec.createdBy
        if deployment.environment == "production" and subject in plan.live:
            chain = [v for v in plan.production[version.spec.model] if v in plan.live]
            chain = chain[: chain.index(subject) + 1]
            for vid in chain:
                plan.add(plan.live[vid], _owner_of(plan, vid), f"Deploy {vid}", deployment.path)
            plan.renderers[deployment.path] = _deployment_renderer(
                plan, deployment.path, subject, chain
            )
        else:
            when = plan.live.get(subject, version.spec.created + timedelta(days=1))
            message = f"Deploy {subject} to {deployment.environment}"
            plan.add(when, owner, message, deployment.path)


def _owner_of(plan: Plan, vid: str) -> str:
    # The go-live commit's author, so the deployment joins the commit that puts it live.
    return next(e.person for e in plan.events if e.message == f"Deploy {vid}")


def _deployment_renderer(plan: Plan, path: str, subject: str, chain: list[str]) -> Any:
    def render(when: datetime) -> str:
        current = [v for v in chain if plan.live[v] <= when]
        return plan.originals[path].replace(subject, current[-1] if current else subject)

    return render
