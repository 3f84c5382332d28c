"""Findings: every lint problem and gate result, with who can act on it and every page it
belongs on.

A finding is built once, when the report's records are collected, from a `Problem` or a
blocked `GateResult`: it keeps the problem's level, rule, message and hint, names the document
its file holds, and lists the people who can act (for a missing role, the people eligible to
give it; for drift or an overdue revalidation, the model's owner, else the project's). Which
pages show it is decided from the report's records alone (`attach`), so an aggregated report
attaches findings exactly like the report of one repo.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from govern_as_code.problems import GateResult, Level, Problem
from govern_as_code.report.data import FindingRec, ReportData, SignoffRec

GATE_RULE: Final = "production-requires-approvals"
PORTFOLIO: Final = "portfolio"
_OWNER_DOES: Final = {
    "drift-threshold": "investigate the drift; retrain, recalibrate or roll back",
    "revalidation-due": "revalidate the version, or retire it",
}
_WAIVED: Final = re.compile(r"\(waived until \S+ by Waiver/([^)\s]+)\)$")


def ref(kind: str, ident: str = "") -> str:
    """The key a page's findings are filed under: `version:churn-xgb@3`, `portfolio`."""
    return f"{kind}:{ident}" if ident else kind


@dataclass(frozen=True)
class Owners:
    """Who owns what, read from the report's records: enough to name who can act."""

    model_owner: Mapping[str, str]  # model id -> owner (or its project's owner)
    project_owner: Mapping[str, str]
    initiative_owner: Mapping[str, str]
    version_model: Mapping[str, str]
    approval_reviewer: Mapping[str, str]  # approval path -> reviewer
    deployment_subject: Mapping[str, str]  # manifest path -> model version

    @classmethod
    def of(cls, data: ReportData) -> Owners:
        projects = {p.id: p.owner for p in data.projects}
        return cls(
            model_owner={m.id: m.owner or projects.get(m.project, "") for m in data.models},
            project_owner=projects,
            initiative_owner={i.id: i.owner for i in data.initiatives},
            version_model={v.id: v.model for v in data.versions},
            approval_reviewer={a.path: a.reviewer for a in data.approvals if a.path},
            deployment_subject={d.path: d.subject for d in data.deployments if d.subject},
        )


def build_findings(
    data: ReportData,
    problems: Iterable[Problem],
    gates: Iterable[GateResult],
    documents: Mapping[str, tuple[str, str]],
) -> tuple[FindingRec, ...]:
    """The findings of `problems` and of blocked `gates`, a gate reason already among the
    problems counted once. `documents` maps a file's path to the (kind, id) it holds."""
    owners = Owners.of(data)
    signoffs = {s.subject: s for s in data.signoffs}
    deployments = {d.path for d in data.deployments}
    findings: list[FindingRec] = []
    seen: set[tuple[str, str]] = set()
    for problem in problems:
        if problem.level is Level.OFF:
            continue
        kind, document = documents.get(problem.path, ("", ""))
        if not kind and problem.path in deployments:
            kind, document = "Deployment", problem.path  # a foreign manifest holds no document
        if kind == "Deployment":
            document = problem.path
        actors, act = _who_acts(problem, kind, document, owners, signoffs)
        waived = _WAIVED.search(problem.message)
        findings.append(
            FindingRec(
                level=str(problem.level or Level.ERROR),
                rule=problem.rule,
                message=problem.message,
                hint=problem.hint,
                path=problem.path,
                line=problem.line,
                subject=problem.subject,
                kind=kind,
                document=document,
                actors=actors,
                act=act,
                waiver=waived.group(1) if waived else "",
            )
        )
        if problem.rule == GATE_RULE:
            seen.add((problem.path, problem.message))
    for gate in gates:
        if gate.passed:
            continue
        for reason in gate.reasons:
            if any(path == gate.deployment and message.endswith(reason) for path, message in seen):
                continue
            message = f"{gate.subject} cannot go to {gate.environment}: {reason}"
            about = Problem(gate.deployment, rule=GATE_RULE, message=message, subject=gate.subject)
            actors, act = _who_acts(about, "Deployment", gate.deployment, owners, signoffs)
            findings.append(
                FindingRec(
                    level="error",
                    rule=GATE_RULE,
                    message=message,
                    hint=f"run `gac request-review {gate.subject}`",
                    path=gate.deployment,
                    subject=gate.subject,
                    kind="Deployment",
                    document=gate.deployment,
                    actors=actors,
                    act=act,
                    source="gate",
                )
            )
    return tuple(findings)


