"""`gac registry`, `gac promote` and `gac version new` on a real git repository."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from authoring_helpers import NOW, gac, init_portfolio, ok
from repo_helpers import git

from govern_as_code.documents.yaml_loader import load_text

VERSIONS = "projects/churn/models/churn-xgb/versions"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_portfolio(tmp_path / "portfolio")


def status(root: Path, version: str) -> str:
    value = load_text((root / VERSIONS / f"{version}.yaml").read_text()).value["spec"]["status"]
    assert isinstance(value, str)
    return value


def test_version_new_hashes_the_artifact_and_takes_the_next_number(
    repo: Path, tmp_path: Path
) -> None:
    artifact = tmp_path / "model.bin"
    artifact.write_bytes(b"\x00weights\x01" * 1000)
    out = ok(
        gac(
            repo,
            "version",
            "new",
            "churn-xgb",
            "--artifact",
            "s3://models/churn/2",
            "--artifact-file",
            str(artifact),
            "--code-ref",
            "git+https://git.acme.example/churn@abc123",
            "--metric",
            "auc=0.86",
            "--now",
            NOW,
        )
    )
    assert out == f"registered churn-xgb@2: {VERSIONS}/2.yaml\n"
    spec = load_text((repo / VERSIONS / "2.yaml").read_text()).value["spec"]
    assert spec["artifact"] == {
        "uri": "s3://models/churn/2",
        "digest": "sha256:" + hashlib.sha256(artifact.read_bytes()).hexdigest(),
    }
    assert spec["metrics"] == {"performance": {"auc": 0.86}}
    assert spec["codeRef"] == "git+https://git.acme.example/churn@abc123"
    assert spec["status"] == "candidate" and spec["createdBy"] == "dan"


def test_version_new_needs_exactly_one_digest_source(repo: Path) -> None:
    result = gac(repo, "version", "new", "churn-xgb", "--artifact", "s3://x")
    assert result.exit_code == 2
    assert "give exactly one of --digest and --artifact-file" in result.output
    result = gac(repo, "version", "new", "churn-xbg", "--artifact", "s3://x", "--digest", "x")
    assert result.exit_code == 2


def test_promote_to_production_retires_the_old_one_in_one_commit(repo: Path) -> None:
    ok(gac(repo, "promote", "churn-xgb@1", "--to", "production", "--commit"))
    ok(
        gac(
            repo,
            "version",
            "new",
            "churn-xgb",
            "--artifact",
            "s3://models/churn/2",
            "--digest",
            "sha256:" + "c" * 64,
            "--commit",
        )
    )
    ok(gac(repo, "promote", "churn-xgb@2", "--to", "challenger"))
    git(repo, "commit", "-qam", "Challenger")
    before = git(repo, "rev-parse", "HEAD").strip()
    out = ok(gac(repo, "promote", "churn-xgb@2", "--to", "production", "--commit"))
    assert out.splitlines()[:2] == [
        "churn-xgb@2: challenger -> production",
        "churn-xgb@1: production -> retired",
    ]
    assert (status(repo, "1"), status(repo, "2")) == ("retired", "production")
    assert git(repo, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    changed = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(changed) == [f"{VERSIONS}/1.yaml", f"{VERSIONS}/2.yaml"]


def test_promoting_to_the_same_status_is_refused(repo: Path) -> None:
    result = gac(repo, "promote", "churn-xgb@1", "--to", "retired")
    assert result.exit_code == 0
    result = gac(repo, "promote", "churn-xgb@1", "--to", "retired")
    assert result.exit_code == 2
    assert "churn-xgb@1 is already retired" in result.output


def test_registry_lists_status_metric_drift_approvals_and_gate(repo: Path) -> None:
    text = (repo / VERSIONS / "1.yaml").read_text()
    (repo / VERSIONS / "1.yaml").write_text(
        text.replace("status: candidate", "status: production").replace(
            "    performance:\n",
            "    drift:\n      - {date: '2026-02-01', psi: 0.31}\n    performance:\n",
        )
    )
    ok(
        gac(
            repo,
            "new",
            "Deployment",
            "churn-prod",
            "--set",
            "environment=production",
            "--set",
            "modelVersion=churn-xgb@1",
        )
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Deploy")
    rows = json.loads(ok(gac(repo, "registry", "--format", "json")))
    assert rows == [
        {
            "model": "churn-xgb",
            "version": "1",
            "subject": "churn-xgb@1",
            "project": "churn",
            "risk_tier": "low",
            "status": "production",
            "key_metric": "auc=0.84",
            "drift": "psi=0.31 > 0.2",
            "approvals": "missing: technical-review, final-approval",
            "gate": "blocked",
        }
    ]
    table = ok(gac(repo, "registry", "--status", "production")).splitlines()
    assert table[0].split() == [
        "VERSION",
        "PROJECT",
        "RISK",
        "STATUS",
        "METRIC",
        "DRIFT",
        "APPROVALS",
        "GATE",
    ]
    assert table[1].split()[:4] == ["churn-xgb@1", "churn", "low", "production"]
    assert table[1].endswith("missing: technical-review, final-approval  blocked")
    assert ok(gac(repo, "registry", "--status", "retired")).splitlines()[1:] == []
