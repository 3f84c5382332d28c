"""The CI files `gac init` writes, and this repository's action.yml: valid, and doing the job.

The vendored schemas of check-jsonschema (GitHub workflows, GitLab CI, GitHub Actions) decide
validity; the files are read as YAML 1.2 by the project's own loader, so `on:` stays a key.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from init_helpers import ADA, gac, identity_env, use_identity
from repo_helpers import commit_all

from govern_as_code.documents.yaml_loader import parse_bytes

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORKFLOW = ".github/workflows/governance.yml"


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def read_yaml(path: Path) -> Any:
    return parse_bytes(path.read_bytes()).single().value


@pytest.fixture
def scaffold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    use_identity(monkeypatch, tmp_path / "home", ADA)
    root = tmp_path / "portfolio"
    result = gac("init", str(root), "--name", "Acme Bank")
    assert result.exit_code == 0, result.stderr
    return root


@pytest.mark.parametrize(
    ("schema", "relative"),
    [("vendor.github-workflows", WORKFLOW), ("vendor.gitlab-ci", ".gitlab-ci.yml")],
)
def test_generated_ci_files_validate_against_the_vendored_schemas(
    scaffold: Path, schema: str, relative: str
) -> None:
    result = check_jsonschema(schema, scaffold / relative)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_action_yml_validates_against_the_vendored_schema() -> None:
    result = check_jsonschema("vendor.github-actions", ROOT / "action.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_validator_really_rejects_a_broken_workflow(scaffold: Path) -> None:
    broken = scaffold / "broken.yml"
    text = (scaffold / WORKFLOW).read_text(encoding="utf-8")
    broken.write_text(text.replace("runs-on: ubuntu-latest", "runs-on: [1, {a: b}]"), "utf-8")
    assert check_jsonschema("vendor.github-workflows", broken).returncode == 1


def steps_by_name(job: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step.get("name") or step.get("uses", ""): step for step in job["steps"]}


def test_the_github_workflow_gates_pull_requests_and_pushes(scaffold: Path) -> None:
    workflow = read_yaml(scaffold / WORKFLOW)
    assert workflow["on"] == {
        "pull_request": {"branches": ["main"]},
        "push": {"branches": ["main"]},
    }
    (job_id,) = workflow["jobs"]
    job = workflow["jobs"][job_id]
    assert job_id == job["name"] == "gac-lint"
    assert job["permissions"] == {"contents": "read", "security-events": "write"}
    assert job["env"]["GAC_BASE"] == "origin/${{ github.base_ref || github.ref_name }}"
    steps = steps_by_name(job)
    assert steps["actions/checkout@v4"]["with"] == {"fetch-depth": 0}
    assert steps["gac lint"]["run"] == (
        'gac lint --base "$GAC_BASE" --format github --summary "$GITHUB_STEP_SUMMARY"'
    )
    assert "--format sarif --output gac.sarif" in steps["SARIF for code scanning"]["run"]
    upload = steps["github/codeql-action/upload-sarif@v3"]
    assert upload["with"]["sarif_file"] == "gac.sarif"
    assert upload["if"] == "always()"
    assert steps["HTML report"]["run"] == "gac report --out gac-report"
    assert steps["actions/upload-artifact@v4"]["with"] == {
        "name": "gac-report",
        "path": "gac-report",
    }
    assert 'Require the status check "gac-lint"' in (scaffold / WORKFLOW).read_text("utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "**Require the status check `gac-lint`**" in readme


def test_the_gitlab_job_reports_junit_and_code_quality(scaffold: Path) -> None:
    ci = read_yaml(scaffold / ".gitlab-ci.yml")
    job = ci["gac-lint"]
    assert job["variables"] == {"GIT_DEPTH": "0"}
    assert job["artifacts"]["when"] == "always"
    reports = job["artifacts"]["reports"]
    assert reports == {"junit": "gac-junit.xml", "codequality": "gl-code-quality.json"}
    script = "\n".join(job["script"])
    assert "--format codeclimate --output gl-code-quality.json" in script
    assert "--format junit --output gac-junit.xml" in script
    assert "CI_MERGE_REQUEST_TARGET_BRANCH_NAME" in script
    assert script.endswith('exit "$status"')


def run_script(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def gac_on_path(tmp_path: Path) -> Path:
    """A `gac` that runs this checkout with this interpreter."""
    folder = tmp_path / "bin"
    folder.mkdir()
    wrapper = folder / "gac"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m govern_as_code "$@"\n', "utf-8")
    wrapper.chmod(0o755)
    return folder


def action_env(tmp_path: Path, **inputs: str) -> dict[str, str]:
    env = identity_env(tmp_path / "home", ADA)
    env["PATH"] = f"{gac_on_path(tmp_path)}{os.pathsep}{env['PATH']}"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env["GITHUB_STEP_SUMMARY"] = str(tmp_path / "step-summary.md")
    env.update({"GAC_BASE": "", "GAC_FORMAT": "github", "GAC_OUTPUT": "", "GAC_SUMMARY": "true"})
    env.update(inputs)
    return env


def action_lint_script() -> str:
    action = read_yaml(ROOT / "action.yml")
    assert set(action["inputs"]) == {"base", "format", "output", "report", "summary"}
    assert action["runs"]["using"] == "composite"
    steps = steps_by_name(action["runs"])
    install = steps["Install govern-as-code at this action's ref"]
    assert install["env"] == {"GAC_ACTION_PATH": "${{ github.action_path }}"}
    assert install["run"] == 'python -m pip install --quiet "$GAC_ACTION_PATH"'
    lint = steps["gac lint"]
    assert lint["env"]["GAC_SUMMARY"] == "${{ inputs.summary }}"
    return str(lint["run"])


def test_the_action_lints_writes_the_summary_and_fails_on_a_blocked_gate(
    scaffold: Path, tmp_path: Path
) -> None:
    script = action_lint_script()
    commit_all(scaffold, "Start")
    env = action_env(tmp_path)
    clean = run_script(script, scaffold, env)
    assert clean.returncode == 0, clean.stderr
    assert "no problems in 4 documents" in clean.stdout
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert summary.endswith("No deployment to a protected environment.\n")

    (scaffold / "deployments/production").mkdir(parents=True)
    (scaffold / "deployments/production/x.yaml").write_text(
        "apiVersion: govern-as-code/v1\nkind: Deployment\nmetadata: {id: x}\n"
        "spec: {environment: production, modelVersion: ghost@1}\n",
        encoding="utf-8",
    )
    blocked = run_script(script, scaffold, action_env(tmp_path / "2", GAC_FORMAT="json"))
    assert blocked.returncode == 1
    assert '"rule": "references-resolve"' in blocked.stdout

    wrong = run_script(script, scaffold, action_env(tmp_path / "3", GAC_SUMMARY="yes"))
    assert wrong.returncode == 2
    assert "the summary input must be true or false, not 'yes'" in wrong.stderr


def test_the_github_workflow_restores_the_cache_only_from_pushes(scaffold: Path) -> None:
    """A pull request restores the cache that runs on the default branch saved, and never
    saves one: the cache a gating job trusts is not written by the change it judges."""
    workflow = read_yaml(scaffold / WORKFLOW)
    (job,) = workflow["jobs"].values()
    folder = "${{ runner.temp }}/gac-cache"
    assert job["env"]["GAC_CACHE_DIR"] == folder
    names = [step.get("name") for step in job["steps"]]
    steps = steps_by_name(job)
    restore, save = steps["Restore the gac cache"], steps["Save the gac cache"]
    assert names.index("Restore the gac cache") < names.index("gac lint")
    assert names[-1] == "Save the gac cache"
    assert restore["uses"] == "actions/cache/restore@v4"
    assert restore["with"]["path"] == save["with"]["path"] == folder
    assert save["uses"] == "actions/cache/save@v4"
    assert save["if"] == "always() && github.event_name == 'push'"
    assert not any("actions/cache@" in str(step.get("uses")) for step in job["steps"])
