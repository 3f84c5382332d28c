"""The GitLab Code Quality reporter and the GitHub job summary, on real lint results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from gate_helpers import DEPLOYMENT, REVIEWERS, GateKeys, GateRepo, make_gate_keys
from jsonschema import Draft202012Validator

from govern_as_code.cli.main import cli
from govern_as_code.problems import GateResult, Level, LintReport, Problem
from govern_as_code.reporters import get_reporter
from govern_as_code.reporters.summary import render_summary

TODAY = "2026-03-01"

# What GitLab documents for a Code Quality report: the fields it reads, and their types.
CODE_QUALITY_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


def gac(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> GateKeys:
    return make_gate_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def blocked(keys: GateKeys, tmp_path_factory: pytest.TempPathFactory) -> GateRepo:
    """m@1 in production with only alice's technical review: risk-review is missing."""
    repo = GateRepo.create(tmp_path_factory.mktemp("blocked") / "repo", keys)
    repo.approve_all(skip=("risk-review", "final-approval"))
    return repo


def test_codeclimate_of_a_blocked_gate_validates_and_names_the_line(blocked: GateRepo) -> None:
    result = gac("lint", "--repo", str(blocked.root), "--today", TODAY, "--format", "codeclimate")
    assert result.exit_code == 1
    issues = json.loads(result.stdout)
    Draft202012Validator(CODE_QUALITY_SCHEMA).validate(issues)
    gate = [i for i in issues if i["check_name"] == "production-requires-approvals"]
    assert gate, issues
    assert {i["severity"] for i in gate} == {"blocker"}
    assert {i["location"]["path"] for i in gate} == {DEPLOYMENT}
    assert any("missing a current, verified risk-review approval" in i["description"] for i in gate)
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_codeclimate_fingerprints_ignore_lines_and_keep_repeats_apart() -> None:
    first = Problem("a.yaml", 3, 1, "r", "same message", level=Level.ERROR)
    moved = Problem("a.yaml", 9, 1, "r", "same message", level=Level.ERROR)
    whole_file = Problem("b.yaml", 0, 0, "r", "about the file", "do this", level=Level.WARNING)
    render = get_reporter("codeclimate").render
    one = json.loads(render(LintReport((first,), 1)))
    other = json.loads(render(LintReport((moved,), 1)))
    assert one[0]["fingerprint"] == other[0]["fingerprint"]
    both = json.loads(render(LintReport((first, moved, whole_file), 2)))
    Draft202012Validator(CODE_QUALITY_SCHEMA).validate(both)
    assert len({i["fingerprint"] for i in both}) == 3
    assert both[2] == {
        "type": "issue",
        "description": "about the file (hint: do this)",
        "check_name": "r",
        "categories": ["Style"],
        "fingerprint": both[2]["fingerprint"],
        "severity": "minor",
        "location": {"path": "b.yaml", "lines": {"begin": 1}},
    }
    assert render(LintReport((), 1)) == "[]\n"


def table_rows(markdown: str) -> list[list[str]]:
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows[1:]]


def test_the_job_summary_is_appended_with_what_is_missing_and_who_can_give_it(
    blocked: GateRepo, tmp_path: Path
) -> None:
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    result = gac("lint", "--repo", str(blocked.root), "--today", TODAY, "--summary", str(summary))
    assert result.exit_code == 1
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## govern-as-code: deploy gate\n\n0 passed, 1 blocked;")
    rows = table_rows(text)
    assert rows == [
        [
            "❌ blocked",
            f"`{DEPLOYMENT}`",
            "`m@1`",
            "production",
            # The final approver signs last, so a new risk review needs a new final approval.
            "risk-review approval<br>final-approval approval",
            f"risk-review: {REVIEWERS['risk-review']}<br>"
            f"final-approval: {REVIEWERS['final-approval']}",
        ]
    ]
    assert text.endswith("Ask for what is missing with `gac request-review MODEL@VERSION`.\n")


def test_the_job_summary_of_a_passing_gate(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.approve_all()
    summary = tmp_path / "summary.md"
    result = gac("lint", "--repo", str(repo.root), "--today", TODAY, "--summary", str(summary))
    assert result.exit_code == 0, result.output
    assert table_rows(summary.read_text(encoding="utf-8")) == [
        ["✅ passed", f"`{DEPLOYMENT}`", "`m@1`", "production", "-", "-"]
    ]


def test_the_job_summary_escapes_what_documents_say() -> None:
    gate = GateResult("d|<b>.yaml", "production", "m@1", False, ("a <script>x</script>\nb | c",))
    text = render_summary(LintReport((), 1, (), (gate,)), {})
    (row,) = [line for line in text.splitlines() if line.startswith("| ❌")]
    assert "<script>" not in row and "<b>" not in row
    assert "a &lt;script&gt;x&lt;/script&gt;<br>b \\| c" in row
    assert "`d\\|&lt;b&gt;.yaml`" in row


def test_the_job_summary_without_gates() -> None:
    text = render_summary(LintReport((), 3), {})
    assert text.endswith("No deployment to a protected environment.\n")


def test_an_unwritable_summary_is_a_stop(blocked: GateRepo, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("", encoding="utf-8")
    target = not_a_folder / "summary.md"
    result = gac("lint", "--repo", str(blocked.root), "--today", TODAY, "--summary", str(target))
    assert result.exit_code == 2
    # The first line names the trusted base; the error follows it.
    errors = result.stderr.split("gac: error: ", 1)[1]
    assert errors.startswith(f"cannot write {target}:")
    assert result.stderr.endswith("gac: fix: choose another --summary\n")
