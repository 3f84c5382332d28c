"""The gate's identity rules, against real signed repositories (GateRepo).

One person, one key: a key (whatever its comment) or an email listed for two people is an
error and identifies nobody. A version that reaches production must be created by a commit
signed by a registered person. A signed rejection made on the branch and deleted by someone
else still blocks, until its reviewer signs a newer decision or the removal.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from gate_helpers import (
    DEPLOYMENT,
    SUBJECT,
    GateKeys,
    GateRepo,
    assert_passes,
    deployment_document,
    describe,
    errors,
    feb,
    find_problem,
    gate_for,
    make_gate_keys,
    ssh_key_entry,
    version_document,
)
from signing_helpers import Identity

from govern_as_code.commands.signoff import approval_path

GATE = "production-requires-approvals"
TRUST = "trust-changes-need-admin"
TECH, RISK, FINAL = "technical-review", "risk-review", "final-approval"
MISSING_TECH = (
    "m@1 cannot go to production: missing a current, verified technical-review"
    " approval (can give it: alice, frank)"
)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> GateKeys:
    return make_gate_keys(tmp_path_factory.mktemp("keys"))


def with_comment(entry: dict[str, object], comment: str) -> dict[str, object]:
    kind, data = str(entry["publicKey"]).split()[:2]
    return {**entry, "publicKey": f"{kind} {data} {comment}"}


# --- one person, one key ----------------------------------------------------------------------


def test_a_key_listed_for_two_people_counts_for_nobody(keys: GateKeys, tmp_path: Path) -> None:
    """bob's Person also lists alice's key (another comment): alice signs both roles."""
    alice = ssh_key_entry(keys.ssh["alice"])
    repo = GateRepo.create(
        tmp_path / "repo",
        keys,
        key_entries={"bob": [ssh_key_entry(keys.ssh["bob"]), with_comment(alice, "bob@laptop")]},
    )
    repo.approve(TECH, "alice", feb(2))
    repo.approve(RISK, "bob", feb(3), sign_with=keys.ssh["alice"])
    repo.approve(FINAL, "carol", feb(4))
    result = repo.assess()
    fingerprint = keys.ssh["alice"].fingerprint
    problem = find_problem(
        result,
        TRUST,
        f"key {fingerprint} of bob is also listed for alice; a key identifies one person,"
        " so its signatures count for nobody",
        path="people/bob.yaml",
    )
    assert problem.line == 16  # the second entry of bob's keys
    find_problem(
        result,
        TRUST,
        f"key {fingerprint} of alice is also listed for bob; a key identifies one person,"
        " so its signatures count for nobody",
        path="people/alice.yaml",
    )
    reasons = gate_for(result).reasons
    assert reasons[0].startswith("missing a current, verified technical-review approval")
    assert reasons[1].startswith("missing a current, verified risk-review approval")
    hint = find_problem(result, GATE, MISSING_TECH).hint
    assert (
        f"key {fingerprint} is listed for alice and bob, and a key that identifies more than"
        " one person counts for nobody"
    ) in hint


def test_a_key_listed_twice_for_one_person_is_still_theirs(keys: GateKeys, tmp_path: Path) -> None:
    alice = ssh_key_entry(keys.ssh["alice"])
    repo = GateRepo.create(
        tmp_path / "repo",
        keys,
        key_entries={"alice": [with_comment(alice, "work"), with_comment(alice, "home")]},
    )
    repo.approve_all()
    assert_passes(repo.assess())


def test_an_email_two_people_share_in_another_case_is_an_error(
    keys: GateKeys, tmp_path: Path
) -> None:
    repo = GateRepo.create(
        tmp_path / "repo", keys, people={"frank": {"email": "ALICE@acme.Example"}}
    )
    repo.approve_all()
    result = repo.assess()
    find_problem(
        result,
        TRUST,
        "email 'ALICE@acme.Example' of frank is also the email of alice; an email identifies"
        " one person",
        path="people/frank.yaml",
    )
    assert gate_for(result).passed  # the signatures are by distinct keys: the gate stands


def test_an_email_with_spaces_is_a_schema_error(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(
        tmp_path / "repo", keys, people={"frank": {"email": " alice@acme.example"}}
    )
    result = repo.assess()
    problem = next(p for p in errors(result) if p.path == "people/frank.yaml")
    assert problem.rule == "schema"
    assert problem.message.startswith("spec.email: ")


# --- a version's author must be traceable ------------------------------------------------------

V2 = "m@2"
V2_PATH = "projects/p/models/m/versions/2.yaml"
STRANGER = Identity("Alice Archer", "alice@home.example")  # alice, from an unregistered address


def _new_version(repo: GateRepo, author: str | Identity, sign_with: object) -> str:
    text = (
        version_document(created_by="frank")
        .replace("m@1", V2)
        .replace("version: '1'", "version: '2'")
    )
    text = text.replace("/m/1/", "/m/2/")
    return repo.commit(
        {V2_PATH: text, DEPLOYMENT: deployment_document(V2)},
        "Register m@2 and deploy it",
        author,
        when=feb(1),
        sign_with=sign_with,  # type: ignore[arg-type]
    )


def _approve_v2(repo: GateRepo, technical: str = "alice") -> None:
    repo.approve(TECH, technical, feb(2), subject=V2)
    repo.approve(RISK, "bob", feb(3), subject=V2)
    repo.approve(FINAL, "carol", feb(4), subject=V2)


def test_a_version_created_by_an_unsigned_commit_is_blocked(keys: GateKeys, tmp_path: Path) -> None:
    """alice commits m@2 unsigned from another address, names frank, and approves it."""
    repo = GateRepo.create(tmp_path / "repo", keys)
    commit = _new_version(repo, STRANGER, None)
    _approve_v2(repo)
    result = repo.assess()
    assert gate_for(result).reasons == (
        f"the commit that created m@2 does not trace to a person of the trusted base: commit"
        f" {commit[:12]} is not signed; the gate cannot tell who authored it, so nobody can"
        " approve it. Have its author create the version again in a commit signed with the key"
        " in their Person document",
    ), describe(result)


def test_a_version_signed_by_an_unknown_key_is_blocked(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    commit = _new_version(repo, STRANGER, keys.ssh["mallory"])
    _approve_v2(repo)
    (reason,) = gate_for(repo.assess()).reasons
    assert (
        f"commit {commit[:12]} is signed by key {keys.ssh['mallory'].fingerprint}, which no"
        " Person in the trusted base lists"
    ) in reason


def test_a_version_signed_by_its_registered_author_passes(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    _new_version(repo, "dan", "own")
    _approve_v2(repo)
    assert_passes(repo.assess())


def test_the_signer_of_the_creating_commit_cannot_approve(keys: GateKeys, tmp_path: Path) -> None:
    """frank signs m@2's creation with createdBy: frank... then alice's twin: frank approves."""
    repo = GateRepo.create(tmp_path / "repo", keys)
    _new_version(repo, Identity("Someone", "someone@elsewhere.example"), keys.ssh["alice"])
    _approve_v2(repo)
    result = repo.assess()
    problem = find_problem(
        result, GATE, "missing a current, verified technical-review", exact=False
    )
    assert f"{approval_path(V2, TECH, 'alice')}: alice authored this version" in problem.hint


# --- a signed rejection stays until its reviewer withdraws it ----------------------------------

PEOPLE = {"erin": {"roles": ("governance-admin", RISK)}}
BOB_REJECTS = approval_path(SUBJECT, RISK, "bob")


def _others_approve(repo: GateRepo) -> None:
    repo.approve(TECH, "alice", feb(4))
    repo.approve(RISK, "erin", feb(5))
    repo.approve(FINAL, "carol", feb(6))


def _deleted_reason(commit: str) -> str:
    return (
        f"bob rejected it as risk-review on 2026-02-02 ({BOB_REJECTS}), and commit"
        f" {commit[:12]} deleted that decision without bob's signature; it stands until the"
        " reviewer signs a newer decision or its removal"
    )


def test_a_rejection_deleted_by_someone_else_still_blocks(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys, people=PEOPLE)
    repo.approve(RISK, "bob", feb(2), decision="rejected")
    deleted = repo.commit(
        None, "Tidy approvals", "dan", when=feb(3), sign_with=None, remove=[BOB_REJECTS]
    )
    _others_approve(repo)
    result = repo.assess()
    assert gate_for(result).reasons == (_deleted_reason(deleted),), describe(result)


def test_a_rejection_edited_then_deleted_still_blocks(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys, people=PEOPLE)
    repo.approve(RISK, "bob", feb(2), decision="rejected")
    repo.approve(RISK, "bob", feb(3), author="dan", sign_with=None)  # flipped to approved
    deleted = repo.commit(
        None, "Tidy", "dan", when=feb(3, 12), sign_with=None, remove=[BOB_REJECTS]
    )
    _others_approve(repo)
    assert gate_for(repo.assess()).reasons == (_deleted_reason(deleted),)


def test_the_reviewer_may_sign_the_removal(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys, people=PEOPLE)
    repo.approve(RISK, "bob", feb(2), decision="rejected")
    repo.commit(None, "Withdraw my rejection", "bob", when=feb(3), remove=[BOB_REJECTS])
    _others_approve(repo)
    assert_passes(repo.assess())


def test_a_newer_signed_decision_replaces_the_rejection(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.approve(RISK, "bob", feb(2), decision="rejected")
    repo.commit(None, "Tidy approvals", "dan", when=feb(3), sign_with=None, remove=[BOB_REJECTS])
    repo.approve(TECH, "alice", feb(4))
    # bob's own newer, signed word, in a file of its own
    repo.approve(
        RISK, "bob", feb(5), path="approvals/m/1/risk-review--bob-again.yaml", ident="again"
    )
    repo.approve(FINAL, "carol", feb(6))
    assert_passes(repo.assess())


def test_an_unsigned_rejection_that_was_deleted_never_was_a_decision(
    keys: GateKeys, tmp_path: Path
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys, people=PEOPLE)
    repo.approve(RISK, "bob", feb(2), decision="rejected", author="dan", sign_with=None)
    repo.commit(None, "Tidy approvals", "dan", when=feb(3), sign_with=None, remove=[BOB_REJECTS])
    _others_approve(repo)
    assert_passes(repo.assess())


def test_a_rejection_kept_outside_approvals_is_found_too(keys: GateKeys, tmp_path: Path) -> None:
    """Documents are found by kind: a rejection under signoffs/ deleted unsigned still blocks."""
    repo = GateRepo.create(tmp_path / "repo", keys, people=PEOPLE)
    elsewhere = "signoffs/bob-risk.yaml"
    repo.approve(RISK, "bob", feb(2), decision="rejected", path=elsewhere)
    deleted = repo.commit(None, "Tidy", "dan", when=feb(3), sign_with=None, remove=[elsewhere])
    _others_approve(repo)
    assert gate_for(repo.assess()).reasons == (
        _deleted_reason(deleted).replace(BOB_REJECTS, elsewhere),
    )


# --- attacks on identities ---------------------------------------------------------------------


def test_the_author_is_found_by_email_whatever_its_case(keys: GateKeys, tmp_path: Path) -> None:
    """alice signs m@2's creation with her key, writing her email in capitals, names frank."""
    repo = GateRepo.create(tmp_path / "repo", keys)
    _new_version(repo, Identity("Alice", " ALICE@Acme.example"), keys.ssh["alice"])
    _approve_v2(repo)
    problem = find_problem(
        repo.assess(), GATE, "missing a current, verified technical-review", exact=False
    )
    assert f"{approval_path(V2, TECH, 'alice')}: alice authored this version" in problem.hint


def test_a_version_signed_outside_the_keys_validity_is_untraceable(
    keys: GateKeys, tmp_path: Path
) -> None:
    repo = GateRepo.create(
        tmp_path / "repo",
        keys,
        key_entries={"dan": [ssh_key_entry(keys.ssh["dan"], valid_before="2026-01-31T00:00:00Z")]},
    )
    commit = _new_version(repo, "dan", "own")
    _approve_v2(repo)
    (reason,) = gate_for(repo.assess()).reasons
    assert f"commit {commit[:12]} is signed with dan's key" in reason
    assert "outside the key's validity window" in reason
