"""Flatten a loaded portfolio and its computed status into the report's records."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime

from govern_as_code.documents.key_identity import key_fingerprint
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
    HistoryEventRec,
    InitiativeRec,
    KeyRec,
    ModelRec,
    NeedRec,
    OverdueRec,
    PersonRec,
    ProblemSummary,
    ProjectRec,
    QualificationRec,
    ReportData,
    SignoffRec,
    StageEventRec,
    StageRec,
    VersionRec,
    WorkflowRec,
)
from govern_as_code.report.findings import build_findings
from govern_as_code.results import DriftLimits, PortfolioStatus

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
        people=tuple(_person(m) for _, m in portfolio.models("Person", PersonDocument)),
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
            _version(m, status.drift_limits)
            for _, m in portfolio.models("ModelVersion", ModelVersionDocument)
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
                a.comment,
            )
            for a in status.approvals
        ),
        deployments=_deployments(portfolio, status.report.gates, status.deployed_since),
        stage_events=_stage_events(status, projects),
        problems=_problems(status),
        history_events=_history_events(status),
        commit_url=status.commit_url,
        signoffs=tuple(
            SignoffRec(
                s.subject,
                s.required,
                s.gated,
                dict(s.assignment),
                tuple(NeedRec(n.role, n.people, n.note, n.excluded) for n in s.needed),
                dict(s.verified_by),
                dict(status.reached_production).get(s.subject),
            )
            for s in status.signoffs
        ),
        assessed_on=status.today,
        generated_at=now,
        historical=status.as_of is not None,
    )
    # A past state (`--at`) hides whatever its documents date after it, for every page at once;
    # the findings are then filed against what is left.
    data = as_of(data)
    documents = {d.path: (d.kind, d.id) for d in portfolio.documents}
    findings = build_findings(data, status.report.problems, status.report.gates, documents)
    return replace(data, findings=findings)


def _history_events(status: PortfolioStatus) -> tuple[HistoryEventRec, ...]:
    # History is walked from the assessed revision; a commit dated after the as-of moment
    # (a clock set wrong, a rebase) still shows nothing the reader did not ask for.
    return tuple(
        HistoryEventRec(
            e.kind,
            e.subject,
            e.what,
            e.time,
            e.commit,
            e.author,
            e.path,
            e.signer,
            e.signer_fingerprint,
            e.verification,
            e.detail,
        )
        for e in status.history_events
        if status.as_of is None or e.time <= status.as_of
    )


def _person(doc: PersonDocument) -> PersonRec:
    spec = doc.spec
    return PersonRec(
        doc.metadata.id,
        spec.name,
        spec.department,
        doc.metadata.title or "",
        tuple(spec.roles),
        tuple(
            KeyRec(k.type, key_fingerprint(k.type, k.publicKey), k.validAfter, k.validBefore)
            for k in spec.keys
        ),
        spec.status,
        spec.departedOn,
    )


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


def _version(doc: ModelVersionDocument, limits: DriftLimits | None) -> VersionRec:
    spec, meta, source = doc.spec, doc.metadata, doc.spec.source
    figures = {name for p in spec.metrics.drift for name in p.values}
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
        drift_limits={n: limits.limit(n) for n in sorted(figures)} if limits else {},
        title=meta.title or "",
        description=meta.description or "",
        code_ref=spec.codeRef or "",
        data_ref=spec.dataRef or "",
        labels=dict(meta.labels),
        annotations=dict(meta.annotations),
        source_type=source.type if source else "",
        source_uri=(source.uri or "") if source else "",
        source_version=(source.version or "") if source else "",
        source_run=(source.runId or "") if source else "",
    )


def _finite(values: dict[str, float]) -> dict[str, float]:
    # A NaN or infinite figure (YAML's .nan, .inf) can be neither drawn nor exported as JSON.
    return {k: v for k, v in values.items() if math.isfinite(v)}


def _deployments(
    portfolio: Portfolio, gates: tuple[GateResult, ...], since: Mapping[str, datetime]
) -> tuple[DeploymentRec, ...]:
    by_subject = {(g.deployment, g.subject): g for g in gates}
    by_path: dict[str, list[GateResult]] = {}
    for g in gates:
        by_path.setdefault(g.deployment, []).append(g)
    return tuple(
        replace(_deployment(portfolio, d, by_subject, by_path), since=since.get(d.path))
        for d in portfolio.deployments()
    )


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
        StageEventRec(
            e.project,
            e.stage,
            e.completed_by,
            e.completed_on,
            e.commit,
            e.commit_time,
            e.signer,
            e.signer_fingerprint,
            e.verification,
            e.detail,
        )
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
