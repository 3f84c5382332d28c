"""The health of a version, model, project or deployment: what a table's health column says.

Health is read from the findings filed under a page (`findings.attach`), the gate's state of
the deployments and the versions' sign-offs, so every table and page agrees with the findings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Final

from govern_as_code.report.data import DeploymentRec, ReportData
from govern_as_code.report.findings import Attached, ref

# In the order a reader should deal with them.
BLOCKED: Final = "blocked"
DRIFT: Final = "drift over threshold"
OVERDUE: Final = "revalidation overdue"
APPROVALS: Final = "approvals missing or stale"
WAIVER: Final = "waiver active"
ORDER: Final = (BLOCKED, DRIFT, OVERDUE, APPROVALS, WAIVER)
_RULES: Final = {"drift-threshold": DRIFT, "revalidation-due": OVERDUE}


class HealthIndex:
    """The health conditions of every version, model and project, computed once."""

    def __init__(self, data: ReportData, attached: Attached) -> None:
        self._version: dict[str, set[str]] = defaultdict(set)
        deployed: set[str] = set()
        for d in data.deployments:
            if d.subject and d.gate == "blocked":
                self._version[d.subject].add(BLOCKED)
            if d.subject and d.gate in ("passed", "blocked"):
                deployed.add(d.subject)
        live = {v.id for v in data.versions if v.status == "production"} | deployed
        for v in data.versions:
            for f in attached.of(ref("version", v.id)):
                if f.rule in _RULES:
                    self._version[v.id].add(_RULES[f.rule])
                if f.waiver:
                    self._version[v.id].add(WAIVER)
        for s in data.signoffs:
            if s.gated and s.needed:
                self._version[s.subject].add(APPROVALS)
        latest: dict[tuple[str, str, str], str] = {}
        for a in sorted(data.approvals, key=lambda a: a.date):
            if a.subject in live:
                latest[(a.subject, a.role, a.reviewer)] = (
                    a.state if a.decision == "approved" else ""
                )
        for (subject, _, _), state in latest.items():
            if state and state != "current":
                self._version[subject].add(APPROVALS)
        self._model: dict[str, set[str]] = defaultdict(set)
        self._project: dict[str, set[str]] = defaultdict(set)
        versions = {v.id: v.model for v in data.versions}
        projects = {m.id: m.project for m in data.models}
        for subject, conditions in self._version.items():
            model = versions.get(subject)
            if model is not None:
                self._model[model] |= conditions
        for m in data.models:
            for f in attached.of(ref("model", m.id)):
                if f.waiver:
                    self._model[m.id].add(WAIVER)
            self._project[projects[m.id]] |= self._model[m.id]
        for p in data.projects:
            if any(f.waiver for f in attached.of(ref("project", p.id))):
                self._project[p.id].add(WAIVER)

    def version(self, subject: str | None) -> tuple[str, ...]:
        """The conditions of one version, most urgent first (none: healthy)."""
        return _ordered(self._version.get(subject or "", ()))

    def model(self, model: str) -> tuple[str, ...]:
        """The conditions of any of the model's versions."""
        return _ordered(self._model.get(model, ()))

    def project(self, project: str) -> tuple[str, ...]:
        """The conditions of any of the project's models."""
        return _ordered(self._project.get(project, ()))

    def deployment(self, d: DeploymentRec) -> tuple[str, ...]:
        """The deployment's own gate, and the conditions of the version it deploys."""
        own = {BLOCKED} if d.gate == "blocked" else set()
        return _ordered(own | set(self.version(d.subject)))


def _ordered(conditions: Iterable[str]) -> tuple[str, ...]:
    found = set(conditions)
    return tuple(c for c in ORDER if c in found)
