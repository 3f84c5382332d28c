"""Waivers: a verified approval by the waiver role turns one rule's errors into warnings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from authoring_helpers import gac
from gate_helpers import (
    DEPLOYMENT,
    SUBJECT,
    TODAY,
    VERSION_PATH,
    GateKeys,
    GateRepo,
    envelope,
    feb,
    make_gate_keys,
    version_document,
)

from govern_as_code.documents.digest import document_digest
from govern_as_code.documents.yaml_loader import load_text
from govern_as_code.problems import Level, Problem

WAIVER_PATH = "waivers/metrics-m1.yaml"
RULE = "production-needs-metrics"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> GateKeys:
    return make_gate_keys(tmp_path_factory.mktemp("keys"))


def waiver_text(rule: str = RULE, expires: str = "2026-04-15", subject: str = SUBJECT) -> str:
    spec: dict[str, Any] = {
        "rule": rule,
        "subject": subject,
        "reason": "The metrics job is being rebuilt",
        "compensatingControls": ["Daily manual check of the score distribution"],
        "expires": expires,
        "requestedBy": "dan",
    }
    return yaml.safe_dump(envelope("Waiver", "metrics-m1", spec), sort_keys=False)


@pytest.fixture
def repo(tmp_path: Path, keys: GateKeys) -> GateRepo:
    """m@1 is fully approved and deployed, but records no performance metrics."""
    repo = GateRepo.create(
        tmp_path / "repo", keys, people={"bob": {"roles": ("risk-review", "risk-acceptance")}}
    )
    repo.commit({VERSION_PATH: version_document(metrics={})}, "Drop metrics", "dan", when=feb(1))
    repo.approve_all()
    return repo


def grant(repo: GateRepo, text: str, reviewer: str = "bob", role: str = "risk-acceptance") -> None:
    repo.commit({WAIVER_PATH: text}, "Request a waiver", "dan", when=feb(10))
    digest = document_digest(load_text(text).value)
    repo.approve(role, reviewer, feb(11), subject="Waiver/metrics-m1", digest=digest)


def of_rule(problems: tuple[Problem, ...], rule: str) -> list[tuple[Level | None, str]]:
    return [(p.level, p.message) for p in problems if p.rule == rule]


MISSING = f"{SUBJECT} is deployed to production ({DEPLOYMENT}) but records no performance metrics"


def test_without_a_waiver_the_rule_errors(repo: GateRepo) -> None:
    assert of_rule(repo.assess().report.problems, RULE) == [(Level.ERROR, MISSING)]


def test_an_approved_waiver_turns_the_error_into_a_warning(repo: GateRepo) -> None:
    grant(repo, waiver_text())
    report = repo.assess().report
    assert of_rule(report.problems, RULE) == [
        (Level.WARNING, f"{MISSING} (waived until 2026-04-15 by Waiver/metrics-m1)")
    ]
    assert of_rule(report.problems, "waivers") == []
    assert report.summary.errors == 0


def test_a_waiver_without_its_approval_waives_nothing(repo: GateRepo) -> None:
    repo.commit({WAIVER_PATH: waiver_text()}, "Request a waiver", "dan", when=feb(10))
    problems = repo.assess().report.problems
    assert of_rule(problems, RULE) == [(Level.ERROR, MISSING)]
    assert of_rule(problems, "waivers") == [
        (
            Level.WARNING,
            "Waiver/metrics-m1 does not count yet: it needs a verified risk-acceptance approval"
            " of its current content (can give it: bob)",
        )
    ]


def test_an_approval_by_someone_without_the_waiver_role_does_not_count(repo: GateRepo) -> None:
    grant(repo, waiver_text(), reviewer="alice", role="risk-acceptance")
    assert of_rule(repo.assess().report.problems, RULE) == [(Level.ERROR, MISSING)]


def test_an_edited_waiver_needs_a_new_approval(repo: GateRepo) -> None:
    grant(repo, waiver_text())
    repo.commit({WAIVER_PATH: waiver_text(expires="2026-05-01")}, "Extend", "dan", when=feb(12))
    assert of_rule(repo.assess().report.problems, RULE) == [(Level.ERROR, MISSING)]


def test_an_expired_waiver_is_an_error(repo: GateRepo) -> None:
    grant(repo, waiver_text(expires="2026-02-25"))
    problems = repo.assess().report.problems
    assert of_rule(problems, RULE) == [(Level.ERROR, MISSING)]
    assert of_rule(problems, "waivers") == [
        (
            Level.ERROR,
            f"Waiver/metrics-m1 expired on 2026-02-25, so {RULE} applies to {SUBJECT} again",
        )
    ]


def test_a_waiver_longer_than_max_waiver_days_is_an_error(repo: GateRepo) -> None:
    grant(repo, waiver_text(expires="2026-06-30"))
    problems = repo.assess().report.problems
    assert of_rule(problems, RULE) == [(Level.ERROR, MISSING)]
    assert of_rule(problems, "waivers") == [
        (
            Level.ERROR,
            "Waiver/metrics-m1 expires 2026-06-30, more than the policy's maxWaiverDays (90)"
            " after it was granted on 2026-02-11",
        )
    ]


def test_the_gate_rule_is_not_waivable_in_the_default_pack(tmp_path: Path, keys: GateKeys) -> None:
    repo = GateRepo.create(
        tmp_path / "repo", keys, people={"bob": {"roles": ("risk-review", "risk-acceptance")}}
    )
    grant(repo, waiver_text(rule="production-requires-approvals"))
    assessment = repo.assess(TODAY)
    assert of_rule(assessment.report.problems, "waivers") == [
        (
            Level.ERROR,
            "Waiver/metrics-m1 waives rule 'production-requires-approvals', which the policy"
            " does not mark waivable",
        )
    ]
    gate = [g for g in assessment.report.gates if g.deployment == DEPLOYMENT]
    assert [g.passed for g in gate] == [False]
    levels = {
        p.level for p in assessment.report.problems if p.rule == "production-requires-approvals"
    }
    assert levels == {Level.ERROR}


def test_gac_waive_writes_a_waiver_and_refuses_what_cannot_be_waived(repo: GateRepo) -> None:
    root = repo.root
    from repo_helpers import git

    git(root, "config", "user.email", "dan@acme.example")
    result = gac(
        root,
        "waive",
        RULE,
        SUBJECT,
        "--until",
        "2026-03-20",
        "-m",
        "Metrics job rebuilt",
        "--control",
        "Daily manual check, by the risk team",
        "--now",
        "2026-03-01T09:00:00+00:00",
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "waiver production-needs-metrics-m-1 written: waivers/production-needs-metrics-m-1.yaml"
    )
    spec = load_text((root / "waivers/production-needs-metrics-m-1.yaml").read_text()).value["spec"]
    assert spec == {
        "requestedBy": "dan",
        "compensatingControls": ["Daily manual check, by the risk team"],
        "rule": RULE,
        "subject": SUBJECT,
        "reason": "Metrics job rebuilt",
        "expires": "2026-03-20",
    }
    refused = gac(
        root,
        "waive",
        "production-requires-approvals",
        SUBJECT,
        "--until",
        "2026-03-20",
        "-m",
        "x",
        "--control",
        "y",
    )
    assert refused.exit_code == 2
    assert "rule 'production-requires-approvals' is not waivable" in refused.output
    too_long = gac(
        root,
        "waive",
        "drift-threshold",
        SUBJECT,
        "--until",
        "2026-12-31",
        "-m",
        "x",
        "--control",
        "y",
        "--now",
        "2026-03-01T09:00:00+00:00",
    )
    assert too_long.exit_code == 2
    assert "--until 2026-12-31 is outside today to 2026-05-30" in too_long.output
    typo = gac(
        root,
        "waive",
        "drift-treshold",
        SUBJECT,
        "--until",
        "2026-03-20",
        "-m",
        "x",
        "--control",
        "y",
    )
    assert typo.exit_code == 2 and "did you mean drift-threshold?" in typo.output
