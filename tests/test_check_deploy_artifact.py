"""`check-deploy --artifact` and `digest --file`: the bytes shipped are the version approved.

A real signed repository (gate_helpers) whose m@1 records the sha256 of a real file; the
approvals are signed after the version was registered with that digest.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from gate_helpers import (
    DEPLOYMENT,
    VERSION_PATH,
    GateKeys,
    GateRepo,
    deployment_document,
    feb,
    make_gate_keys,
    version_document,
)

from govern_as_code.cli.main import cli

TODAY = "2026-03-01"
WEIGHTS = b"\x00\x01 the approved model weights \xff" * 1000
TAMPERED = WEIGHTS + b"\x00"
STAGING = "deployments/staging/m.yaml"


def gac(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> GateKeys:
    return make_gate_keys(tmp_path_factory.mktemp("keys"))


def registered(root: Path, keys: GateKeys, *, approve: bool) -> GateRepo:
    repo = GateRepo.create(root / "repo", keys)
    repo.commit(
        {
            VERSION_PATH: version_document(artifact_digest=sha256(WEIGHTS)),
            STAGING: deployment_document(ident="m-staging", environment="staging"),
        },
        "Register the trained artifact of m@1",
        "dan",
        when=feb(1),
    )
    if approve:
        repo.approve_all()
    (root / "model.bin").write_bytes(WEIGHTS)
    (root / "tampered.bin").write_bytes(TAMPERED)
    return repo


@pytest.fixture(scope="module")
def approved(keys: GateKeys, tmp_path_factory: pytest.TempPathFactory) -> GateRepo:
    return registered(tmp_path_factory.mktemp("approved"), keys, approve=True)


def check(repo: GateRepo, manifest: str, *extra: str) -> Result:
    return gac("check-deploy", manifest, "--repo", str(repo.root), "--today", TODAY, *extra)


def test_digest_file_prints_the_sha256_of_the_bytes(approved: GateRepo) -> None:
    result = gac("digest", "--file", str(approved.root.parent / "model.bin"))
    assert (result.exit_code, result.stdout) == (0, sha256(WEIGHTS) + "\n")


def test_digest_needs_a_subject_or_a_file_not_both(approved: GateRepo) -> None:
    neither = gac("digest")
    assert neither.exit_code == 2
    assert neither.stderr.startswith("gac: error: name either a SUBJECT or --file FILE\n")
    both = gac("digest", "m@1", "--file", str(approved.root.parent / "model.bin"))
    assert both.exit_code == 2
    missing = gac("digest", "--file", str(approved.root.parent / "nope.bin"))
    assert missing.exit_code == 2
    assert "gac: error: cannot read the artifact" in missing.stderr
    assert "No such file or directory" in missing.stderr


def test_the_approved_bytes_pass(approved: GateRepo) -> None:
    result = check(approved, DEPLOYMENT, "--artifact", str(approved.root.parent / "model.bin"))
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("gate: 1 passed, 0 blocked\n")


def test_other_bytes_are_refused_with_both_digests(approved: GateRepo) -> None:
    tampered = approved.root.parent / "tampered.bin"
    result = check(approved, DEPLOYMENT, "--artifact", str(tampered), "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    (problem,) = report["problems"]
    assert problem["rule"] == "artifact-digest"
    assert problem["path"] == DEPLOYMENT
    assert problem["subject"] == "m@1"
    assert problem["message"] == (
        f"the artifact tampered.bin is {sha256(TAMPERED)}, but m@1 records"
        f" artifact.digest {sha256(WEIGHTS)} ({VERSION_PATH}): these are not the bytes that"
        " were registered"
    )
    assert "gac digest --file FILE" in problem["hint"]
    # The gate itself passed: the refusal is the bytes alone.
    assert [g["passed"] for g in report["gates"]] == [True]


def test_a_blocked_gate_still_blocks_when_the_bytes_match(keys: GateKeys, tmp_path: Path) -> None:
    repo = registered(tmp_path, keys, approve=False)
    result = check(repo, DEPLOYMENT, "--artifact", str(tmp_path / "model.bin"))
    assert result.exit_code == 1
    assert "gate: deployments/production/m.yaml m@1 -> production: blocked" in result.stdout
    assert "artifact-digest" not in result.stdout


def test_an_unprotected_environment_is_not_gated_and_exits_0(approved: GateRepo) -> None:
    result = check(approved, STAGING)
    assert result.exit_code == 0, result.output
    first, second = result.stdout.splitlines()
    assert re.fullmatch(r"no problems in \d+ documents", first)
    assert (
        second
        == "deployments/staging/m.yaml: not gated: the environment 'staging' is not protected"
    )


def test_the_bytes_are_checked_for_an_unprotected_environment_too(approved: GateRepo) -> None:
    result = check(approved, STAGING, "--artifact", str(approved.root.parent / "tampered.bin"))
    assert result.exit_code == 1
    assert "error artifact-digest: the artifact tampered.bin is" in result.stdout


def test_a_cd_loop_over_every_manifest(approved: GateRepo) -> None:
    result = gac(
        "check-deploy", DEPLOYMENT, STAGING, "--repo", str(approved.root), "--today", TODAY
    )
    assert result.exit_code == 0, result.output
    assert "gate: deployments/production/m.yaml m@1 -> production: passed" in result.stdout
    assert "deployments/staging/m.yaml: not gated" in result.stdout


def test_a_file_that_is_no_deployment_still_stops_the_tool(approved: GateRepo) -> None:
    result = check(approved, "people/alice.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "gac: error: people/alice.yaml is not a deployment to a protected environment:"
        " it is no deployment manifest at all\n"
    )


def test_artifact_with_several_manifests_is_a_usage_error(approved: GateRepo) -> None:
    result = gac(
        "check-deploy",
        DEPLOYMENT,
        STAGING,
        "--artifact",
        str(approved.root.parent / "model.bin"),
        "--repo",
        str(approved.root),
    )
    assert result.exit_code == 2
    assert "gac: fix: name exactly one manifest with --artifact" in result.stderr


def test_json_output_stays_json_when_a_manifest_is_not_gated(approved: GateRepo) -> None:
    result = check(approved, STAGING, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["gates"] == []
    assert "not gated" in result.stderr
