"""`gac new`: documents from templates/new/, typed --set, validation before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from authoring_helpers import DIGEST, NOW, gac, init_portfolio, ok
from repo_helpers import git

from govern_as_code.commands.authoring.new import NewRequest, create
from govern_as_code.documents.yaml_loader import load_text
from govern_as_code.errors import UsageError
from govern_as_code.portfolio import load_portfolio, open_source


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_portfolio(tmp_path / "portfolio")


def test_every_document_lands_in_its_conventional_path_and_validates(repo: Path) -> None:
    portfolio = load_portfolio(open_source(repo))
    assert portfolio.problems == []
    assert {d.path: d.ref for d in portfolio.documents} == {
        "governance.yaml": "Portfolio/acme",
        "people/dan.yaml": "Person/dan",
        "people/rita.yaml": "Person/rita",
        "workflows/standard.yaml": "Workflow/standard",
        "projects/churn/project.yaml": "Project/churn",
        "projects/churn/models/churn-xgb/model.yaml": "Model/churn-xgb",
        "projects/churn/models/churn-xgb/versions/1.yaml": "ModelVersion/churn-xgb@1",
    }
    text = (repo / "projects/churn/models/churn-xgb/versions/1.yaml").read_text()
    assert text.startswith(
        "# yaml-language-server: $schema=https://govern-as-code.dev/schemas/v1/"
        "modelversion.schema.json\n"
    )
    spec = load_text(text).value["spec"]
    # --set values are typed by the schema; the author is the Person of git's user.email.
    assert spec["metrics"] == {"performance": {"auc": 0.84}}
    assert spec["version"] == "1" and spec["createdBy"] == "dan"
    assert spec["created"] == "2026-03-02T10:00:00Z"
    assert spec["artifact"] == {"uri": "s3://models/churn/1", "digest": DIGEST}
    rita = load_text((repo / "people/rita.yaml").read_text()).value["spec"]
    assert rita["roles"] == ["risk-acceptance", "risk-review"]


def test_unknown_kind_suggests_the_closest(repo: Path) -> None:
    result = gac(repo, "new", "Projetc", "x")
    assert result.exit_code == 2
    assert "gac: error: unknown kind 'Projetc'" in result.output
    assert "gac: fix: did you mean Project?" in result.output


def test_duplicate_id_is_refused(repo: Path) -> None:
    result = gac(repo, "new", "Project", "churn", "--set", "owner=dan")
    assert result.exit_code == 2
    assert "Project 'churn' already exists in projects/churn/project.yaml" in result.output


def test_missing_reference_names_the_line_and_a_close_id_and_writes_nothing(repo: Path) -> None:
    result = gac(repo, "new", "Project", "fraud", "--set", "workflow=standrad")
    assert result.exit_code == 2
    assert "projects/fraud/project.yaml:" in result.output
    assert "spec.workflow names Workflow 'standrad', which does not exist" in result.output
    assert "did you mean standard?" in result.output
    assert not (repo / "projects/fraud").exists()


def test_missing_parent_model_suggests_the_closest(repo: Path) -> None:
    result = gac(repo, "new", "ModelVersion", "churn-xbg@2", "--set", "artifact.uri=s3://x")
    assert result.exit_code == 2
    assert "there is no Model 'churn-xbg'" in result.output
    assert "did you mean churn-xgb?" in result.output


def test_without_a_terminal_required_fields_come_from_set(repo: Path) -> None:
    result = gac(repo, "new", "Model", "fraud-gbm", "--set", "project=churn")
    assert result.exit_code == 2
    assert "Model needs spec.task, spec.riskTier; nothing was written" in result.output
    assert "pass --set task=VALUE --set riskTier=VALUE" in result.output
    assert not (repo / "projects/churn/models/fraud-gbm").exists()


def test_a_value_of_the_wrong_type_is_refused(repo: Path) -> None:
    result = gac(repo, "new", "Model", "m2", "--set", "revalidateEveryDays=soon")
    assert result.exit_code == 2
    assert "spec.revalidateEveryDays takes a number, not 'soon'" in result.output
    result = gac(repo, "new", "Model", "m2", "--set", "colour=red")
    assert result.exit_code == 2
    assert "spec.colour is not a field of this kind" in result.output


def test_a_schema_violation_names_the_file_and_line(repo: Path) -> None:
    result = gac(
        repo,
        "new",
        "Model",
        "m2",
        "--set",
        "project=churn",
        "--set",
        "task=t",
        "--set",
        "riskTier=severe",
    )
    assert result.exit_code == 2
    assert "projects/churn/models/m2/model.yaml:" in result.output
    assert (
        "spec.riskTier: 'severe' is not allowed: it must be 'low', 'medium', 'high' or"
        " 'critical'" in result.output
    )
    assert not (repo / "projects/churn/models/m2").exists()


def test_prompts_for_the_required_fields_when_asked(repo: Path) -> None:
    answers = {"spec.goal": "Keep customers", "spec.owner": "rita"}
    asked: list[str] = []

    def ask(dotted: str) -> str:
        asked.append(dotted)
        return answers[dotted]

    git(repo, "config", "user.email", "nobody@acme.example")  # no Person: owner is asked for
    path, commit = create(NewRequest(repo, "initiative", "retention", ask=ask))
    assert (path, commit) == ("initiatives/retention.yaml", None)
    assert asked == ["spec.goal", "spec.owner"]
    spec = load_text((repo / path).read_text()).value["spec"]
    assert spec["goal"] == "Keep customers" and spec["owner"] == "rita"


def test_approvals_are_not_written_from_templates(repo: Path) -> None:
    with pytest.raises(UsageError, match="gac approve"):
        create(NewRequest(repo, "Approval", "x"))


def test_commit_records_the_new_file(repo: Path) -> None:
    out = ok(
        gac(
            repo,
            "new",
            "Deployment",
            "churn-staging",
            "--set",
            "environment=staging",
            "--set",
            "modelVersion=churn-xgb@1",
            "--commit",
            "--now",
            NOW,
        )
    )
    assert out.startswith("created: deployments/staging/churn-staging.yaml (commit ")
    assert git(repo, "log", "-1", "--format=%s").strip() == "Add Deployment churn-staging"
    assert git(repo, "status", "--porcelain").strip() == ""


def test_the_first_commit_of_a_new_repository(tmp_path: Path) -> None:
    root = tmp_path / "fresh"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "dan@acme.example")
    git(root, "config", "user.name", "Dan Duval")
    git(root, "config", "commit.gpgsign", "false")
    out = ok(gac(root, "new", "Portfolio", "acme", "--commit"))
    assert out.startswith("created: governance.yaml (commit ")
    assert git(root, "log", "--format=%s").strip() == "Add Portfolio acme"


def test_commit_outside_git_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    root.mkdir()
    ok(gac(root, "new", "Portfolio", "acme"))
    result = gac(root, "new", "Workflow", "standard", "--commit")
    assert result.exit_code == 2
    assert "--commit needs a git repository" in result.output
    assert not (root / "workflows").exists()
