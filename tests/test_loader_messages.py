"""What the loader says about an invalid document: one problem where the fault is, values as
written, a hint that fits, and the nearest field name for a typo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from repo_helpers import H, commit_all, git, write

from govern_as_code.cli.main import cli
from govern_as_code.documents.yaml_loader import LoadIssue, dig, load_text
from govern_as_code.problems import Problem

ZERO = "sha256:" + "0" * 64
BASE = {
    "governance.yaml": H + "kind: Portfolio\nmetadata:\n  id: acme\n",
    "people/alice.yaml": H + "kind: Person\nmetadata:\n  id: alice\nspec:\n  name: Alice\n"
    "  email: alice@example.com\n  department: risk\n",
    "people/bob.yaml": H + "kind: Person\nmetadata:\n  id: bob\nspec:\n  name: Bob\n"
    "  email: bob@example.com\n  department: audit\n",
    "projects/churn/project.yaml": H + "kind: Project\nmetadata:\n  id: churn\nspec:\n"
    "  owner: alice\n",
    "projects/churn/models/churn-xgb/model.yaml": H + "kind: Model\nmetadata:\n  id: churn-xgb\n"
    "spec:\n  project: churn\n  task: classification\n  riskTier: high\n",
}


def version(extra: str = "", version: str = '"3"') -> str:
    return (
        H + f"kind: ModelVersion\nmetadata:\n  id: churn-xgb@3\nspec:\n  model: churn-xgb\n"
        f"  version: {version}\n  created: 2026-01-15T10:00:00Z\n  createdBy: alice\n"
        f"  artifact:\n    uri: s3://m/3\n    digest: {ZERO}\n" + extra
    )


def approval(role: str, reviewer: str) -> str:
    return (
        H + f"kind: Approval\nmetadata:\n  id: {role}-{reviewer}\nspec:\n  subject: churn-xgb@3\n"
        f"  digest: {ZERO}\n  role: {role}\n  reviewer: {reviewer}\n  decision: approved\n"
        "  date: 2026-02-01T10:00:00Z\n"
    )


def validate(tmp_path: Path, files: dict[str, str]) -> list[dict[str, Any]]:
    root = tmp_path / "repo"
    write(root, {**BASE, **files})
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "portfolio")
    result = CliRunner().invoke(cli, ["validate", "--repo", str(root), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    problems: list[dict[str, Any]] = json.loads(result.stdout)["problems"]
    return problems


def shape(problems: list[dict[str, Any]]) -> list[tuple[str, str, int, str]]:
    return [(p["rule"], p["path"], p["line"], p["message"]) for p in problems]


# --- 4. a reference to an invalid document is one problem, pointing at the invalid one -------

VERSION_PATH = "projects/churn/models/churn-xgb/versions/3.yaml"


def test_references_to_an_invalid_version_are_one_problem_pointing_at_it(tmp_path: Path) -> None:
    problems = validate(
        tmp_path,
        {
            VERSION_PATH: version("  stauts: production\n"),  # a typo makes it invalid
            "approvals/churn-xgb/3/technical-review--bob.yaml": approval("technical-review", "bob"),
            "approvals/churn-xgb/3/risk-review--bob.yaml": approval("risk-review", "bob"),
            "deployments/production/churn.yaml": H + "kind: Deployment\nmetadata:\n  id: churn\n"
            "spec:\n  environment: production\n  modelVersion: churn-xgb@3\n",
        },
    )
    assert shape(problems) == [
        (
            "references-resolve",
            "approvals/churn-xgb/3/risk-review--bob.yaml",
            6,
            f"spec.subject names ModelVersion 'churn-xgb@3', which is invalid ({VERSION_PATH}:4);"
            " 2 other documents name it too (approvals/churn-xgb/3/technical-review--bob.yaml,"
            " deployments/production/churn.yaml)",
        ),
        ("schema", VERSION_PATH, 13, "spec.stauts: unknown field"),
    ]
    assert problems[0]["hint"] == f"fix the problems reported for {VERSION_PATH} first"
    assert problems[1]["hint"].startswith("did you mean 'status'? ")


def test_a_reference_to_a_document_that_does_not_exist_is_still_reported_each_time(
    tmp_path: Path,
) -> None:
    problems = validate(
        tmp_path, {"approvals/a.yaml": approval("technical-review", "bob")}
    )  # no version at all
    assert [(p["rule"], p["message"]) for p in problems] == [
        (
            "references-resolve",
            "spec.subject names ModelVersion 'churn-xgb@3', which does not exist",
        )
    ]


# --- 5. and 7. hints that fit, values as written ------------------------------------------------


@pytest.mark.parametrize(
    ("line", "message", "hint"),
    [
        (
            "  objectives: [Reduce churn]\n",
            "spec.objectives: must be a string, not a list ['Reduce churn']",
            "a string is expected: write it as text (join the items into one sentence),"
            " without [ ] or '- ' lines",
        ),
        (
            "  objectives:\n    - Reduce churn\n    - Keep margin\n",
            "spec.objectives: must be a string, not a list ['Reduce churn', 'Keep margin']",
            "a string is expected: write it as text (join the items into one sentence),"
            " without [ ] or '- ' lines",
        ),
        (
            "  scope: Retention: EU only\n",
            "",  # a parse error, reported by the YAML loader
            "",
        ),
        (
            "  scope:\n    EU: only\n",
            "spec.scope: must be a string, not a mapping",
            "a string is expected: write it as text; a ': ' inside it made YAML read a"
            " mapping, so put the whole text in quotes",
        ),
        (
            "  sponsors:\n    -\n",
            "spec.sponsors.0: must be a string, but it is empty",
            "write a value, or remove the field",
        ),
        (
            "  useCase: 2026\n",
            "spec.useCase: must be a string, not int 2026",
            "quote it ('2026') so YAML keeps it as written",
        ),
        (
            "  governed: 'true'\n",
            "spec.governed: must be true or false, not the text 'true'",
            "remove the quotes",
        ),
        (
            "  sponsors: bob\n",
            "spec.sponsors: must be a valid list, not 'bob'",
            "write a list: [a, b] on one line, or one '- item' per line",
        ),
        (
            "  qualification:\n    value: '4'\n    risk: 2\n    feasibility: 3\n",
            "spec.qualification.value: must be a valid integer (a whole number), not the text '4'",
            "write the number without quotes",
        ),
        (
            "  qualification:\n    value: 4.50\n    risk: 2\n    feasibility: 3\n",
            "spec.qualification.value: must be a valid integer (a whole number), not 4.50",
            "write a whole number, without a decimal point",
        ),
        (
            "  stages:\n    - id: intake\n      status: done\n",
            "spec.stages.0.status: 'done' is not allowed: it must be 'not-started',"
            " 'in-progress' or 'complete'",
            "use one of: not-started, in-progress, complete",
        ),
    ],
)
def test_type_mismatch_hints_fit_what_was_written(
    tmp_path: Path, line: str, message: str, hint: str
) -> None:
    project = H + "kind: Project\nmetadata:\n  id: churn\nspec:\n  owner: alice\n" + line
    problems = [
        p
        for p in validate(tmp_path, {"projects/churn/project.yaml": project})
        if p["rule"] != "references-resolve"  # the model names the project, now invalid
    ]
    assert len(problems) == 1, problems
    if not message:
        assert problems[0]["rule"] == "parse"
        return
    assert (problems[0]["message"], problems[0]["hint"]) == (message, hint)


def test_a_version_is_echoed_as_written(tmp_path: Path) -> None:
    problems = validate(
        tmp_path,
        {VERSION_PATH: version(version="1.10").replace("churn-xgb@3", "churn-xgb@1.10")},
    )
    assert [(p["message"], p["hint"]) for p in problems] == [
        (
            "spec.version: must be a string, not float 1.10",
            "quote it ('1.10') so YAML keeps it as written",
        )
    ]


def test_an_out_of_range_number_is_echoed_as_written(tmp_path: Path) -> None:
    project = (
        H + "kind: Project\nmetadata:\n  id: churn\nspec:\n  owner: alice\n"
        "  qualification:\n    value: 5.0e1\n    risk: 2\n    feasibility: 3\n"
    )
    problems = validate(tmp_path, {"projects/churn/project.yaml": project})
    assert [p["message"] for p in problems if p["rule"] == "schema"] == [
        "spec.qualification.value: must be a valid integer (a whole number), not 5.0e1"
    ]


# --- 6. did you mean, at every level ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "text", "where", "nearest"),
    [
        ("people/carol.yaml", "apiVersion: govern-as-code/v1\nkind: Person\nmetdata:\n  id: c\n"
         "spec:\n  name: C\n  email: c@example.com\n  department: risk\n", "metdata", "metadata"),
        ("people/carol.yaml", H + "kind: Person\nmetadata:\n  id: carol\n  lables: {}\nspec:\n"
         "  name: C\n  email: c@example.com\n  department: risk\n", "metadata.lables", "labels"),
        ("people/carol.yaml", H + "kind: Person\nmetadata:\n  id: carol\nspec:\n  name: C\n"
         "  emial: c@example.com\n  department: risk\n", "spec.emial", "email"),
        (VERSION_PATH, version().replace("    digest:", "    digets:"), "spec.artifact.digets",
         "digest"),
        ("projects/churn/project.yaml", H + "kind: Project\nmetadata:\n  id: churn\nspec:\n"
         "  owner: alice\n  stages:\n    - id: intake\n      status: complete\n"
         "      comments:\n        - by: bob\n          on: 2026-01-01\n          txt: ok\n",
         "spec.stages.0.comments.0.txt", "text"),
        ("projects/churn/models/churn-xgb/model.yaml", H + "kind: Model\nmetadata:\n"
         "  id: churn-xgb\nspec:\n  project: churn\n  task: t\n  riskTier: high\n"
         "  source:\n    Type: mlflow\n", "spec.source.Type", "type"),
        ("governance.yaml", H + "kind: Portfolio\nmetadata:\n  id: acme\nspec:\n"
         "  deploymentGlobs:\n    - glob: k8s/*.yaml\n      annotationpath: a.b\n",
         "spec.deploymentGlobs.0.DeploymentGlob.annotationpath", "annotationPath"),
    ],
)  # fmt: skip
def test_an_unknown_field_gets_the_nearest_known_name(
    tmp_path: Path, path: str, text: str, where: str, nearest: str
) -> None:
    problems = validate(tmp_path, {path: text})
    unknown = [p for p in problems if p["message"] == f"{where}: unknown field"]
    assert len(unknown) == 1, problems
    assert unknown[0]["hint"].startswith(f"did you mean {nearest!r}? remove it or fix its spelling")


def test_an_unknown_field_with_no_near_name_keeps_the_plain_hint(tmp_path: Path) -> None:
    person = H + "kind: Person\nmetadata:\n  id: carol\nspec:\n  name: C\n  email: c@example.com\n"
    problems = validate(
        tmp_path, {"people/carol.yaml": person + "  department: risk\n  shoeSize: 44\n"}
    )
    assert [(p["message"], p["hint"]) for p in problems] == [
        (
            "spec.shoeSize: unknown field",
            "remove it or fix its spelling; see schemas/person.schema.json, or declare it in an"
            " extension schema",
        )
    ]


# --- 8. one conversion and one dotted getter ------------------------------------------------------


def test_a_load_issue_becomes_a_problem_in_one_way() -> None:
    issue = LoadIssue("parse", "invalid YAML", 3, 7, "fix it")
    assert issue.to_problem("a.yaml") == Problem("a.yaml", 3, 7, "parse", "invalid YAML", "fix it")
    assert issue.to_problem("a.yaml").hint == "fix it"


def test_dig_follows_keys_and_indexes_and_never_raises() -> None:
    value = load_text("a:\n  b:\n    - c: 1\n").value
    assert dig(value, ("a", "b", 0, "c")) == 1
    assert dig(value, ("a", "b", 1, "c")) is None
    assert dig(value, ("a", "b", "c")) is None
    assert dig(value, ("a", "x", "y")) is None
    assert dig(value, ()) == value
