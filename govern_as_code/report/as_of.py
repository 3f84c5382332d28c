"""A past state of the report: nothing dated after the as-of moment is shown.

`gac report --at` reads the documents as they stood in a past commit, but a document can hold
dates later than that commit (a back-dated commit, a date typed wrongly, a clock that was off).
A risk officer reading "as of June" must not see July's drift figure or a comment from October,
so the records are filtered here, once, and every page and the export agree.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from govern_as_code.report.data import (
    ProjectRec,
    ReportData,
    StageRec,
    VersionRec,
)


def _after(moment: datetime | date | None, cutoff: datetime) -> bool:
    if moment is None:
        return False
    if isinstance(moment, datetime):
        when = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return when > cutoff
    return moment > cutoff.date()


def as_of(data: ReportData) -> ReportData:
    """`data` without anything dated after `data.as_of`; unchanged unless it is historical."""
    cutoff = data.as_of
    if cutoff is None or not data.historical:
        return data
    if cutoff.tzinfo is None:
        cutoff = cutoff.replace(tzinfo=UTC)
    return replace(
        data,
        projects=tuple(_project(p, cutoff) for p in data.projects),
        versions=tuple(_version(v, cutoff) for v in data.versions),
        approvals=tuple(
            a
            for a in data.approvals
            if not _after(a.date, cutoff) and not _after(a.commit_time, cutoff)
        ),
        stage_events=tuple(e for e in data.stage_events if not _after(e.completed_on, cutoff)),
        history_events=tuple(e for e in data.history_events if not _after(e.time, cutoff)),
        # History is read from the as-of commit, so these are already earlier unless a clock
        # was wrong; a date the reader did not ask for is still not shown.
        deployments=tuple(
            replace(d, since=None) if _after(d.since, cutoff) else d for d in data.deployments
        ),
        signoffs=tuple(
            replace(s, deployed_since=None) if _after(s.deployed_since, cutoff) else s
            for s in data.signoffs
        ),
    )


def _project(project: ProjectRec, cutoff: datetime) -> ProjectRec:
    q = project.qualification
    return replace(
        project,
        qualification=None if q is not None and _after(q.assessed_on, cutoff) else q,
        stages=tuple(_stage(s, cutoff) for s in project.stages),
    )


def _stage(stage: StageRec, cutoff: datetime) -> StageRec:
    comments = tuple(c for c in stage.comments if not _after(c.on, cutoff))
    if stage.status == "complete" and _after(stage.completed_on, cutoff):
        # Completed later: as of the cutoff the stage was still being worked on.
        return replace(
            stage, status="in-progress", completed_by=None, completed_on=None, comments=comments
        )
    return replace(stage, comments=comments)


def _version(version: VersionRec, cutoff: datetime) -> VersionRec:
    return replace(
        version,
        last_validated=None if _after(version.last_validated, cutoff) else version.last_validated,
        drift=tuple(d for d in version.drift if not _after(d.date, cutoff)),
    )