def _who_acts(
    problem: Problem,
    kind: str,
    document: str,
    owners: Owners,
    signoffs: Mapping[str, SignoffRec],
) -> tuple[tuple[str, ...], str]:
    """The people who can act on a finding, and what they would do, in words."""
    rule, message, subject = problem.rule, problem.message, problem.subject
    if rule == GATE_RULE and subject in signoffs:
        needed = signoffs[subject].needed
        named = [n for n in needed if n.role in message] or list(needed)
        people = tuple(dict.fromkeys(p for n in named for p in n.people))
        if named:
            roles = " or ".join(n.role for n in named)
            if people:
                return people, f"eligible to give the missing {roles}"
            return (), f"nobody can give the missing {roles} now: {_excluded(named)}"
    version = subject if subject in owners.version_model else ""
    if kind == "ModelVersion":
        version = document
    elif kind == "Deployment":
        version = owners.deployment_subject.get(document, version)
    model = owners.version_model.get(version, document if kind == "Model" else "")
    if kind == "Approval":
        reviewer = owners.approval_reviewer.get(problem.path, "")
        if reviewer:
            return (reviewer,), "the reviewer of this approval"
    if kind == "Person":
        return (document,), "the person this document describes"
    if kind == "Project":
        owner = owners.project_owner.get(document, "")
        return ((owner,), "the project's owner") if owner else ((), "")
    if kind == "Initiative":
        owner = owners.initiative_owner.get(document, "")
        return ((owner,), "the initiative's owner") if owner else ((), "")
    if model:
        owner = owners.model_owner.get(model, "")
        if owner:
            return (owner,), f"the model's owner: {_OWNER_DOES.get(rule, 'fix it')}"
    return (), ""


def _excluded(needed: Sequence[object]) -> str:
    notes = [e for n in needed for e in getattr(n, "excluded", ())]
    return "; ".join(notes) if notes else "nobody holds the role"


@dataclass(frozen=True)
class Attached:
    """The findings filed under each page's key (`ref`), each list in report order."""

    by_ref: Mapping[str, tuple[FindingRec, ...]]

    def of(self, key: str) -> tuple[FindingRec, ...]:
        """The findings of one page (none when nothing concerns it)."""
        return self.by_ref.get(key, ())


def attach(data: ReportData) -> Attached:
    """File every finding under every document it concerns: a version's finding also under its
    model, project, initiative and the portfolio; a gate result under its deployment and
    version; a finding naming people under each of them."""
    versions = {v.id: v.model for v in data.versions}
    models = {m.id: m.project for m in data.models}
    projects = {p.id: p.initiative for p in data.projects}
    approval_subject = {a.path: a.subject for a in data.approvals if a.path}
    deployment_subject = {d.path: d.subject for d in data.deployments if d.subject}
    people = {p.id for p in data.people}
    filed: dict[str, list[FindingRec]] = defaultdict(list)
    for finding in data.findings:
        keys: list[str] = [PORTFOLIO]
        kind, document = finding.kind, finding.document
        version = ""
        model = ""
        project = ""
        initiative = ""
        if kind == "ModelVersion":
            version = document
        elif kind == "Approval":
            version = approval_subject.get(finding.path, "")
        elif kind == "Deployment":
            keys.append(ref("deployment", document))
            version = deployment_subject.get(document, "")
        elif kind == "Model":
            model = document
        elif kind == "Project":
            project = document
        elif kind == "Initiative":
            initiative = document
        elif kind == "Person":
            keys.append(ref("person", document))
        if not version and finding.subject in versions:
            version = finding.subject
        if version in versions:
            keys.append(ref("version", version))
            model = versions[version]
        if model in models:
            keys.append(ref("model", model))
            project = models[model]
        if project in projects:
            keys.append(ref("project", project))
            initiative = projects[project] or ""
        if initiative:
            keys.append(ref("initiative", initiative))
        keys.extend(ref("person", p) for p in finding.actors if p in people)
        for key in dict.fromkeys(keys):
            filed[key].append(finding)
    return Attached({k: tuple(v) for k, v in filed.items()})
