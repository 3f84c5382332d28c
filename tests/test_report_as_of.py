"""A historical report (`--at`) hides what is dated after its as-of moment; exports keep it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from govern_as_code.report.aggregate import merge
from govern_as_code.report.as_of import as_of
from govern_as_code.report.data import (
    ApprovalRec,
    CommentRec,
    DriftRec,
    ProjectRec,
    ReportData,
    StageEventRec,
    StageRec,
    VersionRec,
)
from govern_as_code.report.export import from_dict, to_dict
from govern_as_code.report.site import write_site

CUTOFF = datetime(2026, 6, 30, 23, 59, 59, tzinfo=UTC)
BEFORE = datetime(2026, 6, 1, tzinfo=UTC)
AFTER = datetime(2026, 7, 1, tzinfo=UTC)


def _data(historical: bool = True) -> ReportData:
    stages = (
        StageRec("build", "Build", "complete", "ana", BEFORE, (CommentRec("ana", BEFORE, "ok"),)),
        StageRec("ship", "Ship", "complete", "bo", AFTER, (CommentRec("bo", AFTER, "later"),)),
    )
    version = VersionRec(
        "m@1",
        "m",
        "1",
        BEFORE,
        "ana",
        "production",
        last_validated=date(2026, 7, 15),
        drift=(DriftRec(date(2026, 6, 1), {"psi": 0.1}), DriftRec(date(2026, 7, 1), {"psi": 0.3})),
    )
    approvals = tuple(
        ApprovalRec("m@1", role, "ana", "approved", when, "current", "signed commit")
        for role, when in (("risk-review", BEFORE), ("final-approval", AFTER))
    )
    return ReportData(
        name="acme",
        revision="abc123",
        as_of=CUTOFF,
        projects=(ProjectRec("p", "P", "ana", stages=stages),),
        versions=(version,),
        approvals=approvals,
        stage_events=(
            StageEventRec("p", "build", "ana", BEFORE),
            StageEventRec("p", "ship", "bo", AFTER),
        ),
        generated_at=datetime(2026, 12, 1, tzinfo=UTC),
        historical=historical,
    )


def test_nothing_after_the_as_of_moment_is_left() -> None:
    data = as_of(_data())
    build, ship = data.projects[0].stages
    assert build.status == "complete" and [c.text for c in build.comments] == ["ok"]
    # Completed after the cutoff: as of then it was still open, with nobody's name on it.
    assert (ship.status, ship.completed_by, ship.completed_on, ship.comments) == (
        "in-progress",
        None,
        None,
        (),
    )
    version = data.versions[0]
    assert [d.date for d in version.drift] == [date(2026, 6, 1)]
    assert version.last_validated is None
    assert [a.role for a in data.approvals] == ["risk-review"]
    assert [e.stage for e in data.stage_events] == ["build"]


def test_a_current_report_is_not_filtered() -> None:
    data = _data(historical=False)
    assert as_of(data) == data


def test_banner_fields_round_trip_through_the_export() -> None:
    data = as_of(_data())
    back = from_dict(to_dict(data), "test")
    assert back == data
    assert back.historical and back.generated_at == datetime(2026, 12, 1, tzinfo=UTC)


def test_a_merge_keeps_each_parts_revision() -> None:
    one = _data(historical=False)
    two = replace(one, name="other", revision="def456", historical=True)
    merged = merge([one, two])
    assert merged.source_revisions == ("abc123", "def456")
    assert merged.sources == ("acme", "other") and merged.historical
    assert from_dict(to_dict(merged), "test") == merged


def test_the_banner_names_each_merged_exports_commit(tmp_path: Path) -> None:
    one = _data(historical=False)
    two = replace(one, name="other", revision="def456")
    html = (write_site(merge([one, two]), tmp_path / "site")).read_text("utf-8")
    assert (
        "Generated 2026-12-01 00:00 UTC, merged from 2 exports:"
        " acme (commit abc123), other (commit def456)." in html
    )


def test_the_banner_of_a_past_state(tmp_path: Path) -> None:
    html = write_site(as_of(_data()), tmp_path / "site").read_text("utf-8")
    assert "<strong>Historical view:</strong> as of 2026-06-30 (commit abc123)." in html
