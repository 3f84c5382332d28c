"""Signed-commit evidence over an approval file's real history (DESIGN §2.3 as amended).

Only the commits since the file was last created count; the creating commit must itself be
the reviewer's. A malformed commit object, a forge's squash merge and a missing program each
give a reason that says what happened, never a crash.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from gate_helpers import (
    PEOPLE,
    GateKeys,
    GateRepo,
    assert_passes,
    describe,
    gate_for,
    identity,
    make_gate_keys,
)
from signing_helpers import (
    Identity,
    git,
    git_commit,
    gpg_home,
    init_repo,
    make_gpg_key,
    make_ssh_key,
    raw_commit,
    rev_parse,
)

from govern_as_code import git as git_module
from govern_as_code.cli.main import cli
from govern_as_code.errors import GovernError
from govern_as_code.evidence.commit_object import split_signed_commit
from govern_as_code.evidence.ssh import verify_ssh_signature

TECH = "technical-review"
TECH_PATH = "approvals/m/1/technical-review--alice.yaml"
GATE = "production-requires-approvals"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> GateKeys:
    return make_gate_keys(tmp_path_factory.mktemp("keys"))


def when(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 2, day, hour, tzinfo=UTC)


def evidence(repo: GateRepo, path: str = TECH_PATH) -> tuple[str, str]:
    """(state, detail) of one approval file as lint judges it."""
    check = {c.path: c for c in repo.assess().status.approvals}[path]
    if check.state == "current":
        return check.state, check.detail
    assert check.detail.startswith("not verified: "), check.detail
    return check.state, check.detail.removeprefix("not verified: ")


def honest_rest(repo: GateRepo) -> None:
    repo.approve("risk-review", "bob", when(10))
    repo.approve("final-approval", "carol", when(11))


# --- 7: only the commits since the file was last created count ------------------------------


def test_deleting_and_recreating_by_the_reviewer_recovers_from_a_wrong_key(
    keys: GateKeys, tmp_path: Path
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.approve(TECH, "alice", when(2), sign_with=keys.ssh["alice-new"])
    # Re-approving over the poisoned file is not enough: that commit was since the creation.
    repo.approve(TECH, "alice", when(3), comment="Signed again, with my key.")
    assert evidence(repo)[0] != "current"
    repo.commit(None, "Remove my mistaken approval", "alice", when=when(4), remove=[TECH_PATH])
    repo.approve(TECH, "alice", when(5))
    honest_rest(repo)
    assert_passes(repo.assess())


def test_an_edit_by_anyone_else_after_the_creation_still_voids_it(
    keys: GateKeys, tmp_path: Path
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.approve(TECH, "alice", when(2))
    text = repo.read(TECH_PATH).replace("Reviewed.", "Reviewed, and fine.")
    sha = repo.commit({TECH_PATH: text}, "Polish the wording", "dan", when=when(3))
    honest_rest(repo)
    assessment = repo.assess()
    state, detail = evidence(repo)
    assert state == "unverified"
    assert detail == (
        f"commit {sha[:12]} is signed by dan's key {keys.ssh['dan'].fingerprint}, not by the"
        " reviewer alice"
    ), describe(assessment)
    # The reviewer signed it once, since its creation, and someone else changed it after.
    assert any(
        r.startswith(f"{TECH_PATH} was changed after alice signed it")
        for r in gate_for(assessment).reasons
    ), describe(assessment)


def test_recreating_someone_elses_approval_does_not_launder_it(
    keys: GateKeys, tmp_path: Path
) -> None:
    """dan deletes alice's (wrongly keyed) file and re-adds the same text, unsigned."""
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.approve(TECH, "alice", when(2))
    text = repo.read(TECH_PATH)
    repo.commit(None, "Remove", "dan", when=when(3), remove=[TECH_PATH])
    sha = repo.commit({TECH_PATH: text}, "Restore alice's approval", "dan", when=when(4))
    state, detail = evidence(repo)
    assert state != "current"
    assert detail.startswith(f"commit {sha[:12]} is signed by dan's key")


