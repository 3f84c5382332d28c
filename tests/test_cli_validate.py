"""`gac validate`: exit codes, the text line format and the stable JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from repo_helpers import H, git

from govern_as_code.cli.main import cli

CLEAN = {
    "governance.yaml": H + "kind: Portfolio\nmetadata:\n  id: acme\nspec:\n  environments:\n"
    "    staging:\n      protected: false\n",
    "people/alice.yaml": H + "kind: Person\nmetadata:\n  id: alice\nspec:\n  name: Alice\n"
    "  email: alice@example.com\n  department: risk\n",
    "projects/churn.yaml": H + "kind: Project\nmetadata:\n  id: churn\nspec:\n  owner: alice\n",
}
BROKEN = {
    "people/bob.yaml": H + "kind: Person\nmetadata:\n  id: bob\nspec:\n  name: Bob\n"
    "  email: bob@example.com\n  department: risk\n  phone: 123\n",
    "projects/pricing.yaml": H + "kind: Project\nmetadata:\n  id: pricing\nspec:\n  owner: carol\n",
}


def make_repo(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-gpg-sign", "-m", "portfolio")
    return root


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["validate", *args])


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "clean", CLEAN)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "broken", {**CLEAN, **BROKEN})


def test_a_clean_portfolio_exits_0(clean: Path) -> None:
    result = run("--repo", str(clean))
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "no problems in 3 documents\n",
        "",
    )


def test_problems_exit_1_with_one_line_each(broken: Path) -> None:
    result = run("--repo", str(broken))
    assert result.exit_code == 1
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "people/bob.yaml:9:3: error schema: spec.phone: unknown field",
        "    hint: remove it or fix its spelling; see schemas/person.schema.json, or declare it in"
        " an extension schema",
        "projects/pricing.yaml:6:3: error references-resolve: spec.owner names Person 'carol',"
        " which does not exist",
        "    hint: create the Person document, or fix the reference",
        "",
        "2 errors, 0 warnings in 4 documents",
    ]


def test_json_output_has_the_stable_shape(broken: Path) -> None:
    result = run("--repo", str(broken), "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert set(document) in ({"problems", "summary"}, {"problems", "summary", "gates"})
    assert document.get("gates", []) == []
    assert document["summary"] == {"errors": 2, "warnings": 0, "documents": 4}
    assert document["problems"] == [
        {
            "rule": "schema",
            "level": "error",
            "path": "people/bob.yaml",
            "line": 9,
            "column": 3,
            "message": "spec.phone: unknown field",
            "subject": "",
            "hint": "remove it or fix its spelling; see schemas/person.schema.json, or declare"
            " it in an extension schema",
        },
        {
            "rule": "references-resolve",
            "level": "error",
            "path": "projects/pricing.yaml",
            "line": 6,
            "column": 3,
            "message": "spec.owner names Person 'carol', which does not exist",
            "subject": "",
            "hint": "create the Person document, or fix the reference",
        },
    ]
    for problem in document["problems"]:
        assert list(problem) == [
            "rule", "level", "path", "line", "column", "message", "subject", "hint"
        ]  # fmt: skip


def test_json_for_a_clean_portfolio(clean: Path) -> None:
    result = run("--repo", str(clean), "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["problems"] == []
    assert document["summary"] == {"errors": 0, "warnings": 0, "documents": 3}


def test_output_file_gets_the_format_and_stdout_the_text(broken: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "validate.json"
    result = run("--repo", str(broken), "--format", "json", "--output", str(out))
    assert result.exit_code == 1
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["errors"] == 2
    assert result.stdout == f"wrote {out}: 2 errors, 0 warnings in 4 documents\n"


def test_at_validates_a_revision_not_the_working_tree(broken: Path) -> None:
    (broken / "people" / "bob.yaml").unlink()
    (broken / "projects" / "pricing.yaml").unlink()
    assert run("--repo", str(broken)).exit_code == 0
    result = run("--repo", str(broken), "--at", "HEAD", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["summary"] == {"errors": 2, "warnings": 0, "documents": 4}


def test_a_missing_repo_folder_exits_2_with_a_reason_and_a_fix(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = run("--repo", str(missing))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"gac: error: the repository folder {missing} does not exist",
        "gac: fix: pass an existing --repo",
    ]


def test_an_unknown_revision_exits_2_with_a_reason_and_a_fix(clean: Path) -> None:
    result = run("--repo", str(clean), "--at", "release-9")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "gac: error: the revision 'release-9' is not in this repository",
        "gac: fix: fetch it first (git fetch origin release-9) and, in CI, check out with full"
        " history (actions/checkout: fetch-depth: 0)",
    ]


def test_a_revision_of_a_folder_outside_git_exits_2(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    result = run("--repo", str(plain), "--at", "HEAD")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"gac: error: {plain} is not a git repository, so it has no revision 'HEAD'",
        "gac: fix: run inside the portfolio's git repository",
    ]


def test_a_folder_outside_git_is_validated_from_disk(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    for path, text in CLEAN.items():
        (plain / path).parent.mkdir(parents=True, exist_ok=True)
        (plain / path).write_text(text, encoding="utf-8")
    result = run("--repo", str(plain))
    assert (result.exit_code, result.stdout) == (0, "no problems in 3 documents\n")


def test_an_unknown_format_is_a_usage_error(clean: Path) -> None:
    result = run("--repo", str(clean), "--format", "yaml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr
