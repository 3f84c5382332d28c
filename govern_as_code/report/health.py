"""A project's health in one word, for the board.

Kept in one function so the report's fuller health model can replace it in one place: it
reads only what the records already say about the project's versions.
"""

from __future__ import annotations

from typing import Final

from govern_as_code.report.data import ProjectRec
from govern_as_code.report.lookup import Badge, Lookup

# Worst first: a project shows the worst thing that is true of it.
HEALTH_BADGES: Final = {
    "blocked": Badge("✕", "blocked", "bad"),
    "overdue": Badge("!", "overdue", "bad"),
    "approvals missing": Badge("!", "approvals missing", "warn"),
    "healthy": Badge("✓", "healthy", "good"),
}


def project_health(lookup: Lookup, project: ProjectRec) -> str:
    """blocked, overdue, approvals missing or healthy: the worst state of its live versions."""
    versions = [
        v
        for m in lookup.models_by_project.get(project.id, [])
        for v in lookup.versions_by_model[m.id]
    ]
    ids = {v.id for v in versions}
    if any(d.gate == "blocked" for v in ids for d in lookup.deployments_by_subject.get(v, [])):
        return "blocked"
    if any(o.subject in ids for o in lookup.data.problems.overdue):
        return "overdue"
    if any(lookup.pending_reason(v) for v in versions):
        return "approvals missing"
    return "healthy"
