"""The gate's commands end to end: lint, check-deploy, digest, approve and request-review.

Each test runs `gac` through click's CliRunner on a real, signed repository built by
`gate_helpers`.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from gate_helpers import (
    DEPLOYMENT,
    PEOPLE,
    REVIEWERS,
    SUBJECT,
    VERSION_PATH,
    GateKeys,
    GateRepo,
    feb,
    make_gate_keys,
    version_document,
)
from jsonschema import Draft4Validator
from signing_helpers import git

from govern_as_code import git as git_module
from govern_as_code.cli.main import cli

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = "2026-03-01"
MISSING_TECH = (
    "m@1 cannot go to production: missing a current, verified technical-review"
    " approval (can give it: alice, frank)"
)
MISSING_RISK = (
    "m@1 cannot go to production: missing a current, verified risk-review approval"
    " (can give it: bob)"
)
TECH_REASON = "missing a current, verified technical-review approval (can give it: alice, frank)"
RISK_REASON = "missing a current, verified risk-review approval (can give it: bob)"
HINT = "run `gac request-review m@1`"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> GateKeys:
    return make_gate_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def blocked(keys: GateKeys, tmp_path_factory: pytest.TempPathFactory) -> GateRepo:
    """m@1 is deployed to production with no approval at all."""
    return GateRepo.create(tmp_path_factory.mktemp("blocked") / "repo", keys)


@pytest.fixture(scope="module")
def passing(keys: GateKeys, tmp_path_factory: pytest.TempPathFactory) -> GateRepo:
    repo = GateRepo.create(tmp_path_factory.mktemp("passing") / "repo", keys)
    repo.approve_all()
    return repo


def gac(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def lint(repo: GateRepo, *args: str) -> Result:
    return gac("lint", "--repo", str(repo.root), "--today", TODAY, *args)


# --- lint: exit codes -------------------------------------------------------------------------


def test_lint_passes_with_exit_0(passing: GateRepo) -> None:
    result = lint(passing)
    assert result.exit_code == 0, result.output
    assert "error" not in result.stdout.lower()


def test_lint_with_only_warnings_exits_0(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    drifting = version_document(
        status="production",
        metrics={"performance": {"auc": 0.81}, "drift": [{"date": "2026-01-31", "psi": 0.31}]},
    )
    repo.commit({VERSION_PATH: drifting}, "Record January drift", "dan", when=feb(1))
    repo.approve_all()  # monitoring figures are outside the digest: the approvals still hold
    result = lint(repo, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [(p["rule"], p["level"]) for p in report["problems"]] == [("drift-threshold", "warning")]
    assert report["summary"]["errors"] == 0
    assert report["summary"]["warnings"] == 1
    assert report["gates"][0]["passed"] is True


def test_lint_blocked_exits_1(blocked: GateRepo) -> None:
    result = lint(blocked)
    assert result.exit_code == 1, result.output
    assert MISSING_TECH in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["lint", "--format", "yaml"],
        ["lint", "--no-such-option"],
        ["check-deploy"],
    ],
    ids=["unknown-format", "unknown-option", "no-manifest"],
)
def test_bad_usage_exits_2(args: list[str], blocked: GateRepo) -> None:
    result = gac(*args, "--repo", str(blocked.root))
    assert result.exit_code == 2, result.output


def test_missing_repo_folder_exits_2(tmp_path: Path) -> None:
    result = gac("lint", "--repo", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "gac: error: the repository folder" in result.stderr
    assert "does not exist" in result.stderr


# --- lint: every format on a blocked repository ----------------------------------------------


def test_json_shape_is_exact(blocked: GateRepo) -> None:
    result = lint(blocked, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    # governance.yaml, six people, workflow, initiative, project, model, version, deployment
    documents = 13
    assert report == {
        "problems": [
            {
                "rule": "production-requires-approvals",
                "level": "error",
                "path": DEPLOYMENT,
                "line": 7,
                "column": 3,
                "message": MISSING_RISK,
                "subject": SUBJECT,
                "hint": HINT,
            },
            {
                "rule": "production-requires-approvals",
                "level": "error",
                "path": DEPLOYMENT,
                "line": 7,
                "column": 3,
                "message": MISSING_TECH,
                "subject": SUBJECT,
                "hint": HINT,
            },
        ],
        "summary": {"errors": 2, "warnings": 0, "documents": documents},
        "gates": [
            {
                "deployment": DEPLOYMENT,
                "environment": "production",
                "subject": SUBJECT,
                "passed": False,
                "reasons": [TECH_REASON, RISK_REASON],
            }
        ],
    }


def test_sarif_validates_against_the_schema(blocked: GateRepo) -> None:
    result = lint(blocked, "--format", "sarif")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    schema = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text("utf-8"))
    errors = sorted(Draft4Validator(schema).iter_errors(log), key=str)
    assert errors == [], [e.message for e in errors]
    results = log["runs"][0]["results"]
    assert sorted(r["message"]["text"].split("\n")[0] for r in results) == sorted(
        [MISSING_TECH, MISSING_RISK]
    )
    assert {r["ruleId"] for r in results} == {"production-requires-approvals"}
    assert {r["level"] for r in results} == {"error"}
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == DEPLOYMENT
    assert location["region"]["startLine"] == 7


def test_junit_has_a_failing_case_for_the_blocked_gate(blocked: GateRepo) -> None:
    result = lint(blocked, "--format", "junit")
    assert result.exit_code == 1
    root = ET.fromstring(result.stdout.encode("ascii"))
    gate_suite = next(s for s in root.iter("testsuite") if s.get("name") == "deploy-gate")
    cases = gate_suite.findall("testcase")
    assert len(cases) == 1
    failure = cases[0].find("failure")
    assert failure is not None
    assert failure.get("type") == "blocked"
    assert failure.text == f"{TECH_REASON}\n{RISK_REASON}"
    assert DEPLOYMENT in ET.tostring(cases[0], encoding="unicode")
    assert int(root.get("failures", "0")) >= 3  # the gate and both rule problems


def test_github_annotations(blocked: GateRepo) -> None:
    result = lint(blocked, "--format", "github")
    assert result.exit_code == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 2
    for line in annotations:
        assert re.match(
            rf"::error file={re.escape(DEPLOYMENT)},line=7,col=3,"
            r"title=production-requires-approvals::m@1 cannot go to production",
            line,
        ), line
    assert f"::error file={DEPLOYMENT},line=7" in annotations[1]
    assert annotations[1].endswith("%0Ahint: run `gac request-review m@1`")


def test_text_report(blocked: GateRepo) -> None:
    result = lint(blocked, "--format", "text")
    assert result.exit_code == 1
    assert DEPLOYMENT in result.stdout
    assert MISSING_RISK in result.stdout


def test_output_writes_the_file(blocked: GateRepo, tmp_path: Path) -> None:
    target = tmp_path / "out" / "gac.sarif"
    result = lint(blocked, "--format", "sarif", "--output", str(target))
    assert result.exit_code == 1
    written = json.loads(target.read_text("utf-8"))
    assert written["version"] == "2.1.0"
    assert len(written["runs"][0]["results"]) == 2
    # The log gets one line naming the file and the counts, not the whole report again.
    assert result.stdout == (
        f"wrote {target}: 2 errors, 0 warnings in 13 documents; gate: 0 passed, 1 blocked\n"
    )


# --- check-deploy -----------------------------------------------------------------------------


def test_check_deploy_blocked_exits_1(blocked: GateRepo) -> None:
    result = gac(
        "check-deploy",
        DEPLOYMENT,
        "--repo",
        str(blocked.root),
        "--today",
        TODAY,
        "--format",
        "json",
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert [g["passed"] for g in report["gates"]] == [False]
    assert {p["message"] for p in report["problems"]} == {MISSING_TECH, MISSING_RISK}


def test_check_deploy_passing_exits_0(passing: GateRepo) -> None:
    result = gac("check-deploy", DEPLOYMENT, "--repo", str(passing.root), "--today", TODAY)
    assert result.exit_code == 0, result.output


def test_check_deploy_of_a_file_that_is_no_deployment_exits_2(passing: GateRepo) -> None:
    result = gac("check-deploy", "people/alice.yaml", "--repo", str(passing.root), "--today", TODAY)
    assert result.exit_code == 2, result.output
    assert (
        "gac: error: people/alice.yaml is not a deployment to a protected environment"
        in result.stderr
    )


def test_check_deploy_of_a_missing_file_exits_2(passing: GateRepo) -> None:
    result = gac("check-deploy", "deployments/production/nope.yaml", "--repo", str(passing.root))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


# --- digest -----------------------------------------------------------------------------------


def test_digest_prints_the_version_digest(passing: GateRepo) -> None:
    result = gac("digest", SUBJECT, "--repo", str(passing.root))
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"sha256:[0-9a-f]{64}\n", result.stdout)
    assert result.stdout.strip() == passing.digest()


def test_digest_of_an_unknown_version_exits_2(passing: GateRepo) -> None:
    result = gac("digest", "m@9", "--repo", str(passing.root))
    assert result.exit_code == 2
    assert "there is no model version 'm@9'" in result.stderr


# --- approve ----------------------------------------------------------------------------------


@pytest.fixture
def isolated_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """git as `gac approve` runs it: no global or system config, no agent, pinned dates."""
    monkeypatch.setitem(git_module._ENV, "GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setitem(git_module._ENV, "GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delitem(git_module._ENV, "SSH_AUTH_SOCK", raising=False)
    monkeypatch.delitem(git_module._ENV, "GNUPGHOME", raising=False)


def configure(repo: GateRepo, person: str, *, signing: bool = True) -> None:
    git(repo.root, "config", "user.name", PEOPLE[person].name)
    git(repo.root, "config", "user.email", PEOPLE[person].email)
    if signing:
        git(repo.root, "config", "gpg.format", "ssh")
        git(repo.root, "config", "user.signingkey", str(repo.keys.ssh[person].private_path))


def approve_at(
    monkeypatch: pytest.MonkeyPatch, repo: GateRepo, person: str, role: str, day: int
) -> Result:
    configure(repo, person)
    stamp = feb(day).isoformat()
    monkeypatch.setitem(git_module._ENV, "GIT_AUTHOR_DATE", stamp)
    monkeypatch.setitem(git_module._ENV, "GIT_COMMITTER_DATE", stamp)
    return gac(
        "approve",
        SUBJECT,
        "--role",
        role,
        "-m",
        "Looked at the evidence pack.",
        "--repo",
        str(repo.root),
    )


@pytest.mark.usefixtures("isolated_git")
def test_approve_writes_a_signed_approval_that_lint_counts(
    keys: GateKeys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    result = approve_at(monkeypatch, repo, "alice", "technical-review", 2)
    assert result.exit_code == 0, result.output
    path = "approvals/m/1/technical-review--alice.yaml"
    head = repo.head()
    assert result.stdout == (
        f"approved m@1 as technical-review: {path} (signed commit {head[:12]})\n"
    )
    text = repo.read(path)
    assert f"digest: {repo.digest()}" in text
    assert "reviewer: alice" in text
    raw = git(repo.root, "cat-file", "commit", head)
    assert b"\ngpgsig -----BEGIN SSH SIGNATURE-----" in raw
    assert git(repo.root, "status", "--porcelain").strip() == b""

    checks = {c.path: c for c in repo.assess().status.approvals}
    assert checks[path].state == "current"
    assert checks[path].signer_fingerprint == keys.ssh["alice"].fingerprint
    assert checks[path].commit == head

    assert approve_at(monkeypatch, repo, "bob", "risk-review", 3).exit_code == 0
    assert approve_at(monkeypatch, repo, "carol", "final-approval", 4).exit_code == 0
    final = lint(repo)
    assert final.exit_code == 0, final.output


@pytest.mark.usefixtures("isolated_git")
def test_approve_without_a_signing_key_exits_2(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    git(repo.root, "config", "user.name", PEOPLE["alice"].name)
    git(repo.root, "config", "user.email", PEOPLE["alice"].email)
    before = repo.head()
    result = gac("approve", SUBJECT, "--role", "technical-review", "--repo", str(repo.root))
    assert result.exit_code == 2, result.output
    assert (
        "gac: error: git has no signing key set up, and an unsigned approval counts for nothing"
    ) in result.stderr
    assert repo.head() == before
    assert not (repo.root / "approvals").exists()


@pytest.mark.usefixtures("isolated_git")
def test_approve_refuses_a_role_not_held_in_the_trusted_base(
    keys: GateKeys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    before = repo.head()
    result = approve_at(monkeypatch, repo, "alice", "risk-review", 2)
    assert result.exit_code == 2, result.output
    assert (
        "gac: error: alice does not hold the role 'risk-review' in the trusted base"
        in result.stderr
    )
    assert "gac: fix: ask someone who does: bob" in result.stderr
    assert repo.head() == before


@pytest.mark.usefixtures("isolated_git")
def test_approve_refuses_a_role_granted_only_in_the_change(
    keys: GateKeys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """alice gives herself risk-review on the branch; the trusted base (main) does not."""
    repo = GateRepo.create(tmp_path / "repo", keys)
    person = repo.read("people/alice.yaml").replace(
        "- technical-review", "- technical-review\n  - risk-review"
    )
    repo.commit({"people/alice.yaml": person}, "Add a role", "alice", when=feb(1))
    result = approve_at(monkeypatch, repo, "alice", "risk-review", 2)
    assert result.exit_code == 2, result.output
    assert "alice does not hold the role 'risk-review' in the trusted base" in result.stderr


# --- request-review ---------------------------------------------------------------------------


def test_request_review_lists_what_is_missing(blocked: GateRepo) -> None:
    result = gac("request-review", SUBJECT, "--repo", str(blocked.root))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(
        "m@1 still needs:\n  technical-review: alice, frank\n  risk-review: bob\n"
    )
    assert f"  - {TECH_REASON}\n" in out
    assert "--- pull-request body ---\n## Review request: m@1\n" in out
    assert f"Digest: `{blocked.digest()}`" in out
    assert "- [ ] **technical-review**: @alice, @frank" in out
    assert "- [ ] **risk-review**: @bob" in out
    assert 'gac approve m@1 --role <role> -m "..."' in out
    assert not (blocked.root / "review-requests").exists()


def recent(hours: int) -> datetime:
    """A moment shortly before now: request-review has no --today, so it judges expiry now."""
    return datetime.now(UTC).replace(microsecond=0) - timedelta(hours=hours)


def test_request_review_write(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.approve("technical-review", "alice", recent(3))
    result = gac("request-review", SUBJECT, "--write", "--repo", str(repo.root))
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("\nwrote review-requests/m-1.md\n")
    body = (repo.root / "review-requests" / "m-1.md").read_text("utf-8")
    assert body.startswith("## Review request: m@1\n")
    assert "- [ ] **risk-review**: @bob" in body
    assert "technical-review" not in body.split("Still needed:")[1].split("Each reviewer")[0]
    assert body in result.stdout


def test_request_review_of_a_passing_version(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    for hours, (role, person) in zip((3, 2, 1), REVIEWERS.items(), strict=True):
        repo.approve(role, person, recent(hours))
    result = gac("request-review", SUBJECT, "--repo", str(repo.root))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("m@1 has every approval it needs.\n")
    assert "All required approvals are present and verified." in result.stdout
