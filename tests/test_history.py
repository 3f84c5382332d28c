"""`gac history`: the audit trail from real signed git history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from authoring_helpers import gac
from gate_helpers import (
    DEPLOYMENT,
    SUBJECT,
    VERSION_PATH,
    GateKeys,
    GateRepo,
    deployment_document,
    feb,
    make_gate_keys,
    version_document,
)

from govern_as_code.commands.signoff import approval_path


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> GateKeys:
    return make_gate_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture
def repo(tmp_path: Path, keys: GateKeys) -> GateRepo:
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.approve_all()
    technical = approval_path(SUBJECT, "technical-review", "alice")
    repo.commit(None, "Withdraw my approval", "alice", when=feb(20), remove=[technical])
    repo.commit(
        {VERSION_PATH: version_document(status="retired")},
        "Retire m@1",
        "dan",
        when=feb(21),
        sign_with=None,
    )
    repo.commit(None, "Undeploy m@1", "dan", when=feb(22), remove=[DEPLOYMENT])
    return repo


def events(repo: GateRepo, subject: str) -> list[tuple[str, str, str, str]]:
    result = gac(repo.root, "history", subject, "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    return [(e["date"][:10], e["signature"], e["event"], e["detail"]) for e in payload["events"]]


def test_a_versions_trail_has_changes_approvals_withdrawals_and_production(repo: GateRepo) -> None:
    digest = repo.digest()
    assert events(repo, SUBJECT) == [
        (
            "2026-01-05",
            "signed by dan (ssh)",
            "production",
            "m@1 entered deployments/production/m.yaml",
        ),
        ("2026-01-05", "signed by dan (ssh)", "change", "ModelVersion added"),
        (
            "2026-02-02",
            "signed by alice (ssh)",
            "approval",
            f"approved: m@1 as technical-review by alice (digest {digest})",
        ),
        (
            "2026-02-03",
            "signed by bob (ssh)",
            "approval",
            f"approved: m@1 as risk-review by bob (digest {digest})",
        ),
        (
            "2026-02-04",
            "signed by carol (ssh)",
            "approval",
            f"approved: m@1 as final-approval by carol (digest {digest})",
        ),
        (
            "2026-02-20",
            "signed by alice (ssh)",
            "withdrawal",
            "approval withdrawn: m@1 as technical-review by alice",
        ),
        ("2026-02-21", "unsigned", "change", "ModelVersion changed"),
        (
            "2026-02-22",
            "signed by dan (ssh)",
            "production",
            "m@1 left deployments/production/m.yaml (deleted)",
        ),
    ]


def test_a_persons_trail_lists_the_approvals_they_gave(repo: GateRepo) -> None:
    assert [e[2:] for e in events(repo, "Person/alice")] == [
        ("change", "Person added"),
        ("approval", f"approved: m@1 as technical-review by alice (digest {repo.digest()})"),
        ("withdrawal", "approval withdrawn: m@1 as technical-review by alice"),
    ]


def test_a_redeployment_names_what_it_replaced(tmp_path: Path, keys: GateKeys) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.commit(
        {
            "projects/p/models/m/versions/2.yaml": version_document()
            .replace("m@1", "m@2")
            .replace("version: '1'", "version: '2'")
        },
        "m@2",
        "dan",
        when=feb(1),
    )
    repo.commit({DEPLOYMENT: deployment_document("m@2")}, "Deploy m@2", "dan", when=feb(2))
    assert events(repo, "m")[-1][2:] == (
        "production",
        "m@2 entered deployments/production/m.yaml, replacing m@1",
    )
    assert ("production", "m@1 left deployments/production/m.yaml, replaced by m@2") in [
        e[2:] for e in events(repo, "m")
    ]


def test_text_output_and_unknown_subjects(repo: GateRepo) -> None:
    result = gac(repo.root, "history", "p")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "history of Project/p"
    assert any("signed by dan (ssh)  Project added  (projects/p/project.yaml)" in x for x in lines)
    missing = gac(repo.root, "history", "m@9")
    assert missing.exit_code == 2 and "there is no model version 'm@9'" in missing.output
