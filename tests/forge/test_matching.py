"""The assignment of sign-offs to roles: a maximum matching, nobody (or no department) twice."""

from __future__ import annotations

from datetime import UTC, datetime

from gate_helpers import PEOPLE, TODAY

from govern_as_code.documents.kinds import PersonDocument, PortfolioSpec
from govern_as_code.gate.context import GateContext
from govern_as_code.gate.matching import SignOff, match_roles
from govern_as_code.portfolio.model import Portfolio
from govern_as_code.portfolio.trust import TrustRoot


def _context() -> GateContext:
    people = {
        name: PersonDocument.model_validate(
            {
                "apiVersion": "govern-as-code/v1",
                "kind": "Person",
                "metadata": {"id": name},
                "spec": {
                    "name": info.name,
                    "email": info.email,
                    "department": info.department,
                    "roles": list(info.roles),
                },
            }
        )
        for name, info in PEOPLE.items()
    }
    trust = TrustRoot(None, PortfolioSpec(), people)
    return GateContext(Portfolio.__new__(Portfolio), trust, TODAY)


def _at(day: int, who: str) -> SignOff:
    return SignOff(who, datetime(2026, 2, day, tzinfo=UTC), f"review by {who}")


def test_an_augmenting_path_frees_the_role_only_one_person_can_fill() -> None:
    # bob reviewed first and could fill either role; taking him for the first role would
    # leave the second empty. The matching moves him.
    candidates = {
        "technical-review": [_at(1, "bob"), _at(2, "frank")],
        "risk-review": [_at(1, "bob")],
    }
    found = match_roles(["technical-review", "risk-review"], candidates, False, _context())
    assert {role: s.reviewer for role, s in found.items()} == {
        "technical-review": "frank",
        "risk-review": "bob",
    }


def test_distinct_departments_are_matched_as_departments() -> None:
    # alice and frank are both in data-science: with distinct departments one role stays empty.
    candidates = {"technical-review": [_at(1, "alice")], "risk-review": [_at(2, "frank")]}
    roles = ["technical-review", "risk-review"]
    assert len(match_roles(roles, candidates, True, _context())) == 1
    assert len(match_roles(roles, candidates, False, _context())) == 2


def test_the_earliest_sign_off_of_a_person_is_taken() -> None:
    candidates = {"technical-review": [_at(1, "alice"), _at(5, "alice")]}
    found = match_roles(["technical-review"], candidates, False, _context())
    assert found["technical-review"].time.day == 1
