"""Stage evidence and governance changes read from the demo's real signed history, edited
further with real ssh signatures: who set each completion, and what each commit changed."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from govern_as_code.commands.assess import Assessment, LintRequest, assess
from govern_as_code.commands.demo import DemoResult, run_demo
from govern_as_code.evidence.commit_links import commit_url
from govern_as_code.report.aggregate import merge
from govern_as_code.report.collect import collect
from govern_as_code.report.export import from_dict, to_dict
from govern_as_code.results import StageEvent

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PROJECT = "projects/customer-lifetime-value/project.yaml"


@pytest.fixture
def demo(tmp_path: Path) -> DemoResult:
    return run_demo(tmp_path / "demo", now=NOW)


def _commit(demo: DemoResult, person: str | None, message: str) -> str:
    """Commit everything, signed with `person`'s demo key (unsigned with None)."""
    signing = (
        [
            "-c",
            "gpg.format=ssh",
            "-c",
            f"user.signingkey={demo.keys / person}",
            "-c",
            "commit.gpgsign=true",
        ]
        if person
        else ["-c", "commit.gpgsign=false"]
    )
    who = person or "someone"
    subprocess.run(
        [
            "git",
            "-C",
            str(demo.repo),
            *signing,
            "-c",
            f"user.name={who}",
            "-c",
            f"user.email={who}@example.com",
            "commit",
            "-qam",
            message,
        ],
        check=True,
        capture_output=True,
    )
    return subprocess.run(
        ["git", "-C", str(demo.repo), "rev-parse", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def _edit(demo: DemoResult, path: str, old: str, new: str) -> None:
    file = demo.repo / path
    text = file.read_text("utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), "utf-8")


def _complete(demo: DemoResult, stage: str, was: str, by: str) -> None:
    _edit(
        demo,
        PROJECT,
        f"- id: {stage}\n      status: {was}\n",
        f"- id: {stage}\n      status: complete\n      completedBy: {by}\n"
        "      completedOn: 2026-11-19T10:00:00Z\n",
    )


def _assess(demo: DemoResult) -> Assessment:
    return assess(LintRequest(demo.repo, today=NOW.date(), report_history=True))


def _stage(assessment: Assessment, stage: str) -> StageEvent:
    return next(
        e
        for e in assessment.status.stage_events
        if e.project == "customer-lifetime-value" and e.stage == stage
    )


def test_completion_is_vouched_for_by_the_commit_that_set_it(demo: DemoResult) -> None:
    _complete(demo, "ideation", "in-progress", "priya-natarajan")
    setting = _commit(demo, "priya-natarajan", "Complete ideation")
    # A later edit of another field by someone else does not take the completion over.
    _edit(
        demo, PROJECT, "    - id: qualification\n", "    - id: qualification\n      comments: []\n"
    )
    _commit(demo, "amira-haddad", "Tidy")
    event = _stage(_assess(demo), "ideation")
    assert event.commit == setting
    assert event.verification == "verified"
    assert event.signer == "priya-natarajan"
    assert event.signer_fingerprint.startswith("SHA256:")


def test_either_yaml_reader_spells_a_completion_the_same(demo: DemoResult) -> None:
    _complete(demo, "ideation", "in-progress", "priya-natarajan")
    setting = _commit(demo, "priya-natarajan", "Complete ideation")
    # An asterisk sends this revision through the strict reader; the completion is unchanged.
    _edit(demo, PROJECT, "- id: qualification\n", "- id: qualification\n      # a * b\n")
    _commit(demo, "amira-haddad", "Note")
    event = _stage(_assess(demo), "ideation")
    assert event.commit == setting and event.verification == "verified"


def test_a_completion_signed_by_someone_else_says_so(demo: DemoResult) -> None:
    _complete(demo, "ideation", "in-progress", "priya-natarajan")
    _commit(demo, "priya-natarajan", "Complete ideation")
    # Rewriting who completed it is a new claim: the rewriting commit must vouch for it.
    _edit(demo, PROJECT, "completedBy: priya-natarajan", "completedBy: sofia-alvarez")
    rewrite = _commit(demo, "amira-haddad", "Say Sofia did it")
    event = _stage(_assess(demo), "ideation")
    assert event.commit == rewrite
    assert event.verification == "other signer"
    assert event.detail == "signed by amira-haddad, not by the completer"


def test_reopened_and_completed_again_counts_the_last_completion(demo: DemoResult) -> None:
    _complete(demo, "ideation", "in-progress", "priya-natarajan")
    _commit(demo, "priya-natarajan", "Complete ideation")
    _edit(
        demo,
        PROJECT,
        "status: complete\n      completedBy: priya-natarajan\n"
        "      completedOn: 2026-11-19T10:00:00Z\n",
        "status: in-progress\n",
    )
    _commit(demo, "priya-natarajan", "Reopen ideation")
    _complete(demo, "ideation", "in-progress", "priya-natarajan")
    again = _commit(demo, None, "Complete ideation again, unsigned")
    event = _stage(_assess(demo), "ideation")
    assert event.commit == again and event.verification == "unsigned"
    assert "is not signed" in event.detail


def test_governance_changes_come_from_history_with_their_signers(demo: DemoResult) -> None:
    version = "projects/churn-prediction/models/churn-xgb/versions/1.yaml"
    text = (demo.repo / version).read_text("utf-8")
    was = next(line for line in text.splitlines() if line.startswith("  status:"))
    _edit(demo, version, was, "  status: production")
    promoted = _commit(demo, "li-wei", "Promote churn-xgb@1")
    _edit(demo, version, "  status: production", "  status: retired")
    retired = _commit(demo, None, "Retire churn-xgb@1, unsigned")
    (demo.repo / "deployments/staging/nbo-ranker.yaml").unlink()
    subprocess.run(["git", "-C", str(demo.repo), "add", "-A"], check=True)
    removed = _commit(demo, "li-wei", "Take nbo-ranker out of staging")
    _edit(
        demo,
        "governance.yaml",
        "    production:\n      protected: true",
        "    production:\n      protected: false",
    )
    policy = _commit(demo, "li-wei", "Unprotect production")
    events = {e.commit: e for e in _assess(demo).status.history_events}
    assert events[promoted].kind == "promotion" and events[promoted].verification == "verified"
    assert events[promoted].what.startswith("churn-xgb@1 to production (was ")
    assert events[promoted].signer == "li-wei"
    assert events[retired].kind == "retirement" and events[retired].verification == "unsigned"
    assert events[removed].what == "nbo-ranker@2 removed from staging"
    assert events[policy].kind == "policy" and "environments" in events[policy].what
    times = [e.time for e in _assess(demo).status.history_events]
    assert times == sorted(times, reverse=True)


def test_stage_and_history_evidence_round_trip_and_aggregate(demo: DemoResult) -> None:
    assessment = _assess(demo)
    data = collect(assessment.portfolio, assessment.status)
    assert data.history_events and any(e.commit for e in data.stage_events)
    assert from_dict(to_dict(data), "export.json") == data
    merged = merge([data, data])
    assert len(merged.history_events) == 2 * len(data.history_events)
    assert all("/" in e.subject and "/" in e.path for e in merged.history_events)
    signers = {e.signer for e in merged.stage_events if e.signer}
    assert signers and all("/" in s for s in signers)


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        (
            "git@github.com:northwind/portfolio.git",
            "https://github.com/northwind/portfolio/commit/",
        ),
        ("https://user:token@github.com/o/r", "https://github.com/o/r/commit/"),
        (
            "ssh://git@gitlab.example.com/g/sub/r.git",
            "https://gitlab.example.com/g/sub/r/-/commit/",
        ),
        ("https://git.example.com/o/r", None),
        ("../local/clone", None),
        ("https://github.com/o/../r", None),
        (None, None),
    ],
)
def test_commit_links_only_for_known_forges(remote: str | None, expected: str | None) -> None:
    assert commit_url(remote) == expected