def test_recreating_it_unsigned_under_the_reviewers_name_does_not_count(
    keys: GateKeys, tmp_path: Path
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.approve(TECH, "alice", when(2))
    text = repo.read(TECH_PATH)
    repo.commit(None, "Remove", "alice", when=when(3), remove=[TECH_PATH])
    sha = repo.commit({TECH_PATH: text}, "Restore", "alice", when=when(4), sign_with=None)
    assert evidence(repo) == ("unverified", f"commit {sha[:12]} that changed it is not signed")


def test_a_merge_that_brings_back_an_older_signed_state_does_not_count(
    keys: GateKeys, tmp_path: Path
) -> None:
    """alice approves, then rejects; dan merges a branch from before the rejection and
    resolves the file to her old approval. Every commit git's simplified history shows is
    alice's own, yet her later decision was thrown away."""
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.approve(TECH, "alice", when(2))
    git(repo.root, "checkout", "-q", "-b", "old")
    repo.commit({"notes.txt": "unrelated\n"}, "Unrelated work", "dan", when=when(2, 12))
    git(repo.root, "checkout", "-q", "change")
    rejection = repo.approve(TECH, "alice", when(3), decision="rejected")
    dan = identity("dan")
    git(repo.root, "merge", "-q", "--no-ff", "--no-commit", "old", author=dan, date=when(4))
    git(repo.root, "checkout", "old", "--", TECH_PATH)
    git(repo.root, "commit", "-q", "--no-gpg-sign", "-m", "Merge old", author=dan, date=when(4))
    assert "decision: approved" in repo.read(TECH_PATH)

    assert evidence(repo) == (
        "unverified",
        f"a merge discarded commit {rejection[:12]}'s change to the file, so its content may"
        " be an older signed state; the reviewer must approve it afresh (gac approve removes"
        " the file and creates it again)",
    )


def test_merging_the_branch_that_carries_an_approval_still_counts(
    keys: GateKeys, tmp_path: Path
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys, branch=None)
    git(repo.root, "checkout", "-q", "-b", "review")
    repo.approve_all(day=2)
    git(repo.root, "checkout", "-q", "main")
    repo.commit({"notes.txt": "meanwhile\n"}, "Meanwhile on main", "erin", when=when(3))
    repo.merge("review", when(6))
    assert_passes(repo.assess())


# --- 8: a malformed commit object is a reason ------------------------------------------------


def test_a_malformed_commit_in_the_history_is_a_reason_not_a_crash(
    keys: GateKeys, tmp_path: Path
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.approve(TECH, "alice", when(2))
    raw = raw_commit(repo.root).decode()
    lines = raw.split("\n")
    author = next(i for i, line in enumerate(lines) if line.startswith("author "))
    lines[author], lines[author + 1] = lines[author + 1], lines[author]  # committer first
    forged = git(
        repo.root, "hash-object", "-t", "commit", "-w", "--literally", "--stdin",
        stdin="\n".join(lines).encode(),
    ).decode().strip()  # fmt: skip
    git(repo.root, "update-ref", "refs/heads/change", forged)
    with pytest.raises(ValueError):
        split_signed_commit(raw_commit(repo.root, forged))

    state, detail = evidence(repo)
    assert state != "current"
    assert detail == (
        f"unreadable commit {forged[:12]}: lacks author and committer lines right after parents"
    )
    result = CliRunner().invoke(cli, ["lint", "--repo", str(repo.root), "--today", "2026-03-01"])
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output


# --- 10: squash and rebase merges drop the reviewer's signature -----------------------------


def test_a_forge_squash_merge_names_the_likely_cause(keys: GateKeys, tmp_path: Path) -> None:
    """GitHub re-commits alice's approval as itself on squash, without her signature."""
    repo = GateRepo.create(tmp_path / "repo", keys, branch=None)
    git(repo.root, "checkout", "-q", "-b", "review")
    repo.approve(TECH, "alice", when(2))
    text = repo.read(TECH_PATH)
    git(repo.root, "checkout", "-q", "main")
    sha = git_commit(
        repo.root,
        "Approve m@1 as technical-review (#12)\n",
        date=when(3),
        author=identity("alice"),
        committer=Identity("GitHub", "noreply@github.com"),
        files={TECH_PATH: text},
    )
    state, detail = evidence(repo)
    assert state != "current"
    assert detail == (
        f"commit {sha[:12]} that changed it is not signed; if this branch was squash- or"
        " rebase-merged, the reviewer's signature was dropped: merge approvals with a merge"
        " commit, or count pull-request reviews (evidence: [pull-request-review] in"
        " governance.yaml)"
    )


def test_an_ordinary_unsigned_commit_gets_no_squash_hint(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    sha = repo.approve(TECH, "alice", when(2), sign_with=None)
    assert evidence(repo) == ("unverified", f"commit {sha[:12]} that changed it is not signed")


# --- 9: an OpenPGP key that expired after the commit ----------------------------------------


def test_an_openpgp_key_that_expired_after_the_commit_still_counts(
    keys: GateKeys, tmp_path: Path
) -> None:
    with gpg_home() as home:
        bob = PEOPLE["bob"]
        # Made on 2026-02-01, expires after 20 days: valid when bob signs on 02-10, expired by
        # the time the gate runs.
        key = make_gpg_key(home, bob.name, bob.email, expire="20d", faked_time="20260201T000000")
        gpg_keys = GateKeys(keys.ssh, {"bob": key})
        repo = GateRepo.create(tmp_path / "repo", gpg_keys, openpgp=["bob"])
        repo.approve(TECH, "alice", when(2))
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("PATH", f"{_gpg_at(tmp_path, '20260210T100000')}:{os.environ['PATH']}")
            repo.approve("risk-review", "bob", when(10), sign_with=key)
        repo.approve("final-approval", "carol", when(11))
        assessment = repo.assess()
    assert_passes(assessment)


def _gpg_at(tmp_path: Path, moment: str) -> Path:
    """A folder whose `gpg` signs as of `moment`, as if the commit were made then."""
    real = shutil.which("gpg")
    folder = tmp_path / "gpg-at"
    folder.mkdir()
    wrapper = folder / "gpg"
    wrapper.write_text(f'#!/bin/sh\nexec {real} --faked-system-time {moment} "$@"\n', "utf-8")
    wrapper.chmod(0o755)
    return folder


# --- 11: a missing program is a GovernError naming it ---------------------------------------


def _path_with_only(tmp_path: Path, *programs: str) -> str:
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    for program in programs:
        found = shutil.which(program)
        assert found is not None
        (folder / program).symlink_to(found)
    return str(folder)


def test_missing_git_is_named_with_how_to_install_it(
    keys: GateKeys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    monkeypatch.setitem(git_module._ENV, "PATH", _path_with_only(tmp_path))
    result = CliRunner().invoke(cli, ["lint", "--repo", str(repo.root)])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "gac: error: git is needed but is not installed (or not on PATH)",
        "gac: fix: install git (https://git-scm.com/downloads; e.g. apt-get install git, brew"
        " install git)",
    ]


def test_missing_gpg_is_named_with_how_to_install_it(
    keys: GateKeys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with gpg_home() as home:
        bob = PEOPLE["bob"]
        key = make_gpg_key(home, bob.name, bob.email)
        repo = GateRepo.create(tmp_path / "repo", GateKeys(keys.ssh, {"bob": key}), openpgp=["bob"])
        repo.approve("risk-review", "bob", when(2), sign_with=key)
    monkeypatch.setenv("PATH", _path_with_only(tmp_path, "git"))
    result = CliRunner().invoke(cli, ["lint", "--repo", str(repo.root)])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "gac: error: gpg is needed to check OpenPGP signatures but is not installed (or not on"
        " PATH)",
        "gac: fix: install GnuPG (https://gnupg.org/download; e.g. apt-get install gnupg, brew"
        " install gnupg)",
    ]


def test_missing_ssh_keygen_is_named_with_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ECDSA signatures are checked by ssh-keygen; the demo makes its keys with it."""
    key = make_ssh_key(tmp_path, "ec", "ecdsa")
    root = init_repo(tmp_path / "repo")
    sha = git_commit(root, "Approve\n", sign_with=key)
    commit = split_signed_commit(raw_commit(root, sha))
    assert commit.signature is not None
    monkeypatch.setenv("PATH", _path_with_only(tmp_path, "git"))
    with pytest.raises(GovernError) as caught:
        verify_ssh_signature(commit.payload, commit.signature)
    assert caught.value.message == (
        "ssh-keygen is needed to check ecdsa-sha2-nistp256 signatures but is not installed"
        " (or not on PATH)"
    )
    assert "apt-get install openssh-client" in caught.value.fix

    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path / "demo")])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[0] == (
        "gac: error: ssh-keygen is needed to make the demo's signing keys but is not installed"
        " (or not on PATH)"
    )
    assert rev_parse(root, "HEAD") == sha
