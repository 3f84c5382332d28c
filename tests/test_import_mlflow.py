"""`gac import mlflow` against a real local MLflow tracking store (sqlite), with models
registered by the test itself through the MLflow client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mlflow
import pytest
from authoring_helpers import gac, init_portfolio, ok
from repo_helpers import git

from govern_as_code.documents.yaml_loader import load_text

# MLflow and SQLAlchemy emit their own deprecation warnings while the store is created.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")

VERSIONS = "projects/churn/models/fraud-gbm/versions"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Any]:
    folder = tmp_path_factory.mktemp("mlflow")
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    experiment = client.create_experiment("fraud", artifact_location=str(folder / "artifacts"))
    client.create_registered_model(
        "Fraud GBM",
        description="Card fraud scoring",
        tags={"task": "binary classification", "team": "fraud-ops"},
    )
    for auc, recall in ((0.81, 0.71), (0.86, 0.74)):
        run = client.create_run(experiment)
        client.log_metric(run.info.run_id, "auc", auc)
        client.log_metric(run.info.run_id, "recall", recall)
        client.set_terminated(run.info.run_id)
        client.create_model_version(
            "Fraud GBM",
            source=f"runs:/{run.info.run_id}/model",
            run_id=run.info.run_id,
            description=f"GBM with auc {auc}",
            tags={"sha256": f"{int(auc * 100):064d}"},
        )
    client.set_registered_model_alias("Fraud GBM", "champion", "1")
    client.set_registered_model_alias("Fraud GBM", "challenger", "2")
    client.create_registered_model("Other Model", tags={"task": "regression"})
    return uri, client


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_portfolio(tmp_path / "portfolio")


def doc(root: Path, path: str) -> dict[str, Any]:
    value = load_text((root / path).read_text()).value
    assert isinstance(value, dict)
    return value


def test_registered_models_become_documents_and_reimports_update_them(
    repo: Path, store: tuple[str, Any]
) -> None:
    uri, client = store
    args = ("import", "mlflow", "--tracking-uri", uri, "--model", "Fraud GBM")
    out = ok(gac(repo, *args, "--project", "churn", "--risk", "high"))
    assert out.splitlines() == [
        "wrote projects/churn/models/fraud-gbm/model.yaml",
        f"wrote {VERSIONS}/1.yaml",
        f"wrote {VERSIONS}/2.yaml",
    ]
    model = doc(repo, "projects/churn/models/fraud-gbm/model.yaml")
    assert model["metadata"]["description"] == "Card fraud scoring"
    assert model["metadata"]["labels"] == {"task": "binary classification", "team": "fraud-ops"}
    assert model["spec"]["source"] == {"type": "mlflow", "uri": f"{uri}#/models/Fraud GBM"}
    assert model["spec"]["riskTier"] == "high"
    first = doc(repo, f"{VERSIONS}/1.yaml")
    run_id = first["spec"]["source"]["runId"]
    assert first["spec"]["status"] == "production"  # the champion alias
    assert first["spec"]["metrics"] == {"performance": {"auc": 0.81, "recall": 0.71}}
    assert first["spec"]["artifact"] == {
        "uri": f"runs:/{run_id}/model",
        "digest": "sha256:" + "81".zfill(64),
    }
    assert first["spec"]["source"] == {
        "type": "mlflow",
        "uri": uri,
        "version": "1",
        "runId": run_id,
    }
    assert first["metadata"]["description"] == "GBM with auc 0.81"
    assert doc(repo, f"{VERSIONS}/2.yaml")["spec"]["status"] == "challenger"
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Import")

    assert ok(gac(repo, *args)) == "up to date: nothing changed\n"

    # The challenger becomes champion in MLflow: one re-import swaps both statuses.
    client.set_registered_model_alias("Fraud GBM", "champion", "2")
    client.delete_registered_model_alias("Fraud GBM", "challenger")
    out = ok(gac(repo, *args, "--commit"))
    assert out.splitlines()[:2] == [f"wrote {VERSIONS}/1.yaml", f"wrote {VERSIONS}/2.yaml"]
    assert doc(repo, f"{VERSIONS}/1.yaml")["spec"]["status"] == "retired"
    assert doc(repo, f"{VERSIONS}/2.yaml")["spec"]["status"] == "production"
    assert git(repo, "status", "--porcelain").strip() == ""
    listed = sorted(p.name for p in (repo / VERSIONS).iterdir())
    assert listed == ["1.yaml", "2.yaml"]


def test_an_unknown_model_suggests_the_registered_ones(repo: Path, store: tuple[str, Any]) -> None:
    uri, _ = store
    result = gac(repo, "import", "mlflow", "--tracking-uri", uri, "--model", "Fraud GMB")
    assert result.exit_code == 2
    assert "MLflow has no registered model 'Fraud GMB'" in result.output
    assert "did you mean Fraud GBM?" in result.output


def test_an_unreachable_server_stops_with_the_fix_and_writes_nothing(repo: Path) -> None:
    result = gac(
        repo,
        "import",
        "mlflow",
        "--tracking-uri",
        "http://127.0.0.1:1",
        "--project",
        "churn",
        "--risk",
        "low",
    )
    assert result.exit_code == 2
    assert "gac: error: cannot read the MLflow registry at http://127.0.0.1:1:" in result.output
    assert "nothing was written" in result.output
    assert "gac: fix: check --tracking-uri and that the tracking server is up" in result.output
    assert git(repo, "status", "--porcelain").strip() == ""
