"""`gac import model-card`: real Hugging Face model cards, parsed by huggingface_hub."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from authoring_helpers import gac, init_portfolio, ok
from repo_helpers import git

from govern_as_code.documents.yaml_loader import load_text

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = init_portfolio(tmp_path / "portfolio")
    shutil.copytree(FIXTURES / "model_cards", root / "cards")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Cards")
    return root


def spec(root: Path, path: str) -> dict[str, object]:
    value = load_text((root / path).read_text()).value
    assert isinstance(value, dict)
    return value


def test_cards_become_models_and_versions_with_metrics_licence_and_base_model(repo: Path) -> None:
    out = ok(gac(repo, "import", "model-card", "cards", "--project", "churn", "--risk", "medium"))
    base = "projects/churn/models"
    assert out.splitlines() == [
        f"wrote {base}/acme-deberta-ner/model.yaml",
        f"wrote {base}/acme-deberta-ner/versions/1.yaml",
        f"wrote {base}/plain/model.yaml",
        f"wrote {base}/plain/versions/1.yaml",
        f"wrote {base}/acme-distilbert-sst2/model.yaml",
        f"wrote {base}/acme-distilbert-sst2/versions/1.yaml",
    ]
    sst2 = spec(repo, f"{base}/acme-distilbert-sst2/model.yaml")
    assert sst2["metadata"] == {
        "id": "acme-distilbert-sst2",
        "title": "Acme distilbert sst2",
        "labels": {"license": "apache-2.0", "base-model": "distilbert-base-uncased"},
    }
    assert sst2["spec"]["task"] == "text-classification"  # type: ignore[index]
    assert sst2["spec"]["source"] == {  # type: ignore[index]
        "type": "huggingface",
        "uri": "hf://acme/distilbert-sst2",
    }
    version = spec(repo, f"{base}/acme-distilbert-sst2/versions/1.yaml")["spec"]
    card = (repo / "cards/sentiment/README.md").read_bytes()
    assert version["artifact"] == {  # type: ignore[index]
        "uri": "hf://acme/distilbert-sst2",
        "digest": "sha256:" + hashlib.sha256(card).hexdigest(),
    }
    assert version["metrics"] == {"performance": {"accuracy": 0.9105504587155964}}  # type: ignore[index]
    # Several model-index results: a metric reported on two datasets keeps both figures.
    ner = spec(repo, f"{base}/acme-deberta-ner/versions/1.yaml")["spec"]
    assert ner["metrics"] == {  # type: ignore[index]
        "performance": {
            "f1/conll2003-conll2003-test": 0.921,
            "precision": 0.915,
            "recall": 0.927,
            "f1/wnut_17-test": 0.583,
        }
    }
    ner_model = spec(repo, f"{base}/acme-deberta-ner/model.yaml")["metadata"]
    assert ner_model["labels"] == {  # type: ignore[index]
        "license": "mit",
        "base-model": "microsoft/deberta-v3-base",
    }
    # A card without model-index: no metrics, the task from pipeline_tag, found by its folder.
    plain = spec(repo, f"{base}/plain/versions/1.yaml")["spec"]
    assert plain["metrics"] == {"performance": {}}  # type: ignore[index]
    assert plain["source"]["uri"] == "cards/plain/README.md"  # type: ignore[index]
    assert spec(repo, f"{base}/plain/model.yaml")["spec"]["task"] == "summarization"  # type: ignore[index]


def test_reimporting_updates_and_never_duplicates(repo: Path) -> None:
    ok(gac(repo, "import", "model-card", "cards", "--project", "churn", "--risk", "medium"))
    assert ok(gac(repo, "import", "model-card", "cards")) == "up to date: nothing changed\n"
    card = repo / "cards/sentiment/README.md"
    card.write_text(card.read_text().replace("0.9105504587155964", "0.92"))
    out = ok(gac(repo, "import", "model-card", "cards"))
    assert out == "wrote projects/churn/models/acme-distilbert-sst2/versions/1.yaml\n"
    version = spec(repo, "projects/churn/models/acme-distilbert-sst2/versions/1.yaml")["spec"]
    assert version["metrics"] == {"performance": {"accuracy": 0.92}}  # type: ignore[index]
    models = sorted(p.parent.name for p in (repo / "projects/churn/models").glob("*/model.yaml"))
    assert models == ["acme-deberta-ner", "acme-distilbert-sst2", "churn-xgb", "plain"]


def test_a_new_model_needs_a_project_and_a_risk_tier(repo: Path) -> None:
    result = gac(repo, "import", "model-card", "cards/plain/README.md")
    assert result.exit_code == 2
    assert "model 'plain' is new, so it needs --project, --risk" in result.output
    assert not (repo / "projects/churn/models/plain").exists()


def test_broken_front_matter_names_the_file_and_line(repo: Path) -> None:
    card = FIXTURES / "model_card_broken/README.md"
    result = gac(repo, "import", "model-card", str(card), "--project", "churn", "--risk", "low")
    assert result.exit_code == 2
    assert (
        f"gac: error: {card}:4: the model card's front matter is broken: expected ',' or ']',"
        " but got ':' (while parsing a flow sequence on line 3)"
    ) in result.output
    assert git(repo, "status", "--porcelain").strip() == ""
