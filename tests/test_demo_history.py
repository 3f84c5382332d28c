"""`gac demo` builds its history as it happened: `--at` any month gives a coherent portfolio.

The expectations below are written by hand from the example portfolio's own dates
(example-portfolio/), not computed by the code under test:

- A version goes live about ten days before its first monitoring figure, and not before its
  project's deployment stage completed; a production version replaces its predecessor the day
  after the predecessor's last figure.
- A validation counts from its `lastValidated` date; before it the version's `created` counts.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from govern_as_code.cli.main import cli
from govern_as_code.commands.assess import LintRequest, assess
from govern_as_code.commands.demo import BLOCKED_ON_PURPOSE, DemoResult, run_demo
from govern_as_code.resources import data_dir

DEMO_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})")
BLOCKED = "txn-anomaly-ae@2"  # blocked on purpose, on every date: no business review
EVERY_LIVE_MODEL = {
    "churn-xgb@3",  # deployment stage completed 2026-01-20, first PSI 2026-02-01
    "claims-severity-lgbm@2",  # deployment stage 2026-02-10, first figure 2026-03-01
    "finbert-complaints@2",  # deployment stage 2026-03-25
    "txn-anomaly-ae@2",  # first figure 2026-03-01
}

# date -> what a risk officer must see then.
EXPECTED: dict[str, dict[str, Any]] = {
    "2026-03-31": {
        "production": EVERY_LIVE_MODEL
        | {
            "atm-cash-demand@2",  # @3 is only created on 2026-04-20
            "card-fraud-gbm@11",  # @12 (created 2026-03-02) is first monitored on 2026-05-01
        },
        "staging": set(),
        "stages": {"churn-prediction": "monitoring", "next-best-offer": "development"},
        # card-fraud-gbm@11: created 2025-11-03, revalidated every 90 days, never validated.
        "overdue": {"card-fraud-gbm@11": 58},
        "churn-xgb@3 drift points": 2,
    },
    "2026-06-30": {
        "production": EVERY_LIVE_MODEL
        | {
            "atm-cash-demand@3",  # first figure 2026-05-01
            "card-fraud-gbm@12",  # replaced @11 after @11's last figure (2026-05-01)
            "collections-cure-gbm@2",  # deployment stage 2026-05-06
        },
        "staging": {"card-fraud-gbm@13"},  # a challenger from 2026-05-22
        "stages": {
            "churn-prediction": "monitoring",
            "next-best-offer": "development",
            "claims-fraud-triage": "validation",  # development completed 2026-04-17
        },
        # card-fraud-gbm@12 created 2026-03-02 (+90: 2026-05-31); churn-xgb@3 created
        # 2025-11-27 (+180: 2026-05-26) and only revalidated on 2026-07-15.
        "overdue": {"card-fraud-gbm@12": 30, "churn-xgb@3": 35},
        "churn-xgb@3 drift points": 5,
    },
    "2026-09-30": {
        "production": EVERY_LIVE_MODEL
        | {"atm-cash-demand@3", "card-fraud-gbm@12", "collections-cure-gbm@2"},
        "staging": {"card-fraud-gbm@13", "claims-fraud-xgb@2", "nbo-ranker@2"},
        "stages": {
            "churn-prediction": "monitoring",
            "next-best-offer": "validation",  # development completed 2026-08-28
        },
        # collections-cure-gbm@2: created 2026-02-13 (+180: 2026-08-12), validated 2026-10-02.
        # card-fraud-gbm@12 was validated that very day (2026-09-30).
        "overdue": {"collections-cure-gbm@2": 49},
        "churn-xgb@3 drift points": 8,  # the last, 2026-09-01, PSI 0.17: under the 0.2 limit
    },
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("demo") / "d", now=DEMO_NOW)


def _export(root: Path, at: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["export", "--repo", str(root), "--at", at])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def _current_stage(project: dict[str, Any]) -> str:
    return next(s["id"] for s in project["stages"] if s["status"] != "complete")


def _dates(value: Any, skip: frozenset[str] = frozenset({"generated_at"})) -> list[str]:
    if isinstance(value, dict):
        return [d for k, v in value.items() if k not in skip for d in _dates(v)]
    if isinstance(value, list):
        return [d for v in value for d in _dates(v)]
    return ISO_DATE.findall(value) if isinstance(value, str) else []


@pytest.mark.parametrize("day", sorted(EXPECTED))
def test_the_past_is_coherent(demo: DemoResult, day: str) -> None:
    expected = EXPECTED[day]
    data = _export(demo.repo, day)
    assert data["historical"] is True and data["as_of"] == f"{day}T23:59:59Z"
    by_env: dict[str, set[str]] = {}
    for d in data["deployments"]:
        by_env.setdefault(d["environment"], set()).add(d["subject"])
    assert by_env.get("production", set()) == expected["production"]
    assert by_env.get("staging", set()) == expected["staging"]
    # "N versions in production" and the deployments page agree.
    in_production = {v["id"] for v in data["versions"] if v["status"] == "production"}
    assert in_production == expected["production"]
    gates = {
        d["subject"]: d["gate"] for d in data["deployments"] if d["environment"] == "production"
    }
    assert {s for s, g in gates.items() if g != "passed"} == {BLOCKED}
    projects = {p["id"]: p for p in data["projects"]}
    for project, stage in expected["stages"].items():
        assert _current_stage(projects[project]) == stage, project
    overdue = {
        o["subject"]: int(re.search(r"is (\d+) days? overdue", o["message"]).group(1))  # type: ignore[union-attr]
        for o in data["problems"]["overdue"]
    }
    assert overdue == expected["overdue"]
    churn = next(v for v in data["versions"] if v["id"] == "churn-xgb@3")
    assert len(churn["drift"]) == expected["churn-xgb@3 drift points"]
    later = sorted({d for d in _dates(data) if d > day})
    assert later == [], f"dated after {day}: {later}"


@pytest.mark.parametrize("day", sorted(EXPECTED))
def test_the_lint_then_is_what_was_wrong_then(demo: DemoResult, day: str) -> None:
    report = assess(LintRequest(demo.repo, at=day)).report
    found = sorted((p.rule, p.subject) for p in report.problems)
    assert found == sorted(
        [("production-requires-approvals", BLOCKED)]
        + [("revalidation-due", s) for s in EXPECTED[day]["overdue"]]
    )
    assert [g.subject for g in report.gates if not g.passed] == [BLOCKED]


def test_today_the_demo_is_what_it_always_was(demo: DemoResult) -> None:
    report = demo.assessment.report
    assert (report.summary.errors, report.summary.warnings) == (2, 2)
    assert sorted(p.rule for p in report.problems) == [
        "drift-threshold",
        "drift-threshold",
        "production-requires-approvals",
        "revalidation-due",
    ]
    assert [(g.subject, "business-review") for g in report.gates if not g.passed] == [
        BLOCKED_ON_PURPOSE
    ]
    assert not any(p.rule == "dates-not-after-commit" for p in report.problems)


def _tracked(root: Path) -> set[str]:
    from govern_as_code.git import Repository

    repo = Repository.discover(root)
    assert repo is not None and not repo.dirty_paths()
    return set(repo.worktree_files())


def test_the_head_is_the_example_portfolio_plus_keys_and_approvals(demo: DemoResult) -> None:
    example = data_dir("example-portfolio")
    files = {str(p.relative_to(example)) for p in example.rglob("*") if p.is_file()}
    assert _tracked(demo.repo) == files | set(demo.approvals)
    for path in sorted(files):
        text = (demo.repo / path).read_text("utf-8")
        original = (example / path).read_text("utf-8")
        if path.startswith("people/"):
            # The only change: the person's demo key, registered in the first commit.
            text = re.sub(
                r"  keys:\n    - type: ssh\n.*?validAfter: 2025-01-01\n",
                "  keys: []\n",
                text,
                flags=re.DOTALL,
            )
        assert text == original, path
    # Today's production versions are approved as before; the versions they replaced
    # (atm-cash-demand@2, card-fraud-gbm@11) were approved before they went live.
    subjects = {p.split("/")[1] + "@" + p.split("/")[2] for p in demo.approvals}
    assert subjects == {
        "atm-cash-demand@2",
        "atm-cash-demand@3",
        "card-fraud-gbm@11",
        "card-fraud-gbm@12",
        "churn-xgb@3",
        "claims-severity-lgbm@2",
        "collections-cure-gbm@2",
        "finbert-complaints@2",
        "txn-anomaly-ae@2",
    }


def test_a_stage_is_completed_by_whoever_the_project_names(demo: DemoResult) -> None:
    from subprocess import run

    log = run(
        ["git", "-C", str(demo.repo), "log", "--format=%an|%ad|%s", "--date=iso-strict"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(
        x for x in log.splitlines() if x.endswith("|Complete deployment of churn-prediction")
    )
    who, when, _ = line.split("|")
    assert who == "Li Wei" and when.startswith("2026-01-20T")
