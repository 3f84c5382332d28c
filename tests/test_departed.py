"""Offboarding: people are marked departed, never deleted (DESIGN §8).

A departed person holds no role from `departedOn`; what they signed before stays valid.
A change that deletes a Person is an error whose hint says to mark them departed; a departed
person is never made active again. When nobody can give a role, the gate says who holds it
and why they cannot (departed, authored the version, already fills another role).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from gate_helpers import (
    PEOPLE,
    SUBJECT,
    GateKeys,
    GateRepo,
    assert_passes,
    describe,
    feb,
    find_problem,
    gate_for,
    make_gate_keys,
    person_document,
    ssh_key_entry,
)

from govern_as_code.cli.main import cli
from govern_as_code.commands.signoff import approval_path, current_digest

GATE = "production-requires-approvals"
TRUST = "trust-changes-need-admin"
TECH, RISK, FINAL = "technical-review", "risk-review", "final-approval"
LEFT = "2026-02-10"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> GateKeys:
    return make_gate_keys(tmp_path_factory.mktemp("keys"))


def departed(repo_keys: GateKeys, person: str, on: str = LEFT) -> str:
    """The person's document, marked departed on `on`."""
    text = person_document(person, PEOPLE[person], [ssh_key_entry(repo_keys.ssh[person])])
    return text.rstrip("\n") + f"\n  status: departed\n  departedOn: '{on}'\n"


def create(keys: GateKeys, root: Path, **options: Any) -> GateRepo:
    """A GateRepo whose base marks frank (technical-review) departed on LEFT."""
    return GateRepo.create(
        root, keys, base_files={"people/frank.yaml": departed(keys, "frank")}, **options
    )


def test_an_approval_signed_before_departure_still_counts(keys: GateKeys, tmp_path: Path) -> None:
    repo = create(keys, tmp_path / "repo")
    repo.approve(TECH, "frank", feb(5))
    repo.approve(RISK, "bob", feb(6))
    repo.approve(FINAL, "carol", feb(7))
    result = repo.assess()
    assert_passes(result)
    assert result.verdicts[SUBJECT].assignment[TECH] == "frank"


def test_an_approval_signed_after_departure_does_not(keys: GateKeys, tmp_path: Path) -> None:
    repo = create(keys, tmp_path / "repo")
    repo.approve(TECH, "frank", feb(12))
    repo.approve(RISK, "bob", feb(13))
    repo.approve(FINAL, "carol", feb(14))
    result = repo.assess()
    problem = find_problem(
        result,
        GATE,
        "m@1 cannot go to production: missing a current, verified technical-review approval"
        " (can give it: alice)",
    )
    assert (
        f"{approval_path(SUBJECT, TECH, 'frank')}: frank departed on {LEFT} and signed this on"
        " 2026-02-12; a departed person holds no role from that date"
    ) in problem.hint


def test_nobody_can_give_it_says_who_holds_it_and_why(keys: GateKeys, tmp_path: Path) -> None:
    """alice holds no role; frank, the other technical reviewer, has left."""
    repo = create(keys, tmp_path / "repo", people={"alice": {"roles": ()}})
    repo.approve(RISK, "bob", feb(2))
    repo.approve(FINAL, "carol", feb(3))
    reasons = gate_for(repo.assess()).reasons
    assert reasons[0] == (
        "missing a current, verified technical-review approval (can give it: nobody: frank"
        f" holds the role but departed on {LEFT})"
    )


