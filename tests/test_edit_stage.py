"""`gac stage`, `gac comment` and `gac qualify`: round-trip edits, atomic writes, --commit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from authoring_helpers import NOW, gac, init_portfolio, ok
from repo_helpers import git
from signing_helpers import make_ssh_key, raw_commit

from govern_as_code.commands.assess import LintRequest, assess
from govern_as_code.commands.authoring import files
from govern_as_code.documents.yaml_loader import load_text

PROJECT = "projects/churn/project.yaml"
# A hand-written project: comments, flow style, quoting and indented sequences to keep.
HAND_WRITTEN = """\
# yaml-language-server: $schema=../../schemas/project.schema.json
apiVersion: govern-as-code/v1
kind: Project
metadata:
  id: churn
  title: 'Churn: who leaves'   # single quotes on purpose
spec:
  workflow: standard
  owner: dan
  sponsors:
    - rita   # the sponsor
  stages:
    - id: ideation
      status: in-progress   # started in January
      comments:
        - {by: dan, on: "2026-01-10T09:00:00Z", text: "Kick-off"}
  governed: true
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = init_portfolio(tmp_path / "portfolio")
    (root / PROJECT).write_text(HAND_WRITTEN)
    git(root, "commit", "-q", "-am", "Hand-written project")
    return root


def spec(root: Path) -> dict[str, object]:
    value = load_text((root / PROJECT).read_text()).value["spec"]
    assert isinstance(value, dict)
    return value


def test_completing_a_stage_keeps_comments_order_and_quoting(repo: Path) -> None:
    out = ok(gac(repo, "stage", "churn", "ideation", "--complete", "-m", "Done", "--now", NOW))
    assert out == f"stage ideation completed: {PROJECT}\n"
    assert (repo / PROJECT).read_text() == HAND_WRITTEN.replace(
        "      status: in-progress   # started in January\n",
        "      status: complete      # started in January\n",  # the comment keeps its column
    ).replace(
        '        - {by: dan, on: "2026-01-10T09:00:00Z", text: "Kick-off"}\n',
        '        - {by: dan, on: "2026-01-10T09:00:00Z", text: "Kick-off"}\n'
        "        - by: dan\n"
        "          on: '2026-03-02T10:00:00Z'\n"
        "          text: Done\n"
        "      completedBy: dan\n"
        "      completedOn: '2026-03-02T10:00:00Z'\n",
    )


def test_a_stage_is_not_completed_before_the_stages_it_requires(repo: Path) -> None:
    result = gac(repo, "stage", "churn", "development", "--complete")
    assert result.exit_code == 2
    assert (
        "gac: error: stage 'development' of 'churn' requires qualification (not-started)"
        in result.output
    )
    assert "gac: fix: complete it first: gac stage churn qualification --complete" in result.output
    assert (repo / PROJECT).read_text() == HAND_WRITTEN


def test_start_adds_the_stage_in_workflow_order_and_reopen_clears_completion(repo: Path) -> None:
    ok(gac(repo, "stage", "churn", "ideation", "--complete", "--now", NOW))
    ok(gac(repo, "stage", "churn", "development", "--start", "--now", NOW))
    ok(gac(repo, "stage", "churn", "qualification", "--start", "--now", NOW))
    stages = spec(repo)["stages"]
    assert isinstance(stages, list)
    assert [(s["id"], s["status"]) for s in stages] == [
        ("ideation", "complete"),
        ("qualification", "in-progress"),
        ("development", "in-progress"),
    ]
    assert stages[1]["comments"] == [
        {"by": "dan", "on": "2026-03-02T10:00:00Z", "text": "Started."}
    ]
    ok(gac(repo, "stage", "churn", "ideation", "--reopen", "-m", "New data", "--now", NOW))
    first = spec(repo)["stages"][0]  # type: ignore[index]
    assert first["status"] == "in-progress" and "completedBy" not in first
    assert first["comments"][-1]["text"] == "New data"


def test_unknown_stage_suggests_the_closest(repo: Path) -> None:
    result = gac(repo, "stage", "churn", "qualifcation", "--start")
    assert result.exit_code == 2
    assert "workflow 'standard' has no stage 'qualifcation'" in result.output
    assert "did you mean qualification?" in result.output


def test_the_editor_must_be_a_person(repo: Path) -> None:
    git(repo, "config", "user.email", "stranger@elsewhere.example")
    result = gac(repo, "stage", "churn", "ideation", "--complete")
    assert result.exit_code == 2
    assert "no Person document has the email 'stranger@elsewhere.example'" in result.output


