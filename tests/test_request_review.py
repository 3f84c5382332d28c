"""`gac request-review`: every signature still needed, in signing order, judged on --today.

The plan lists the missing roles, the approvals whose reviewers must sign again (stale),
and the final approval that must come after all of them. The reviewer assignment the demo
uses is the gate's own (`gate.matching.staff_roles`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from gate_helpers import (
    ARTIFACT_DIGEST,
    SUBJECT,
    TODAY,
    VERSION_PATH,
    GateKeys,
    GateRepo,
    feb,
    make_gate_keys,
    version_document,
)

from govern_as_code.cli.main import cli
from govern_as_code.commands.signoff import plan_review
from govern_as_code.gate.matching import staff_roles
from govern_as_code.gate.options import GateOptions

TECH, RISK, FINAL = "technical-review", "risk-review", "final-approval"
BUSINESS = "business-review"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> GateKeys:
    return make_gate_keys(tmp_path_factory.mktemp("keys"))


def request(repo: GateRepo, *args: str) -> Result:
    return CliRunner().invoke(
        cli,
        ["request-review", SUBJECT, "--repo", str(repo.root), "--today", TODAY.isoformat(), *args],
    )


def test_today_pins_the_day_expiry_is_judged_on(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.approve_all()
    assert request(repo).stdout.startswith("m@1 has every approval it needs.\n")
    # A year and more later, the same approvals have expired (maxAgeDays 365).
    later = CliRunner().invoke(
        cli, ["request-review", SUBJECT, "--repo", str(repo.root), "--today", "2027-03-01"]
    )
    assert later.exit_code == 0, later.output
    assert later.stdout.startswith(
        "m@1 still needs:\n"
        "  technical-review: alice, frank (alice signs again: their approval is expired)\n"
        "  risk-review: bob (bob signs again: their approval is expired)\n"
        "  final-approval: carol (signed after all the approvals above)\n"
    ), later.stdout


def test_the_final_approver_must_sign_again_after_a_missing_role(
    keys: GateKeys, tmp_path: Path
) -> None:
    """High risk: business-review is missing, and carol's final approval came before it."""
    repo = GateRepo.create(
        tmp_path / "repo",
        keys,
        risk_tier="high",
        people={"erin": {"roles": ("governance-admin", BUSINESS)}},
    )
    repo.approve_all()
    result = request(repo)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "m@1 still needs:\n"
        "  business-review: erin\n"
        "  final-approval: carol (signed after all the approvals above, so carol signs again)\n"
    ), result.stdout
    body = result.stdout.split("--- pull-request body ---\n", 1)[1]
    assert "- [ ] **business-review**: @erin\n" in body
    assert "- [ ] **final-approval**: @carol (signed after all the approvals above" in body
    plan = plan_review(repo.root, SUBJECT, today=TODAY)
    assert [step.role for step in plan.steps] == [BUSINESS, FINAL]


def test_stale_approvals_are_listed_to_sign_again(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.approve_all()
    repo.commit(
        {VERSION_PATH: version_document("sha256:" + "b" * 64)}, "Retrain m@1", "dan", when=feb(10)
    )
    assert ARTIFACT_DIGEST != "sha256:" + "b" * 64
    stdout = request(repo).stdout
    assert stdout.startswith(
        "m@1 still needs:\n"
        "  technical-review: alice, frank (alice signs again: their approval is stale)\n"
        "  risk-review: bob (bob signs again: their approval is stale)\n"
        "  final-approval: carol (signed after all the approvals above)\n"
    ), stdout


def test_an_early_final_approval_is_asked_for_again(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.approve(FINAL, "carol", feb(2))
    repo.approve(TECH, "alice", feb(3))
    repo.approve(RISK, "bob", feb(4))
    stdout = request(repo).stdout
    assert stdout.startswith(
        "m@1 still needs:\n"
        "  final-approval: carol (carol signs again, after 2026-02-04T10:00:00+00:00)\n"
    ), stdout


def test_nobody_can_give_it_is_explained_in_the_plan(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(
        tmp_path / "repo",
        keys,
        people={"dan": {"roles": ("data-scientist", FINAL)}, "carol": {"roles": ()}},
    )
    repo.approve(TECH, "alice", feb(2))
    repo.approve(RISK, "bob", feb(3))
    stdout = request(repo).stdout
    assert "  final-approval: nobody: dan holds the role but authored the version (" in stdout


def test_demo_staffing_is_the_gates_assignment(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys, people={"frank": {"department": "it"}})
    context = repo.assess().context
    roles = [TECH, RISK]
    options = GateOptions()
    assert staff_roles(context, roles, options, {"dan"}) == {
        TECH: "alice",
        RISK: "bob",
        FINAL: "carol",
    }
    # alice authored it: frank is next, and he is in carol's department, which is allowed
    # for the final approver (the gate only keeps the required roles' departments distinct).
    assert staff_roles(context, roles, options, {"alice"}) == {
        TECH: "frank",
        RISK: "bob",
        FINAL: "carol",
    }
    assert staff_roles(context, roles, options, {"bob"}) is None  # nobody else holds risk-review
