"""`PortfolioStatus.as_of`: a past state (`--at`) says when the revision it shows was committed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from click.testing import CliRunner
from repo_helpers import H, commit_all, git, write

from govern_as_code.cli.main import cli
from govern_as_code.commands.assess import LintRequest, assess

FILES = {
    "governance.yaml": H + "kind: Portfolio\nmetadata:\n  id: acme\nspec: {}\n",
    "people/alice.yaml": H + "kind: Person\nmetadata:\n  id: alice\nspec:\n  name: Alice\n"
    "  email: alice@example.com\n  department: risk\n",
}


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "portfolio"
    write(root, FILES)
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "portfolio")  # repo_helpers pins the commit time to 2026-01-01 12:00 UTC
    return root


def test_at_sets_as_of_to_the_commit_time(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    status = assess(LintRequest(root, at="HEAD")).status
    assert status.as_of == datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert status.revision == git(root, "rev-parse", "HEAD").strip()


def test_without_at_there_is_no_as_of(tmp_path: Path) -> None:
    assert assess(LintRequest(_repo(tmp_path))).status.as_of is None


def test_at_a_date_sets_as_of_to_that_date(tmp_path: Path) -> None:
    # The last commit on or before the date is shown, as it stood at the end of that day.
    status = assess(LintRequest(_repo(tmp_path), at="2026-06-30")).status
    assert status.as_of == datetime(2026, 6, 30, 23, 59, 59, tzinfo=UTC)


def test_report_at_a_date_shows_the_date_and_the_commit(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    site = tmp_path / "site"
    result = CliRunner().invoke(
        cli, ["report", "--repo", str(root), "--out", str(site), "--at", "2026-06-30"]
    )
    assert result.exit_code == 0, result.output
    head = git(root, "rev-parse", "HEAD").strip()
    html = (site / "index.html").read_text("utf-8")
    assert f'As of <span class="mono">{head}</span> · 2026-06-30 23:59 UTC' in html
    assert f"as of 2026-06-30 (commit {head[:10]})" in html


def test_rules_are_judged_on_the_as_of_day(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    # A revision: the day it was committed; a date: that day; neither: the day asked for.
    assert assess(LintRequest(root, at="HEAD")).context.today == date(2026, 1, 1)
    assert assess(LintRequest(root, at="2026-06-30")).context.today == date(2026, 6, 30)
    today = date(2026, 11, 26)
    assert assess(LintRequest(root, today=today)).context.today == today