def test_comment_goes_to_the_first_open_stage(repo: Path) -> None:
    ok(gac(repo, "comment", "churn", "-m", "Data access granted", "--now", NOW))
    stages = spec(repo)["stages"]
    assert stages[0]["comments"][-1] == {  # type: ignore[index]
        "by": "dan",
        "on": "2026-03-02T10:00:00Z",
        "text": "Data access granted",
    }


def test_a_draft_qualification_does_not_count(repo: Path) -> None:
    ok(gac(repo, "stage", "churn", "ideation", "--complete", "--now", NOW))
    ok(
        gac(
            repo,
            "qualify",
            "churn",
            "--value",
            "4",
            "--risk",
            "2",
            "--feasibility",
            "3",
            "--draft",
            "--now",
            NOW,
        )
    )
    ok(gac(repo, "stage", "churn", "development", "--start", "--now", NOW))
    problems = [
        p.message
        for p in assess(LintRequest(repo)).report.problems
        if p.rule == "qualified-before-development"
    ]
    assert (
        "stage 'development' is in-progress but project 'churn' has only a draft qualification"
        in problems
    )
    ok(
        gac(
            repo,
            "qualify",
            "churn",
            "--value",
            "4",
            "--risk",
            "2",
            "--feasibility",
            "3",
            "-m",
            "Board review",
            "--now",
            NOW,
        )
    )
    assert spec(repo)["qualification"] == {
        "value": 4,
        "risk": 2,
        "feasibility": 3,
        "assessedBy": "dan",
        "assessedOn": "2026-03-02",
        "notes": "Board review",
    }
    problems = [
        p.message
        for p in assess(LintRequest(repo)).report.problems
        if p.rule == "qualified-before-development"
    ]
    assert all("draft" not in m and "no qualification" not in m for m in problems)


def test_a_score_outside_one_to_five_is_refused(repo: Path) -> None:
    result = gac(repo, "qualify", "churn", "--value", "6", "--risk", "2", "--feasibility", "3")
    assert result.exit_code == 2
    assert "--value is 6, outside 1 to 5" in result.output


def test_a_failure_mid_write_leaves_the_original_intact(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", broken_fsync)
    result = gac(repo, "stage", "churn", "ideation", "--complete")
    assert result.exit_code == 2
    assert "cannot write project.yaml: No space left on device; the file was left as it was" in (
        result.output
    )
    assert (repo / PROJECT).read_text() == HAND_WRITTEN
    assert sorted(os.listdir(repo / "projects/churn")) == ["models", "project.yaml"]


def test_commit_refuses_a_file_with_uncommitted_changes(repo: Path) -> None:
    (repo / PROJECT).write_text(HAND_WRITTEN + "# a local note\n")
    result = gac(repo, "stage", "churn", "ideation", "--complete", "--commit")
    assert result.exit_code == 2
    assert f"{PROJECT} has uncommitted changes, which --commit would sweep into this commit" in (
        result.output
    )
    assert (repo / PROJECT).read_text() == HAND_WRITTEN + "# a local note\n"


def test_commit_is_signed_when_git_signing_is_set_up(repo: Path, tmp_path: Path) -> None:
    key = make_ssh_key(tmp_path, "dan")
    git(repo, "config", "gpg.format", "ssh")
    git(repo, "config", "user.signingkey", str(key.private_path))
    out = ok(gac(repo, "stage", "churn", "ideation", "--complete", "--commit", "--now", NOW))
    assert out.startswith(f"stage ideation completed: {PROJECT} (commit ")
    assert b"\ngpgsig -----BEGIN SSH SIGNATURE-----" in raw_commit(repo)
    assert git(repo, "log", "-1", "--format=%s").strip() == "Complete stage ideation of churn"
    assert git(repo, "status", "--porcelain").strip() == ""


def test_the_report_shows_a_draft_qualification_as_a_draft(repo: Path, tmp_path: Path) -> None:
    ok(
        gac(
            repo,
            "qualify",
            "churn",
            "--value",
            "4",
            "--risk",
            "2",
            "--feasibility",
            "3",
            "--draft",
            "--now",
            NOW,
        )
    )
    site = tmp_path / "site"
    result = gac(repo, "report", "--out", str(site))
    assert result.exit_code in (0, 1), result.output
    pages = [p for p in site.rglob("*.html") if "Qualification</h2>" in p.read_text()]
    assert pages, "no project page was written"
    text = "".join(p.read_text() for p in pages)
    assert "<strong>Draft</strong>: this assessment does not count as qualified yet." in text
