"""`gac report --at` and `gac export` against real signed history: the portfolio as it stood."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from govern_as_code.cli.main import cli
from govern_as_code.commands.demo import run_demo


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demo repository, then a later commit that takes atm-cash-demand out of production."""
    result = run_demo(
        tmp_path_factory.mktemp("demo") / "d", now=datetime(2026, 11, 26, 12, tzinfo=UTC)
    )
    root = result.repo
    before = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    env = {
        "GIT_AUTHOR_DATE": "2026-11-27T10:00:00Z",
        "GIT_COMMITTER_DATE": "2026-11-27T10:00:00Z",
        "PATH": "/usr/bin:/bin",
    }
    subprocess.run(
        ["git", "-C", str(root), "rm", "-q", "deployments/production/atm-cash-demand.yaml"],
        check=True,
    )
    subprocess.run(
        ["git", "-C", str(root), "commit", "-q", "-m", "Retire the ATM model"], check=True, env=env
    )
    return root, before


def _export(root: Path, *extra: str) -> dict[str, object]:
    result = CliRunner().invoke(cli, ["export", "--repo", str(root), *extra])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert isinstance(data, dict)
    return data


def _production(data: dict[str, object]) -> set[str]:
    deployments = data["deployments"]
    assert isinstance(deployments, list)
    return {d["subject"] for d in deployments if d["environment"] == "production"}


def test_export_at_a_past_revision_shows_what_was_in_production(history: tuple[Path, str]) -> None:
    root, before = history
    now = _export(root)
    then = _export(root, "--at", before)
    assert "atm-cash-demand@3" not in _production(now)
    assert "atm-cash-demand@3" in _production(then)
    assert then["revision"] == before


def test_export_at_a_past_date_names_who_approved(history: tuple[Path, str]) -> None:
    root, _ = history
    then = _export(root, "--at", "2026-11-26")
    approvals = then["approvals"]
    assert isinstance(approvals, list)
    atm = {
        (a["role"], a["reviewer"], a["state"], a["method"])
        for a in approvals
        if a["subject"] == "atm-cash-demand@3"
    }
    roles = {
        role for role, _, state, method in atm if state == "current" and method == "signed commit"
    }
    assert roles == {"technical-review", "final-approval"}  # atm-cash-demand is low risk
    gates = {d["subject"]: d["gate"] for d in then["deployments"]}  # type: ignore[union-attr]
    assert gates["atm-cash-demand@3"] == "passed"
    assert gates["txn-anomaly-ae@2"] == "blocked"


def test_report_at_a_past_revision_leaves_the_working_tree_alone(
    history: tuple[Path, str], tmp_path: Path
) -> None:
    root, before = history
    status = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = CliRunner().invoke(
        cli, ["report", "--repo", str(root), "--out", str(tmp_path / "then"), "--at", before]
    )
    assert result.exit_code == 0, result.output
    assert "atm-cash-demand@3" in (tmp_path / "then" / "deployments.html").read_text("utf-8")
    result = CliRunner().invoke(
        cli, ["report", "--repo", str(root), "--out", str(tmp_path / "now")]
    )
    assert result.exit_code == 0, result.output
    assert "atm-cash-demand@3" not in (tmp_path / "now" / "deployments.html").read_text("utf-8")
    assert not (root / "deployments/production/atm-cash-demand.yaml").exists()
    after = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert after == status


def test_report_at_a_date_before_history_is_exit_2(
    history: tuple[Path, str], tmp_path: Path
) -> None:
    root, _ = history
    result = CliRunner().invoke(
        cli, ["report", "--repo", str(root), "--out", str(tmp_path / "x"), "--at", "1999-01-01"]
    )
    assert result.exit_code == 2
    assert "no commit on or before 1999-01-01" in result.output
