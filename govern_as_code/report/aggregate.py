"""Merge several portfolios' report records into one, ids prefixed by the portfolio's name.

Two repos may both have a project `churn` or a person `ana`; after merging they are
`retail/churn` and `insurance/churn`. Every id *and every reference to one* gets the same
prefix, so links between documents stay inside their own portfolio.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from govern_as_code.report.data import (
    ApprovalRec,
    CommentRec,
    DeploymentRec,
    FindingRec,
    HistoryEventRec,
    ModelRec,
    ProblemSummary,
    ProjectRec,
    ReportData,
    SignoffRec,
    StageEventRec,
    StageRec,
    VersionRec,
)


def prefix_for(name: str, taken: set[str]) -> str:
    """A slug of the portfolio's name, made unique among `taken` (which it joins)."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "portfolio"
    prefix, n = base, 1
    while prefix in taken:
        n += 1
        prefix = f"{base}-{n}"
    taken.add(prefix)
    return prefix


def merge(parts: Sequence[ReportData], name: str | None = None) -> ReportData:
    """One report of all `parts`, each one's ids prefixed by its name."""
    taken: set[str] = set()
    prefixed = [_prefixed(part, prefix_for(part.name, taken)) for part in parts]
    as_of = [p.as_of for p in parts if p.as_of is not None]
    generated = [p.generated_at for p in parts if p.generated_at is not None]
    by_rule: Counter[str] = Counter()
    for p in parts:
        by_rule.update(p.problems.by_rule)
    return ReportData(
        name=name or ("Portfolios: " + ", ".join(p.name for p in parts)),
        revision=None if len(parts) != 1 else parts[0].revision,
        as_of=max(as_of) if as_of else None,
        people=tuple(x for p in prefixed for x in p.people),
        initiatives=tuple(x for p in prefixed for x in p.initiatives),
        workflows=tuple(x for p in prefixed for x in p.workflows),
        projects=tuple(x for p in prefixed for x in p.projects),
        models=tuple(x for p in prefixed for x in p.models),
        versions=tuple(x for p in prefixed for x in p.versions),
        approvals=tuple(x for p in prefixed for x in p.approvals),
        deployments=tuple(x for p in prefixed for x in p.deployments),
        stage_events=tuple(x for p in prefixed for x in p.stage_events),
        problems=ProblemSummary(
            errors=sum(p.problems.errors for p in parts),
            warnings=sum(p.problems.warnings for p in parts),
            by_rule=dict(by_rule),
            overdue=tuple(x for p in prefixed for x in p.problems.overdue),
        ),
        sources=tuple(p.name for p in parts),
        history_events=tuple(x for p in prefixed for x in p.history_events),
        # One forge link base serves every part only when they all come from the same repo.
        commit_url=next(iter(bases)) if len(bases := {p.commit_url for p in parts}) == 1 else None,
        findings=tuple(x for p in prefixed for x in p.findings),
        signoffs=tuple(x for p in prefixed for x in p.signoffs),
        assessed_on=max(dates)
        if (dates := [p.assessed_on for p in parts if p.assessed_on])
        else None,
        generated_at=max(generated) if generated else None,
        source_revisions=tuple(p.revision or "" for p in parts),
        historical=any(p.historical for p in parts),
    )


def _prefixed(data: ReportData, prefix: str) -> ReportData:
    def f(id: str) -> str:
        return f"{prefix}/{id}"

    def o(id: str | None) -> str | None:
        return None if id is None else f(id)

    def stage(s: StageRec) -> StageRec:
        return replace(
            s,
            completed_by=o(s.completed_by),
            comments=tuple(CommentRec(f(c.by), c.on, c.text) for c in s.comments),
        )

    def project(p: ProjectRec) -> ProjectRec:
        q = p.qualification
        return replace(
            p,
            id=f(p.id),
            owner=f(p.owner),
            initiative=o(p.initiative),
            sponsors=tuple(map(f, p.sponsors)),
            workflow=o(p.workflow),
            stages=tuple(map(stage, p.stages)),
            path=f(p.path),
            qualification=q and replace(q, assessed_by=o(q.assessed_by)),
        )

    def model(m: ModelRec) -> ModelRec:
        return replace(m, id=f(m.id), project=f(m.project), owner=o(m.owner))

    def version(v: VersionRec) -> VersionRec:
        return replace(v, id=f(v.id), model=f(v.model), created_by=f(v.created_by))

    def approval(a: ApprovalRec) -> ApprovalRec:
        return replace(a, subject=f(a.subject), reviewer=f(a.reviewer), path=f(a.path))

    def deployment(d: DeploymentRec) -> DeploymentRec:
        return replace(d, path=f(d.path), subject=o(d.subject))

    def event(e: StageEventRec) -> StageEventRec:
        return replace(e, project=f(e.project), completed_by=o(e.completed_by), signer=o(e.signer))

    def change(e: HistoryEventRec) -> HistoryEventRec:
        return replace(e, subject=f(e.subject), path=f(e.path), signer=o(e.signer))

    def finding(x: FindingRec) -> FindingRec:
        return replace(
            x,
            path=f(x.path) if x.path else "",
            subject=f(x.subject) if x.subject else "",
            document=f(x.document) if x.document else "",
            actors=tuple(map(f, x.actors)),
        )

    def signoff(x: SignoffRec) -> SignoffRec:
        return replace(
            x,
            subject=f(x.subject),
            filled={role: f(who) for role, who in x.filled.items()},
            needed=tuple(replace(n, people=tuple(map(f, n.people))) for n in x.needed),
        )

    return replace(
        data,
        people=tuple(replace(p, id=f(p.id)) for p in data.people),
        initiatives=tuple(
            replace(i, id=f(i.id), owner=f(i.owner), sponsors=tuple(map(f, i.sponsors)))
            for i in data.initiatives
        ),
        workflows=tuple(replace(w, id=f(w.id)) for w in data.workflows),
        projects=tuple(map(project, data.projects)),
        models=tuple(map(model, data.models)),
        versions=tuple(map(version, data.versions)),
        approvals=tuple(map(approval, data.approvals)),
        deployments=tuple(map(deployment, data.deployments)),
        stage_events=tuple(map(event, data.stage_events)),
        history_events=tuple(map(change, data.history_events)),
        findings=tuple(map(finding, data.findings)),
        signoffs=tuple(map(signoff, data.signoffs)),
        problems=replace(
            data.problems,
            overdue=tuple(
                replace(x, subject=f(x.subject) if x.subject else "", path=f(x.path))
                for x in data.problems.overdue
            ),
        ),
    )
