"""Flatten a loaded portfolio and its computed status into the report's records."""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime

from govern_as_code.documents.kinds import (
    InitiativeDocument,
    ModelDocument,
    ModelVersionDocument,
    PersonDocument,
    PortfolioDocument,
    ProjectDocument,
    WorkflowDocument,
)
from govern_as_code.portfolio import Deployment, Portfolio
from govern_as_code.problems import GateResult, Level
from govern_as_code.report.as_of import as_of
from govern_as_code.report.data import (
    ApprovalRec,
    AttachmentRec,
    CommentRec,
    DeploymentRec,
    DriftRec,
    GateState,
    InitiativeRec,
    ModelRec,
    OverdueRec,
    PersonRec,
    ProblemSummary,
    ProjectRec,
    QualificationRec,
    ReportData,
    StageEventRec,
    StageRec,
    VersionRec,
    WorkflowRec,
)
from govern_as_code.results import PortfolioStatus

# Dataiku's "metric to focus": a model may name the metric its versions are compared on.
FOCUS_ANNOTATION = "govern-as-code/metric-to-focus"
REVALIDATION_RULE = "revalidation-due"


def portfolio_name(portfolio: Portfolio) -> str:
    """The name a person would use for the portfolio: spec.name, the title, or the id."""
    if portfolio.settings.name:
        return portfolio.settings.name
    for _, doc in portfolio.models("Portfolio", PortfolioDocument):
        return doc.metadata.title or doc.metadata.id
    return "Portfolio"


def collect(portfolio: Portfolio, status: PortfolioStatus, name: str | None = None) -> ReportData:
    """Everything the report shows, as plain records."""
    workflows = tuple(
        WorkflowRec(d.id, m.metadata.title or d.id, tuple((s.id, s.title) for s in m.spec.stages))
        for d, m in portfolio.models("Workflow", WorkflowDocument)
    )
    stage_titles = {(w.id, sid): title for w in workflows for sid, title in w.stages}
    projects = tuple(
        _project(d.path, m, stage_titles) for d, m in portfolio.models("Project", ProjectDocument)
    )
    now = datetime.now(UTC).replace(microsecond=0)
    data = ReportData(
        name=name or portfolio_name(portfolio),
        revision=status.revision or portfolio.revision,
        # What the records describe: the past moment asked for, else the moment of collection.
        as_of=status.as_of or now,
        people=tuple(
            PersonRec(d.id, m.spec.name, m.spec.department)
            for d, m in portfolio.models("Person", PersonDocument)
        ),
        initiatives=tuple(
            InitiativeRec(
                d.id,
                m.metadata.title or d.id,
                m.spec.goal,
                m.spec.owner,
                tuple(m.spec.sponsors),
                m.spec.status,
            )
            for d, m in portfolio.models("Initiative", InitiativeDocument)
        ),
        workflows=workflows,
        projects=projects,
        models=tuple(_model(m) for _, m in portfolio.models("Model", ModelDocument)),
        versions=tuple(
            _version(m) for _, m in portfolio.models("ModelVersion", ModelVersionDocument)
        ),
        approvals=tuple(
            ApprovalRec(
                a.subject,
                a.role,
                a.reviewer,
                a.decision,
                a.date,
                a.state,
                a.method,
                a.detail,
                a.signer_fingerprint,
                a.commit,
                a.commit_time,
                a.review_url,
                a.path,
            )
            for a in status.approvals
        ),
        deployments=_deployments(portfolio, status.report.gates),
        stage_events=_stage_events(status, projects),
        problems=_problems(status),
        generated_at=now,
        historical=status.as_of is not None,
    )
    # A past state (`--at`) hides whatever its documents date after it, for every page at once.
    return as_of(data)


def _project(
    path: str, doc: ProjectDocument, stage_titles: dict[tuple[str, str], str]
) -> ProjectRec:
    spec, q = doc.spec, doc.spec.qualification
    return ProjectRec(
        id=doc.metadata.id,
        title=doc.metadata.title or doc.metadata.id,
        owner=spec.owner,
        description=doc.metadata.description or "",
        initiative=spec.initiative,
        governed=spec.governed,
        objectives=spec.objectives,
        scope=spec.scope,
        use_case=spec.useCase,
        sponsors=tuple(spec.sponsors),
        attachments=tuple(AttachmentRec(a.title, a.url, a.path) for a in spec.attachments),
        qualification=None
        if q is None
        else QualificationRec(
            q.value, q.risk, q.feasibility, q.assessedBy, q.assessedOn, q.notes, q.draft
        ),
        workflow=spec.workflow,
        stages=tuple(
            StageRec(
                s.id,
                stage_titles.get((spec.workflow or "", s.id), s.id),
                s.status,
                s.completedBy,
                s.completedOn,
                tuple(CommentRec(c.by, c.on, c.text) for c in s.comments),
            )
            for s in spec.stages
        ),
        path=path,
    )


