"""dates-not-after-commit in a real repository: each document against the commit of its content."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from repo_helpers import H, commit_all, git, write

from govern_as_code.commands.assess import LintRequest, assess

RULE = "dates-not-after-commit"
GOVERNANCE = H + "kind: Portfolio\nmetadata:\n  id: acme\nspec: {}\n"


def _project(comment_on: str) -> str:
    return (
        H + "kind: Project\nmetadata:\n  id: churn\nspec:\n  owner: ana\n  stages:\n"
        "    - id: ideation\n      status: in-progress\n      comments:\n"
        f'        - {{by: ana, "on": {comment_on}, text: A first look.}}\n'
    )


def _warnings(root: Path, **kwargs: object) -> list[tuple[str, int, str]]:
    report = assess(LintRequest(root, today=date(2026, 11, 26), **kwargs)).report  # type: ignore[arg-type]
    return [(p.path, p.line, p.message) for p in report.problems if p.rule == RULE]


def _repo(tmp_path: Path, comment_on: str) -> Path:
    root = tmp_path / "portfolio"
    write(root, {"governance.yaml": GOVERNANCE, "projects/churn.yaml": _project(comment_on)})
    git(root, "init", "-q", "-b", "main")
    commit_all(root)  # committed 2026-01-01 12:00 UTC (repo_helpers)
    return root


def test_a_date_after_its_commit_is_reported_at_its_line(tmp_path: Path) -> None:
    root = _repo(tmp_path, "2026-03-05T09:00:00Z")
    (found,) = _warnings(root)
    path, line, message = found
    assert (path, line) == ("projects/churn.yaml", 11)
    assert "spec.stages.0.comments.0.on is 2026-03-05 09:00 UTC" in message
    assert "the commit that introduced its content, made 2026-01-01 12:00 UTC" in message


def test_a_date_before_its_commit_passes(tmp_path: Path) -> None:
    assert _warnings(_repo(tmp_path, "2025-12-31T09:00:00Z")) == []


def test_an_uncommitted_edit_is_compared_with_today(tmp_path: Path) -> None:
    root = _repo(tmp_path, "2025-12-31T09:00:00Z")
    # Later than the commit, but not than today (2026-11-26): the edit is not committed yet.
    write(root, {"projects/churn.yaml": _project("2026-11-20T09:00:00Z")})
    assert _warnings(root) == []
    write(root, {"projects/churn.yaml": _project("2026-12-20T09:00:00Z")})
    (found,) = _warnings(root)
    assert "later than today (2026-11-26), and the file is not committed" in found[2]


def test_at_a_past_revision_the_commit_of_that_revision_counts(tmp_path: Path) -> None:
    root = _repo(tmp_path, "2026-03-05T09:00:00Z")
    (found,) = _warnings(root, at="HEAD")
    assert "made 2026-01-01 12:00 UTC" in found[2]