def test_the_author_shows_as_holding_the_role(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(
        tmp_path / "repo",
        keys,
        people={"dan": {"roles": ("data-scientist", FINAL)}, "carol": {"roles": ()}},
    )
    repo.approve(TECH, "alice", feb(2))
    repo.approve(RISK, "bob", feb(3))
    assert gate_for(repo.assess()).reasons == (
        "missing a current, verified final-approval approval, signed after all the others"
        " (can give it: nobody: dan holds the role but authored the version)",
    )


def test_a_holder_who_fills_another_role_shows_why(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(
        tmp_path / "repo",
        keys,
        people={"bob": {"roles": ()}, "carol": {"roles": (RISK, FINAL), "department": "risk"}},
    )
    repo.approve(TECH, "alice", feb(2))
    repo.approve(RISK, "carol", feb(3))
    repo.approve(FINAL, "carol", feb(4))
    (reason,) = gate_for(repo.assess()).reasons
    assert reason == (
        "the final approval must come from someone who filled no other role: carol already did"
        " (can give it: nobody: carol holds the role but already fills risk-review)"
    )


def test_deleting_a_person_is_an_error_that_says_mark_them_departed(
    keys: GateKeys, tmp_path: Path
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.approve_all()
    repo.commit(None, "Offboard frank", "erin", when=feb(8), remove=["people/frank.yaml"])
    result = repo.assess()
    problem = find_problem(
        result,
        TRUST,
        "Person/frank is removed by this change; people are never deleted, or their past"
        " sign-offs could no longer be verified",
        path="people/frank.yaml",
    )
    assert problem.hint == (
        "keep people/frank.yaml and mark the person departed instead: set `status: departed`"
        " and `departedOn: <date they left>` in its spec"
    )


def test_marking_a_person_departed_keeps_every_command_working(
    keys: GateKeys, tmp_path: Path
) -> None:
    """Offboarding by status: digest and request-review still know Person/frank."""
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.approve(TECH, "frank", feb(2))
    repo.approve(RISK, "bob", feb(3))
    repo.approve(FINAL, "carol", feb(4))
    repo.commit(
        {"people/frank.yaml": departed(keys, "frank")}, "Offboard frank", "erin", when=feb(20)
    )
    runner = CliRunner()
    digest = runner.invoke(cli, ["digest", "Person/frank", "--repo", str(repo.root)])
    assert digest.exit_code == 0 and digest.stdout.startswith("sha256:"), digest.output
    review = runner.invoke(
        cli, ["request-review", "Person/frank", "--repo", str(repo.root), "--today", "2026-03-01"]
    )
    assert review.exit_code == 0, review.output
    assert review.stdout.startswith("Person/frank still needs:\n  governance-admin: erin\n")
    result = repo.assess()
    # frank's approval, signed before he left, still counts; only the admin sign-off is due.
    assert gate_for(result).passed, describe(result)
    find_problem(result, TRUST, "Person/frank is changed by this change", exact=False)


@pytest.mark.parametrize(
    "change",
    [
        {"status": "active"},
        {"departedOn": "2026-04-01"},
    ],
)
def test_a_departed_person_is_never_made_active_again(
    keys: GateKeys, tmp_path: Path, change: dict[str, str]
) -> None:
    repo = create(keys, tmp_path / "repo")
    text = departed(keys, "frank", change.get("departedOn", LEFT))
    if change.get("status") == "active":
        text = text.split("  status: departed")[0]
    repo.commit({"people/frank.yaml": text}, "Frank is back", "erin", when=feb(20))
    result = repo.assess()
    problem = find_problem(
        result,
        TRUST,
        f"frank departed on {LEFT} in the trusted base, and this change makes them active again"
        " (or moves the date later); a person id is never reused",
        path="people/frank.yaml",
    )
    assert problem.hint.startswith("restore the departure of frank")


def test_a_departed_person_needs_a_date(keys: GateKeys, tmp_path: Path) -> None:
    text = departed(keys, "frank").split("  departedOn")[0]
    repo = GateRepo.create(tmp_path / "repo", keys, base_files={"people/frank.yaml": text})
    problem = find_problem(
        repo.assess(),
        "schema",
        "spec: a departed person needs departedOn: the date they left",
        path="people/frank.yaml",
        exact=False,
    )
    assert problem.line > 1


def test_a_departed_admin_cannot_approve_a_trust_change(keys: GateKeys, tmp_path: Path) -> None:
    """erin, the only governance-admin, left on LEFT and signs a change to dan after it."""
    repo = GateRepo.create(
        tmp_path / "repo", keys, base_files={"people/erin.yaml": departed(keys, "erin")}
    )
    dan = repo.read("people/dan.yaml").replace("department: business", "department: sales")
    repo.commit({"people/dan.yaml": dan}, "Move dan to sales", "dan", when=feb(11))
    digest = current_digest(repo.root, "Person/dan")
    repo.approve("governance-admin", "erin", feb(12), subject="Person/dan", digest=digest)
    find_problem(
        repo.assess(),
        TRUST,
        "Person/dan is changed by this change, which needs 1 more verified governance-admin"
        f" approval(s) of digest {digest} (can give it: nobody)",
        path="people/dan.yaml",
    )
