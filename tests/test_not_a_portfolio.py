"""A folder with no governance.yaml is not a portfolio: every command stops with exit 2.

A wrong `--repo` in CI used to report "no problems in 0 documents" and exit 0, so the gate
passed without looking at anything.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from repo_helpers import H, commit_all, git, write

from govern_as_code.cli.main import cli
from govern_as_code.errors import GovernError
from govern_as_code.portfolio import LoadOptions, load_portfolio, open_source

FIX = "gac: fix: pass --repo with the portfolio's folder, or create one with gac init"
GOVERNANCE = H + "kind: Portfolio\nmetadata:\n  id: acme\n"
NOT_A_PORTFOLIO = {
    "README.md": "A service.\n",
    "config/app.yaml": "port: 8080\n",
    "people/alice.yaml": H + "kind: Person\nmetadata:\n  id: alice\nspec:\n  name: Alice\n"
    "  email: alice@example.com\n  department: risk\n",
}
COMMANDS = [
    pytest.param(["validate"], id="validate"),
    pytest.param(["lint"], id="lint"),
    pytest.param(["check-deploy", "config/app.yaml"], id="check-deploy"),
    pytest.param(["report", "--out", "{out}"], id="report"),
    pytest.param(["export"], id="export"),
]


def run(root: Path, args: list[str], out: Path) -> tuple[int, str, str]:
    argv = [a.replace("{out}", str(out)) for a in args]
    result = CliRunner().invoke(cli, [*argv, "--repo", str(root)])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "service"
    write(root, NOT_A_PORTFOLIO)
    return root


@pytest.fixture
def repo(folder: Path) -> Path:
    git(folder, "init", "-q", "-b", "main")
    commit_all(folder, "a service, not a portfolio")
    return folder


@pytest.mark.parametrize("args", COMMANDS)
def test_a_folder_without_governance_yaml_stops_every_command(
    folder: Path, tmp_path: Path, args: list[str]
) -> None:
    code, stdout, stderr = run(folder, args, tmp_path / "site")
    assert (code, stdout) == (2, "")
    assert stderr.splitlines() == [
        f"gac: error: {folder} is not a portfolio: it has no governance.yaml",
        FIX,
    ]


@pytest.mark.parametrize("args", COMMANDS)
def test_a_git_repository_without_governance_yaml_stops_every_command(
    repo: Path, tmp_path: Path, args: list[str]
) -> None:
    code, stdout, stderr = run(repo, args, tmp_path / "site")
    assert (code, stdout) == (2, "")
    assert stderr.splitlines() == [
        f"gac: error: {repo} is not a portfolio: it has no governance.yaml",
        FIX,
    ]


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["validate", "--at", "HEAD~1"], id="validate"),
        pytest.param(["report", "--out", "{out}", "--at", "HEAD~1"], id="report"),
        pytest.param(["export", "--at", "HEAD~1"], id="export"),
    ],
)
def test_a_revision_without_governance_yaml_stops(
    repo: Path, tmp_path: Path, args: list[str]
) -> None:
    # The working tree is a portfolio now; the revision asked for was not one.
    write(repo, {"governance.yaml": GOVERNANCE})
    commit_all(repo, "become a portfolio")
    code, stdout, stderr = run(repo, args, tmp_path / "site")
    assert (code, stdout) == (2, "")
    first = stderr.splitlines()[0]
    assert first.startswith("gac: error: HEAD~1 (")
    assert first.endswith(") is not a portfolio: it has no governance.yaml")
    assert stderr.splitlines()[1] == FIX


def test_the_same_folder_with_governance_yaml_is_checked(repo: Path, tmp_path: Path) -> None:
    write(repo, {"governance.yaml": GOVERNANCE})
    code, stdout, stderr = run(repo, ["validate"], tmp_path / "site")
    assert (code, stdout, stderr) == (0, "no problems in 2 documents\n", "")


def test_the_loader_is_the_one_place_and_a_trusted_base_may_predate_it(repo: Path) -> None:
    with pytest.raises(GovernError) as caught:
        load_portfolio(open_source(repo, "HEAD"))
    assert caught.value.message.endswith("is not a portfolio: it has no governance.yaml")
    # The base of the pull request that adds governance.yaml has none: that is no stop.
    base = load_portfolio(open_source(repo, "HEAD"), LoadOptions(require_settings=False))
    assert [d.id for d in base.documents] == ["alice"]


def test_lint_of_the_change_that_adds_governance_yaml_reads_an_empty_trust_root(
    repo: Path, tmp_path: Path
) -> None:
    git(repo, "checkout", "-q", "-b", "adopt")
    write(repo, {"governance.yaml": GOVERNANCE})
    commit_all(repo, "adopt govern-as-code")
    code, stdout, stderr = run(repo, ["lint"], tmp_path / "site")
    assert stderr.startswith("trusted base: refs/heads/main (")  # and nothing else
    assert len(stderr.splitlines()) == 1
    assert code == 1  # the new trust root itself needs approvals from the base's admins
    assert "trust-changes-need-admin" in stdout


def test_governance_yaml_in_the_wrong_case_is_an_error_not_a_stop(
    repo: Path, tmp_path: Path
) -> None:
    write(repo, {"Governance.YAML": GOVERNANCE})
    result = CliRunner().invoke(cli, ["validate", "--repo", str(repo), "--format", "json"])
    assert result.exit_code == 1, result.output
    problems = {(p["rule"], p["path"]) for p in json.loads(result.stdout)["problems"]}
    assert problems == {("file-name", "Governance.YAML"), ("duplicate-id", "Governance.YAML")}


def test_a_portfolio_document_outside_governance_yaml_is_refused(repo: Path) -> None:
    write(repo, {"governance.yaml": GOVERNANCE, "teams/acme.yaml": GOVERNANCE})
    result = CliRunner().invoke(cli, ["validate", "--repo", str(repo), "--format", "json"])
    assert result.exit_code == 1, result.output
    assert [
        (p["rule"], p["path"], p["message"]) for p in json.loads(result.stdout)["problems"]
    ] == [
        (
            "duplicate-id",
            "teams/acme.yaml",
            "a second Portfolio document (the first is governance.yaml); its settings are not read",
        )
    ]


@pytest.mark.parametrize("text", ["a\n", "- apiVersion: govern-as-code/v1\n", "name: acme\n"])
def test_a_governance_yaml_that_is_not_a_portfolio_document_is_an_error(
    repo: Path, text: str
) -> None:
    write(repo, {"governance.yaml": text})
    result = CliRunner().invoke(cli, ["validate", "--repo", str(repo), "--format", "json"])
    assert result.exit_code == 1, result.output
    assert [
        (p["rule"], p["path"], p["message"]) for p in json.loads(result.stdout)["problems"]
    ] == [
        (
            "schema",
            "governance.yaml",
            "governance.yaml is a governance document, but this one has no apiVersion",
        )
    ]
