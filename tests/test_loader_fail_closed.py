"""The loader fails closed (DESIGN §1): whatever could be a governance document or a deployment
manifest counts, and one that is not valid, or cannot be read as a file of this repository, is
an error, never a skip.

Each attack is run against a real signed repository whose gate passes (m@1, fully approved):
the trick adds a production deployment of a version nobody approved. Before, the loader skipped
it and lint said "1 passed, 0 blocked"; now lint exits 1 and names the file. Each is checked in
the working tree and in a revision (lint reads the trusted base from one; `--at` reads history).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from gate_helpers import GateKeys, GateRepo, deployment_document, feb, make_gate_keys
from repo_helpers import GIT_ENV
from signing_helpers import git

from govern_as_code.cli.main import cli
from govern_as_code.git import Repository
from govern_as_code.portfolio import load_portfolio
from govern_as_code.portfolio.sources import RevisionSource

TODAY = "2026-03-01"
UNAPPROVED = deployment_document(
    "m@9", "m-canary"
)  # a valid Deployment of a version nobody approved
BODY = UNAPPROVED.split("\n", 1)[1]  # the same document without its apiVersion line


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> GateKeys:
    return make_gate_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def approved(keys: GateKeys, tmp_path_factory: pytest.TempPathFactory) -> GateRepo:
    repo = GateRepo.create(tmp_path_factory.mktemp("approved") / "repo", keys)
    repo.approve_all()
    return repo


@pytest.fixture
def repo(approved: GateRepo, tmp_path: Path) -> GateRepo:
    return approved.copy_to(tmp_path / "repo")


def gac(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def lint_json(repo: GateRepo) -> tuple[int, dict[str, Any]]:
    result = gac("lint", "--repo", str(repo.root), "--today", TODAY, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def found(report: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(p["rule"], p["path"], p["level"]) for p in report["problems"]}


def commit(repo: GateRepo, files: dict[str, str], message: str = "A change") -> None:
    """Commit `files` and whatever else the test put in the working tree, signed by dan."""
    for path, text in files.items():
        repo.write(path, text)
    git(repo.root, "add", "-A")
    repo.commit(None, message, "dan", when=feb(20))


def revision_problems(repo: GateRepo) -> set[tuple[str, str]]:
    git = Repository.discover(repo.root)
    assert git is not None
    portfolio = load_portfolio(RevisionSource(git, "HEAD"))
    return {(p.rule, p.path) for p in portfolio.problems}


def test_the_fixture_passes_before_any_trick(repo: GateRepo) -> None:
    code, report = lint_json(repo)
    assert (code, report["problems"]) == (0, [])
    assert [g["passed"] for g in report["gates"]] == [True]


# --- 1. a file in a conventional folder, or with one of our kinds, is a governance document -------

NOT_OURS_BY_API = [
    pytest.param(BODY, "no apiVersion", id="missing-apiVersion"),
    pytest.param("apiVersion: v1\n" + BODY, "apiVersion 'v1'", id="bare-v1"),
    pytest.param("apiVersion: apps/v1\n" + BODY, "apiVersion 'apps/v1'", id="foreign-group"),
]


@pytest.mark.parametrize(("text", "says"), NOT_OURS_BY_API)
def test_a_deployment_with_a_wrong_api_version_in_deployments_is_an_error(
    repo: GateRepo, text: str, says: str
) -> None:
    path = "deployments/production/m-canary.yaml"
    commit(repo, {path: text})
    code, report = lint_json(repo)
    assert code == 1
    problem = next(p for p in report["problems"] if p["path"] == path)
    assert problem["level"] == "error"
    assert says in problem["message"] or "apiVersion is missing" in problem["message"]
    assert "govern-as-code/v1" in problem["hint"]
    assert ("schema", path) in revision_problems(repo)


@pytest.mark.parametrize(
    ("api", "says"),
    [
        ("govern-as-code/v2", "unsupported apiVersion 'govern-as-code/v2'"),
        ("Govern-As-Code/v1", "unsupported apiVersion 'Govern-As-Code/v1'"),
        (None, "apiVersion is missing"),
    ],
)
def test_a_misspelt_document_anywhere_in_the_repository_is_ours(
    repo: GateRepo, api: str | None, says: str
) -> None:
    path = "ops/release/m-canary.yaml"  # no conventional folder: its kind makes it ours
    commit(repo, {path: (f"apiVersion: {api}\n" if api else "") + BODY})
    code, report = lint_json(repo)
    assert code == 1
    assert [p["message"] for p in report["problems"] if p["path"] == path] == [says]


def test_another_tools_manifest_outside_our_folders_is_not_ours(repo: GateRepo) -> None:
    # A Kubernetes Deployment and an Argo Workflow use our kind names under their own groups.
    commit(
        repo,
        {
            "ops/k8s.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n",
            "ops/argo.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n"
            "  name: train\n",
        },
    )
    code, report = lint_json(repo)
    assert (code, report["problems"]) == (0, [])


def test_a_foreign_manifest_in_deployments_must_be_declared_as_a_glob(repo: GateRepo) -> None:
    path = "deployments/production/kserve.yaml"
    commit(
        repo,
        {
            path: "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n"
            "  name: m\n  annotations:\n    govern-as-code/model-version: m@9\n"
        },
    )
    code, report = lint_json(repo)
    assert code == 1
    problem = next(p for p in report["problems"] if p["path"] == path)
    assert problem["message"] == (
        "a file in deployments/ is a governance document, but this one has apiVersion"
        " 'serving.kserve.io/v1beta1'"
    )
    assert "spec.deploymentGlobs" in problem["hint"]
    assert problem["line"] == 1


# --- 2. what a deploy tool would read as a manifest is one -------------------------------------

HIDDEN = [
    pytest.param(
        "base: &b\n  apiVersion: govern-as-code/v1\n<<: *b\n" + BODY,
        "yaml-anchor",
        id="merge-key",
    ),
    pytest.param(
        "apiVersion: !!binary Z292ZXJuLWFzLWNvZGUvdjE=\n" + BODY,  # base64 of our apiVersion
        "parse",
        id="binary-tag",
    ),
    pytest.param("apiVersion: !custom govern-as-code/v1\n" + BODY, "parse", id="custom-tag"),
    pytest.param(
        "v: &v govern-as-code/v1\napiVersion: *v\n" + BODY.replace("kind: Deployment", "kind: X"),
        "yaml-anchor",
        id="alias",
    ),
]


@pytest.mark.parametrize(("text", "rule"), HIDDEN)
@pytest.mark.parametrize("folder", ["deployments/production", "ops"])
def test_an_api_version_behind_a_merge_key_alias_or_tag_is_an_error(
    repo: GateRepo, text: str, rule: str, folder: str
) -> None:
    path = f"{folder}/m-canary.yaml"
    commit(repo, {path: text})
    code, report = lint_json(repo)
    assert code == 1
    assert (rule, path, "error") in found(report)
    assert (rule, path) in revision_problems(repo)


@pytest.mark.parametrize(
    "path",
    [
        "deployments/production/m-canary.YAML",
        "deployments/production/m-canary.Yml",
        "deployments/production/m-canary.JSON",
        "Deployments/production/m-canary.yaml",
        "ops/m-canary.YAML",
        "k8s/prod/m-canary.YAML",
    ],
)
def test_an_upper_case_extension_or_folder_is_an_error(repo: GateRepo, path: str) -> None:
    text = UNAPPROVED if not path.endswith("JSON") else json.dumps(_as_json(UNAPPROVED))
    commit(repo, {path: text})
    code, report = lint_json(repo)
    assert code == 1
    names = [p for p in report["problems"] if p["path"] == path and p["rule"] == "file-name"]
    assert len(names) == 1, report["problems"]
    assert "rename it" in names[0]["hint"]
    assert ("file-name", path) in revision_problems(repo)


@pytest.mark.parametrize("path", ["k8s/prod/api.Yaml", "K8s/prod/api.yaml"])
def test_an_upper_case_foreign_manifest_in_a_glob_is_still_a_manifest(
    repo: GateRepo, path: str
) -> None:
    # governance.yaml declares k8s/**/*.yaml; a case-insensitive file system reads both.
    commit(repo, {path: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n"})
    code, report = lint_json(repo)
    assert code == 1
    assert ("file-name", path, "error") in found(report)
    gates = {g["deployment"]: g["passed"] for g in report["gates"]}
    assert gates[path] is False  # it names no model version: blocked, not skipped


def _as_json(text: str) -> dict[str, Any]:
    import yaml

    value = yaml.safe_load(text)
    assert isinstance(value, dict)
    return value


def test_odd_names_that_a_deploy_tool_reads_are_errors(repo: GateRepo) -> None:
    files = {
        "deployments/production/m-canary.yaml ": UNAPPROVED,  # a trailing space
        "deployments\\production\\m-eu.yaml": UNAPPROVED.replace("m-canary", "m-eu"),
    }
    commit(repo, files)
    code, report = lint_json(repo)
    assert code == 1
    reasons = {p["path"]: p["message"] for p in report["problems"] if p["rule"] == "file-name"}
    assert set(reasons) == set(files)
    assert "backslash" in reasons["deployments\\production\\m-eu.yaml"]
    assert "ends with a space" in reasons["deployments/production/m-canary.yaml "]


@pytest.mark.parametrize(
    ("link", "target"),
    [
        ("deployments/canary", "production"),  # a folder inside the repository
        ("deployments/eu", "../ops"),
        ("k8s/prod", "../ops"),  # beneath a deployment glob
        ("deployments", "ops"),
    ],
)
def test_a_symlinked_folder_where_manifests_live_is_an_error(
    repo: GateRepo, link: str, target: str
) -> None:
    repo.write("ops/README.md", "Release notes.\n")
    repo.path(link).parent.mkdir(parents=True, exist_ok=True)
    if link == "deployments":
        git_mv(repo, "deployments", "ops/deployments")
        target = "ops/deployments"
    os.symlink(target, repo.path(link))
    commit(repo, {})
    code, report = lint_json(repo)
    assert code == 1
    problem = next(p for p in report["problems"] if p["path"] == link)
    assert problem["rule"] == "symlink"
    assert problem["message"].startswith(f"symbolic link to {target!r} (inside the repository)")
    assert problem["hint"] == "replace the link with the files themselves; a link is never followed"
    assert ("symlink", link) in revision_problems(repo)


def test_a_symlinked_folder_elsewhere_is_left_alone(repo: GateRepo) -> None:
    os.symlink("../projects", repo.path("docs"))  # no conventional folder, no glob beneath it
    commit(repo, {})
    code, report = lint_json(repo)
    assert (code, report["problems"]) == (0, [])


def git_mv(repo: GateRepo, source: str, target: str) -> None:
    repo.path(target).parent.mkdir(parents=True, exist_ok=True)
    git(repo.root, "mv", source, target)


@pytest.mark.parametrize("where", ["deployments/eu", "k8s/eu"])
def test_a_submodule_where_manifests_live_is_an_error(
    repo: GateRepo, tmp_path: Path, where: str
) -> None:
    other = tmp_path / "manifests"
    other.mkdir()
    (other / "m.yaml").write_text(UNAPPROVED)
    env = {**GIT_ENV, "GIT_ALLOW_PROTOCOL": "file"}
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-q", "-m", "manifests"]):
        _git(other, env, *args)
    _git(
        repo.root,
        env,
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        str(other),
        where,
    )
    commit(repo, {}, "Deployments from another repository")
    code, report = lint_json(repo)
    assert code == 1
    problem = next(p for p in report["problems"] if p["path"] == where)
    assert problem["rule"] == "submodule"
    assert "git submodule" in problem["message"]
    assert ("submodule", where) in revision_problems(repo)


def _git(root: Path, env: dict[str, str], *args: str) -> None:
    import subprocess

    subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True)


# --- 10. exclusions cannot hide what the gate judges ----------------------------------------------


@pytest.mark.parametrize("how", [".gacignore", "spec.exclude"])
def test_an_exclusion_added_by_the_change_does_not_hide_a_deployment(
    repo: GateRepo, how: str
) -> None:
    # lint reads .gacignore and governance.yaml from the trusted base, never from the change.
    path = "ops/m-canary.yaml"  # not a protected folder: only the base's patterns could hide it
    if how == ".gacignore":
        change = {".gacignore": "ops/\n"}
    else:
        text = repo.read("governance.yaml")
        change = {"governance.yaml": text.replace("spec:\n", "spec:\n  exclude:\n  - ops/\n", 1)}
        assert change["governance.yaml"] != text
    commit(repo, {**change, path: UNAPPROVED})
    code, report = lint_json(repo)
    assert code == 1
    gates = {g["deployment"]: g["passed"] for g in report["gates"]}
    assert gates[path] is False


CANARY = "deployments/production/m-canary.yaml"
APPROVALS = {
    "approvals/m/1/technical-review--alice.yaml",
    "approvals/m/1/risk-review--bob.yaml",
    "approvals/m/1/final-approval--carol.yaml",
}


@pytest.mark.parametrize(
    ("pattern", "refused"),
    [
        ("deployments/\n", {"deployments/production/m.yaml", CANARY}),
        ("**/*canary*\n", {CANARY}),
        ("approvals/\n", APPROVALS),  # hiding a rejection would be as bad as hiding a deploy
    ],
)
def test_a_trusted_exclusion_of_deployments_or_approvals_is_refused_with_a_warning(
    keys: GateKeys, tmp_path: Path, pattern: str, refused: set[str]
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys, base_files={".gacignore": pattern}, branch=None)
    repo.approve_all()
    repo.checkout("change", create=True)
    commit(repo, {CANARY: UNAPPROVED})
    code, report = lint_json(repo)
    assert code == 1
    gates = {g["deployment"]: g["passed"] for g in report["gates"]}
    assert gates == {"deployments/production/m.yaml": True, CANARY: False}
    warnings = [p for p in report["problems"] if p["rule"] == "exclude"]
    assert {p["path"] for p in warnings} == refused
    assert {p["level"] for p in warnings} == {"warning"}
    assert warnings[0]["hint"] == (
        "remove the pattern: deployments, approvals and governance.yaml cannot be excluded"
    )
