"""This repository as a pre-commit hook repository, run by the real `pre-commit try-repo`.

pre-commit installs the package from this checkout into an environment of its own (from the
package registry for the dependencies), once per test module: the hook environments live in a
PRE_COMMIT_HOME shared by the tests here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from init_helpers import ADA, gac, identity_env, use_identity
from repo_helpers import commit_all

from govern_as_code.documents.yaml_loader import parse_bytes

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(repo: Path, hook: str, home: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = identity_env(tmp / "home", ADA)
    env.pop("PYTHONPATH", None)  # the hook must run the package pre-commit installed
    env["PRE_COMMIT_HOME"] = str(home)
    env["PRE_COMMIT_COLOR"] = "never"
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(ROOT), hook, "--all-files", "--verbose"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def test_the_hooks_file_declares_both_hooks() -> None:
    hooks = parse_bytes((ROOT / ".pre-commit-hooks.yaml").read_bytes()).single().value
    by_id = {hook["id"]: hook for hook in hooks}
    assert set(by_id) == {"gac-validate", "gac-lint"}
    assert by_id["gac-validate"]["entry"] == "gac validate"
    assert by_id["gac-lint"]["entry"] == "gac lint"
    for hook in hooks:
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False


@pytest.fixture
def scaffold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    use_identity(monkeypatch, tmp_path / "home", ADA)
    root = tmp_path / "portfolio"
    assert gac("init", str(root)).exit_code == 0
    commit_all(root, "Start")
    return root


def test_gac_validate_hook_passes_on_a_new_portfolio_and_fails_on_a_broken_document(
    scaffold: Path, pre_commit_home: Path, tmp_path: Path
) -> None:
    passing = try_repo(scaffold, "gac-validate", pre_commit_home, tmp_path)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "gac validate" in passing.stdout and "Passed" in passing.stdout

    broken = scaffold / "workflows/standard.yaml"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("kind: Workflow", "kind: Workflw"), "utf-8"
    )
    subprocess.run(["git", "-C", str(scaffold), "add", "-A"], check=True, env=os.environ)
    failing = try_repo(scaffold, "gac-validate", pre_commit_home, tmp_path)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "Failed" in failing.stdout
    assert "workflows/standard.yaml" in failing.stdout


def test_pre_commit_accepts_the_hooks_file_and_the_scaffolded_config(scaffold: Path) -> None:
    for command, path in (
        ("validate-manifest", ROOT / ".pre-commit-hooks.yaml"),
        ("validate-config", scaffold / ".pre-commit-config.yaml"),
    ):
        result = subprocess.run(
            [str(PRE_COMMIT), command, str(path)], capture_output=True, text=True, check=False
        )
        assert (result.returncode, result.stdout, result.stderr) == (0, "", ""), command
    config = parse_bytes((scaffold / ".pre-commit-config.yaml").read_bytes()).single().value
    (hook,) = config["repos"][0]["hooks"]
    assert (hook["id"], hook["entry"], hook["pass_filenames"]) == (
        "gac-validate",
        "gac validate",
        False,
    )