def _model(doc: ModelDocument) -> ModelRec:
    spec = doc.spec
    return ModelRec(
        id=doc.metadata.id,
        title=doc.metadata.title or doc.metadata.id,
        project=spec.project,
        task=spec.task,
        risk_tier=spec.riskTier,
        owner=spec.owner,
        source_type=spec.source.type,
        source_uri=spec.source.uri,
        revalidate_every_days=spec.revalidateEveryDays,
        focus_metric=doc.metadata.annotations.get(FOCUS_ANNOTATION),
    )


def _version(doc: ModelVersionDocument) -> VersionRec:
    spec = doc.spec
    return VersionRec(
        id=doc.subject,
        model=spec.model,
        version=spec.version,
        created=spec.created,
        created_by=spec.createdBy,
        status=spec.status,
        digest=spec.artifact.digest,
        artifact_uri=spec.artifact.uri,
        last_validated=spec.lastValidated,
        performance=_finite(spec.metrics.performance),
        drift=tuple(DriftRec(p.date, _finite(p.values)) for p in spec.metrics.drift),
    )


def _finite(values: dict[str, float]) -> dict[str, float]:
    # A NaN or infinite figure (YAML's .nan, .inf) can be neither drawn nor exported as JSON.
    return {k: v for k, v in values.items() if math.isfinite(v)}


def _deployments(portfolio: Portfolio, gates: tuple[GateResult, ...]) -> tuple[DeploymentRec, ...]:
    by_subject = {(g.deployment, g.subject): g for g in gates}
    by_path: dict[str, list[GateResult]] = {}
    for g in gates:
        by_path.setdefault(g.deployment, []).append(g)
    return tuple(_deployment(portfolio, d, by_subject, by_path) for d in portfolio.deployments())


def _deployment(
    portfolio: Portfolio,
    d: Deployment,
    by_subject: dict[tuple[str, str], GateResult],
    by_path: dict[str, list[GateResult]],
) -> DeploymentRec:
    gate = by_subject.get((d.path, d.subject or ""))
    # A file holding several foreign manifests has one result per subject; only a file's single
    # result can be attributed by path alone.
    if gate is None and len(by_path.get(d.path, [])) == 1:
        gate = by_path[d.path][0]
    protected = portfolio.settings.is_protected(d.environment)
    state: GateState
    if gate is not None:
        state = "passed" if gate.passed else "blocked"
    else:
        state = "no gate result" if protected else "not gated"
    return DeploymentRec(
        d.path,
        d.environment,
        d.subject,
        d.target,
        d.foreign,
        protected,
        state,
        gate.reasons if gate else (),
    )


def _stage_events(
    status: PortfolioStatus, projects: tuple[ProjectRec, ...]
) -> tuple[StageEventRec, ...]:
    events = [
        StageEventRec(e.project, e.stage, e.completed_by, e.completed_on)
        for e in status.stage_events
    ]
    seen = {(e.project, e.stage) for e in events}
    # Without an assessment of the stages (an export built from records alone) the YAML still
    # says who completed a stage and when; the audit page shows it, marked as unsigned.
    events += [
        StageEventRec(p.id, s.id, s.completed_by, s.completed_on)
        for p in projects
        for s in p.stages
        if s.status == "complete" and (p.id, s.id) not in seen
    ]
    return tuple(events)


def _problems(status: PortfolioStatus) -> ProblemSummary:
    problems = status.report.problems
    summary = status.report.summary
    return ProblemSummary(
        errors=summary.errors,
        warnings=summary.warnings,
        by_rule=dict(Counter(p.rule for p in problems if p.level != Level.OFF)),
        overdue=tuple(
            OverdueRec(p.subject, p.path, p.message)
            for p in problems
            if p.rule == REVALIDATION_RULE
        ),
    )
