"""Loading a portfolio: which files count, from the working tree or a revision, and what they
say."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from repo_helpers import H, commit_all, git, write

from govern_as_code.documents.kinds import PortfolioSpec
from govern_as_code.errors import GitError
from govern_as_code.portfolio import (
    Deployment,
    LoadOptions,
    Portfolio,
    load_portfolio,
    open_source,
)
from govern_as_code.portfolio.sources import RevisionSource, WorktreeSource


def governance(extra: str = "") -> str:
    return (
        H + "kind: Portfolio\nmetadata:\n  id: acme\nspec:\n  environments:\n"
        "    staging:\n      protected: false\n" + extra
    )


def person(pid: str, extra: str = "") -> str:
    return (
        H + f"kind: Person\nmetadata:\n  id: {pid}\nspec:\n  name: {pid.title()}\n"
        f"  email: {pid}@example.com\n  department: risk\n" + extra
    )


def project(pid: str, extra: str = "") -> str:
    return H + f"kind: Project\nmetadata:\n  id: {pid}\nspec:\n  owner: alice\n" + extra


BASE = {
    "governance.yaml": governance(),
    "people/alice.yaml": person("alice"),
    "projects/churn.yaml": project("churn"),
}


def make_repo(root: Path, files: dict[str, str] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    write(root, {**BASE, **(files or {})})
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "base")
    return root


def load(root: Path, revision: str | None = None, options: LoadOptions | None = None) -> Portfolio:
    return load_portfolio(open_source(root, revision), options)


def refs(portfolio: Portfolio) -> list[tuple[str, str, str]]:
    return sorted((d.kind, d.id, d.path) for d in portfolio.documents)


def problems(portfolio: Portfolio) -> list[tuple[str, str, int]]:
    return sorted((p.rule, p.path, p.line) for p in portfolio.problems)


def outcome(portfolio: Portfolio) -> tuple[Any, ...]:
    """Everything a load produced, except where it came from."""
    return (
        refs(portfolio),
        sorted(portfolio.problems),
        sorted(portfolio.foreign, key=lambda d: (d.path, d.line)),
        portfolio.settings,
        portfolio.files_read,
    )


# --- working tree and revisions ------------------------------------------------------------------

MIXED = {
    "governance.yaml": governance("  deploymentGlobs:\n    - k8s/**/*.yaml\n"),
    "team/bob.yml": person("bob"),
    "team/carol.json": json.dumps(
        {
            "apiVersion": "govern-as-code/v1",
            "kind": "Person",
            "metadata": {"id": "carol"},
            "spec": {"name": "Carol", "email": "carol@example.com", "department": "audit"},
        },
        indent=2,
    ),
    "projects/broken.yaml": project("broken", "  governed: yes\n"),
    "k8s/churn.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: churn\n"
    "  annotations:\n    govern-as-code/model-version: churn-xgb@3\n",
    "config/settings.yaml": "a: [1\n",
}


def test_the_working_tree_and_its_commit_load_the_same(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", MIXED)
    head = git(root, "rev-parse", "HEAD").strip()
    from_tree = load(root)
    from_commit = load(root, "HEAD")
    assert outcome(from_tree) == outcome(from_commit)
    assert refs(from_tree) == [
        ("Person", "alice", "people/alice.yaml"),
        ("Person", "bob", "team/bob.yml"),
        ("Person", "carol", "team/carol.json"),
        ("Portfolio", "acme", "governance.yaml"),
        ("Project", "churn", "projects/churn.yaml"),
    ]
    assert problems(from_tree) == [
        ("parse", "config/settings.yaml", 2),
        ("schema", "projects/broken.yaml", 7),
    ]
    assert [(d.path, d.subject) for d in from_tree.foreign] == [("k8s/churn.yaml", "churn-xgb@3")]
    assert from_tree.files_read == 8
    assert (from_tree.revision, from_commit.revision) == (None, head)
    assert from_tree.source == str(root)
    assert from_commit.source == f"HEAD ({head[:12]})"


def test_a_revision_is_read_from_git_not_from_the_working_tree(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    first = git(root, "rev-parse", "HEAD").strip()
    write(root, {"people/bob.yaml": person("bob")})
    second = commit_all(root, "bob")
    write(root, {"people/alice.yaml": "kind: [\n", "people/dan.yaml": person("dan")})
    (root / "people" / "bob.yaml").unlink()
    assert [i for _, i, _ in refs(load(root, first))] == ["alice", "acme", "churn"]
    assert [i for _, i, _ in refs(load(root, second))] == ["alice", "bob", "acme", "churn"]
    assert [i for _, i, _ in refs(load(root, "main"))] == ["alice", "bob", "acme", "churn"]
    tree = load(root)
    assert [i for _, i, _ in refs(tree)] == ["dan", "acme", "churn"]
    assert problems(tree) == [("parse", "people/alice.yaml", 2)]


def test_an_unknown_revision_is_a_git_error(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    with pytest.raises(GitError) as caught:
        open_source(root, "no-such-branch")
    assert caught.value.message == "the revision 'no-such-branch' is not in this repository"
    assert "git fetch origin no-such-branch" in caught.value.fix


def test_a_folder_outside_git_is_walked_and_has_no_revisions(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    write(root, {**BASE, "team/bob.yml": person("bob"), "node_modules/x/evil.yaml": "a: [\n"})
    source = open_source(root)
    assert isinstance(source, WorktreeSource)
    portfolio = load_portfolio(source)
    assert [i for _, i, _ in refs(portfolio)] == ["alice", "bob", "acme", "churn"]
    assert portfolio.problems == []
    with pytest.raises(GitError) as caught:
        open_source(root, "HEAD")
    assert caught.value.message == f"{root} is not a git repository, so it has no revision 'HEAD'"


def test_a_revision_source_lists_symlinks_without_following_them(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    (root / "people" / "link.yaml").symlink_to("alice.yaml")
    commit_all(root, "link")
    source = open_source(root, "HEAD")
    assert isinstance(source, RevisionSource)
    link = next(c for c in source.candidates() if c.path == "people/link.yaml")
    assert (link.size, link.symlink_target) == (0, "alice.yaml")
    for portfolio in (load(root), load(root, "HEAD")):
        assert [(p.rule, p.path, p.line, p.message) for p in portfolio.problems] == [
            (
                "symlink",
                "people/link.yaml",
                0,
                "symbolic link to 'alice.yaml' (inside the repository) refused; it was not"
                " followed",
            )
        ]
        assert [i for _, i, _ in refs(portfolio)] == ["alice", "acme", "churn"]


# --- which files count ---------------------------------------------------------------------------


def test_untracked_files_are_loaded_and_git_ignored_ones_are_not(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {".gitignore": "scratch/\n*.local.yaml\n"})
    write(
        root,
        {
            "people/bob.yaml": person("bob"),
            "scratch/carol.yaml": person("carol"),
            "scratch/broken.yaml": "a: [\n",
            "people/dan.local.yaml": person("dan"),
        },
    )
    portfolio = load(root)
    assert [i for _, i, _ in refs(portfolio)] == ["alice", "bob", "acme", "churn"]
    assert portfolio.problems == []


def test_gacignore_and_spec_exclude_leave_paths_out(tmp_path: Path) -> None:
    files = {
        ".gacignore": "# drafts are not reviewed yet\ndrafts/\n*.draft.yaml\n",
        "governance.yaml": governance("  exclude:\n    - archive/**\n    - '!archive/keep.yaml'\n"),
        "drafts/broken.yaml": "a: [\n",
        "drafts/bob.yaml": person("bob"),
        "people/carol.draft.yaml": person("carol"),
        "archive/old.yaml": person("old"),
        "archive/keep.yaml": person("kept"),
        "archive/sub/broken.json": "{",
        "people/dan.yaml": person("dan"),
    }
    root = make_repo(tmp_path / "repo", files)
    for portfolio in (load(root), load(root, "HEAD")):
        assert [i for _, i, _ in refs(portfolio)] == ["alice", "dan", "kept", "acme", "churn"]
        assert portfolio.problems == []
        assert portfolio.files_read == 5


def test_load_options_override_what_the_source_says(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {".gacignore": "people/\n", "drafts/bob.yaml": "a: [\n"})
    options = LoadOptions(settings=PortfolioSpec(exclude=["drafts/"]), ignore_lines=())
    portfolio = load(root, options=options)
    assert [i for _, i, _ in refs(portfolio)] == ["alice", "acme", "churn"]
    assert portfolio.settings.exclude == ["drafts/"]
    assert problems(load(root)) == [("parse", "drafts/bob.yaml", 2)]


def test_documents_are_found_by_kind_in_any_folder_and_any_document_suffix(
    tmp_path: Path,
) -> None:
    files = {
        "a/b/c/d/bob.yml": person("bob"),
        "carol.json": json.dumps(
            {
                "apiVersion": "govern-as-code/v1",
                "kind": "Person",
                "metadata": {"id": "carol"},
                "spec": {"name": "Carol", "email": "c@example.com", "department": "risk"},
            }
        ),
        "notes/dan.txt": person("dan"),
        "notes/erin.yaml.bak": person("erin"),
        "package.json": '{"name": "tooling", "version": "1.0.0"}\n',
        ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
        "other/api.yaml": "apiVersion: apps/v1\nkind: Person\n",
    }
    root = make_repo(tmp_path / "repo", files)
    portfolio = load(root)
    assert refs(portfolio) == [
        ("Person", "alice", "people/alice.yaml"),
        ("Person", "bob", "a/b/c/d/bob.yml"),
        ("Person", "carol", "carol.json"),
        ("Portfolio", "acme", "governance.yaml"),
        ("Project", "churn", "projects/churn.yaml"),
    ]
    assert portfolio.problems == []


def test_duplicate_ids_across_folders(tmp_path: Path) -> None:
    files = {
        "team-a/alice.yml": person("alice"),
        "team-b/people/alice.json": json.dumps(
            {
                "apiVersion": "govern-as-code/v1",
                "kind": "Person",
                "metadata": {"id": "alice"},
                "spec": {"name": "A", "email": "a@example.com", "department": "risk"},
            },
            indent=1,
        ),
        "models/churn.yaml": H + "kind: Model\nmetadata:\n  id: churn\nspec:\n  project: churn\n"
        "  task: classification\n  riskTier: low\n",
    }
    root = make_repo(tmp_path / "repo", files)
    portfolio = load(root)
    assert [(p.rule, p.path, p.line, p.column, p.message) for p in portfolio.problems] == [
        (
            "duplicate-id",
            "team-a/alice.yml",
            4,
            3,
            "duplicate Person id 'alice': also defined in people/alice.yaml:4",
        ),
        (
            "duplicate-id",
            "team-b/people/alice.json",
            5,
            3,
            "duplicate Person id 'alice': also defined in people/alice.yaml:4",
        ),
    ]
    assert portfolio.get("Person", "alice").path == "people/alice.yaml"  # type: ignore[union-attr]
    # The same id in two kinds is two different documents.
    assert portfolio.get("Model", "churn") is not None
    assert portfolio.get("Project", "churn") is not None


# --- foreign deployment manifests ----------------------------------------------------------------

K8S = """\
# Two manifests in one file, as kubectl and Argo CD allow.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: churn-scorer
  annotations:
    govern-as-code/model-version: churn-xgb@3
    govern-as-code/environment: staging
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: churn-shadow
  labels:
    app: churn
---
"""

SELDON = """\
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata:
  name: fraud
spec:
  predictor:
    modelVersion: fraud-gbm@2
"""


def foreign_governance() -> str:
    return governance(
        "  deploymentGlobs:\n"
        "    - k8s/**/*.yaml\n"
        "    - glob: seldon/*.yml\n"
        "      annotationPath: spec.predictor.modelVersion\n"
        "      environment: staging\n"
    )


def test_foreign_manifests_in_a_deployment_glob(tmp_path: Path) -> None:
    files = {
        "governance.yaml": foreign_governance(),
        "k8s/apps/churn.yaml": K8S,
        "seldon/fraud.yml": SELDON,
        "elsewhere/deploy.yaml": K8S,  # not in a glob: not ours, skipped
    }
    root = make_repo(tmp_path / "repo", files)
    for portfolio in (load(root), load(root, "HEAD")):
        assert portfolio.problems == []
        assert portfolio.foreign == [
            Deployment("k8s/apps/churn.yaml", 7, 5, "staging", "churn-xgb@3", "churn-scorer", True),
            Deployment("k8s/apps/churn.yaml", 12, 1, "production", None, "churn-shadow", True),
            Deployment("seldon/fraud.yml", 7, 5, "staging", "fraud-gbm@2", "fraud", True),
        ]
        assert [d.path for d in portfolio.deployments()] == [
            "k8s/apps/churn.yaml",
            "k8s/apps/churn.yaml",
            "seldon/fraud.yml",
        ]


def test_a_foreign_manifest_must_still_be_safe_yaml(tmp_path: Path) -> None:
    files = {
        "governance.yaml": foreign_governance(),
        "k8s/anchored.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: &m\n  name: a\n"
        "spec:\n  template:\n    metadata: *m\n",
        "k8s/broken.yaml": "apiVersion: apps/v1\nkind: [\n",
    }
    root = make_repo(tmp_path / "repo", files)
    portfolio = load(root)
    assert problems(portfolio) == [
        ("parse", "k8s/broken.yaml", 3),
        ("yaml-anchor", "k8s/anchored.yaml", 3),
    ]
    assert portfolio.foreign == []


def test_a_governance_document_in_a_deployment_glob_is_a_governance_document(
    tmp_path: Path,
) -> None:
    files = {
        "governance.yaml": foreign_governance(),
        "k8s/deployment.yaml": H + "kind: Deployment\nmetadata:\n  id: churn-staging\nspec:\n"
        "  environment: staging\n  modelVersion: churn-xgb@3\n",
    }
    portfolio = load(make_repo(tmp_path / "repo", files))
    assert portfolio.foreign == []
    assert [(d.path, d.subject, d.foreign) for d in portfolio.deployments()] == [
        ("k8s/deployment.yaml", "churn-xgb@3", False)
    ]


# --- extension schemas ---------------------------------------------------------------------------

EXTENSION = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "required": ["costCenter"],
            "properties": {"costCenter": {"type": "string", "pattern": "^CC-[0-9]{4}$"}},
        }
    },
}


def extension_repo(tmp_path: Path, files: dict[str, str], schema: Any = None) -> Path:
    return make_repo(
        tmp_path / "repo",
        {
            "governance.yaml": governance(
                "  extensionSchemas:\n    Project: schemas-ext/project.json\n"
            ),
            "schemas-ext/project.json": json.dumps(EXTENSION if schema is None else schema),
            **files,
        },
    )


def test_an_extension_schema_adds_a_required_field(tmp_path: Path) -> None:
    root = extension_repo(
        tmp_path,
        {
            "projects/churn.yaml": project("churn", "  costCenter: CC-1234\n"),
            "projects/pricing.yaml": project("pricing", "  workflow: standard\n"),
            "projects/fraud.yaml": project("fraud", "  costCenter: 1234\n"),
            "projects/claims.yaml": project("claims", "  costCenter: CC-0042\n  budget: 5\n"),
        },
    )
    for portfolio in (load(root), load(root, "HEAD")):
        found = [(p.rule, p.path, p.line, p.column, p.message) for p in portfolio.problems]
        assert sorted(found) == [
            (
                "extension-schema",
                "projects/fraud.yaml",
                7,
                3,
                "spec.costCenter: 1234 is not of type 'string'",
            ),
            (
                "extension-schema",
                "projects/pricing.yaml",
                5,
                1,
                "spec: 'costCenter' is a required property",
            ),
            ("schema", "projects/claims.yaml", 8, 3, "spec.budget: unknown field"),
        ]
        hints = {p.path: p.hint for p in portfolio.problems}
        assert hints["projects/pricing.yaml"] == (
            "required by the organisation's extension schema schemas-ext/project.json"
        )
        assert [i for _, i, _ in refs(portfolio)] == ["alice", "acme", "churn"]
        churn = portfolio.get("Project", "churn")
        assert churn is not None
        assert churn.data.value["spec"]["costCenter"] == "CC-1234"


def test_an_extension_field_of_another_kind_is_still_unknown(tmp_path: Path) -> None:
    root = extension_repo(tmp_path, {"people/bob.yaml": person("bob", "  costCenter: CC-1234\n")})
    assert problems(load(root)) == [
        (
            "extension-schema",
            "projects/churn.yaml",
            5,
        ),
        ("schema", "people/bob.yaml", 9),
    ]


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        (
            {"type": 12},
            "the extension schema for Project is not a valid JSON Schema: 12 is not valid under"
            " any of the given schemas",
        ),
        ("not json", "the extension schema for Project is not a valid JSON Schema: Expecting"),
    ],
)
def test_a_broken_extension_schema_is_a_problem_not_a_crash(
    tmp_path: Path, schema: Any, message: str
) -> None:
    root = extension_repo(tmp_path, {}, schema)
    if schema == "not json":
        (root / "schemas-ext" / "project.json").write_text("{not json", encoding="utf-8")
    portfolio = load(root)
    found = [p for p in portfolio.problems if p.rule == "extension-schema"]
    assert len(found) == 1
    assert (found[0].path, found[0].line) == ("schemas-ext/project.json", 0)
    assert found[0].message.startswith(message)
    # Broken JSON is also reported as the broken file it is.
    others = [(p.rule, p.path, p.line) for p in portfolio.problems if p not in found]
    assert others == ([("parse", "schemas-ext/project.json", 2)] if schema == "not json" else [])
    assert [i for _, i, _ in refs(portfolio)] == ["alice", "acme", "churn"]


def test_a_missing_extension_schema_is_reported_on_governance_yaml(tmp_path: Path) -> None:
    root = extension_repo(tmp_path, {})
    (root / "schemas-ext" / "project.json").unlink()
    assert [(p.rule, p.path, p.line, p.message) for p in load(root).problems] == [
        (
            "extension-schema",
            "governance.yaml",
            0,
            "extension schema schemas-ext/project.json for Project was not found",
        )
    ]


def test_a_symlinked_extension_schema_is_not_followed(tmp_path: Path) -> None:
    root = extension_repo(tmp_path, {})
    (root / "schemas-ext" / "project.json").unlink()
    (tmp_path / "outside.json").write_text(json.dumps(EXTENSION), encoding="utf-8")
    (root / "schemas-ext" / "project.json").symlink_to("../../outside.json")
    commit_all(root, "link")
    for portfolio in (load(root), load(root, "HEAD")):
        assert sorted((p.rule, p.path, p.line) for p in portfolio.problems) == [
            ("extension-schema", "governance.yaml", 0),
            ("symlink", "schemas-ext/project.json", 0),
        ]
        assert [i for _, i, _ in refs(portfolio)] == ["alice", "acme", "churn"]


def test_an_extension_schema_with_an_unresolvable_ref_is_a_problem(tmp_path: Path) -> None:
    schema = {"properties": {"spec": {"$ref": "https://example.invalid/cost.json"}}}
    root = extension_repo(tmp_path, {}, schema)
    assert [(p.rule, p.path, p.line, p.message) for p in load(root).problems] == [
        (
            "extension-schema",
            "schemas-ext/project.json",
            0,
            "the extension schema for Project cannot be applied: Unresolvable:"
            " https://example.invalid/cost.json",
        )
    ]


# --- settings ------------------------------------------------------------------------------------


def test_a_broken_governance_file_falls_back_to_defaults_and_is_reported_once(
    tmp_path: Path,
) -> None:
    root = make_repo(
        tmp_path / "repo",
        {
            "governance.yaml": governance("  exclude: [drafts/]\n  bogus: 1\n"),
            "drafts/x.yaml": "a: [\n",
        },
    )
    portfolio = load(root)
    assert portfolio.settings == PortfolioSpec()
    assert problems(portfolio) == [("parse", "drafts/x.yaml", 2), ("schema", "governance.yaml", 10)]


def test_governance_yml_is_read_for_settings(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    (root / "governance.yaml").rename(root / "governance.yml")
    write(root, {"governance.yml": governance("  exclude: [drafts/]\n"), "drafts/x.yaml": "a: [\n"})
    portfolio = load(root)
    assert portfolio.settings.exclude == ["drafts/"]
    assert portfolio.problems == []
