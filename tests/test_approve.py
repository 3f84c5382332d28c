"""`gac approve` refuses up front what could never count, and never leaves a mess behind.

Each test drives `gac approve` through click's CliRunner on a real repository built by
`gate_helpers`, with git isolated from the developer's own configuration and agent.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from gate_helpers import (
    PEOPLE,
    SUBJECT,
    VERSION_PATH,
    GateKeys,
    GateRepo,
    feb,
    identity,
    make_gate_keys,
    version_document,
)
from signing_helpers import git, gpg_home

from govern_as_code import git as git_module
from govern_as_code.cli.main import cli
from govern_as_code.commands.demo import run_demo
from govern_as_code.commands.signoff import render_approval
from govern_as_code.documents.modeline import schema_modeline

TECH_PATH = "approvals/m/1/technical-review--alice.yaml"


@pytest.fixture(scope="module")
def gpg_dir() -> Iterator[Path]:
    with gpg_home() as home:
        yield home


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory, gpg_dir: Path) -> GateKeys:
    return make_gate_keys(tmp_path_factory.mktemp("keys"), gpg_dir)


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """git as `gac approve` runs it: no global or system config, no agent, pinned dates."""
    monkeypatch.setitem(git_module._ENV, "GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setitem(git_module._ENV, "GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delitem(git_module._ENV, "SSH_AUTH_SOCK", raising=False)
    monkeypatch.delitem(git_module._ENV, "GNUPGHOME", raising=False)
    stamp = feb(3).isoformat()
    monkeypatch.setitem(git_module._ENV, "GIT_AUTHOR_DATE", stamp)
    monkeypatch.setitem(git_module._ENV, "GIT_COMMITTER_DATE", stamp)


def configure(root: Path, person: str, signing_key: str | None, fmt: str = "ssh") -> None:
    git(root, "config", "user.name", PEOPLE[person].name)
    git(root, "config", "user.email", PEOPLE[person].email)
    git(root, "config", "gpg.format", fmt)
    if signing_key is not None:
        git(root, "config", "user.signingkey", signing_key)


def approve(root: Path, role: str = "technical-review", subject: str = SUBJECT) -> Result:
    return CliRunner().invoke(
        cli, ["approve", subject, "--role", role, "-m", "Checked.", "--repo", str(root)]
    )


def lint_state(repo: GateRepo, path: str = TECH_PATH) -> str:
    return {c.path: c for c in repo.assess().status.approvals}[path].state


def status(root: Path) -> bytes:
    return git(root, "status", "--porcelain", "--untracked-files=all")


# --- 4: before the first commit -------------------------------------------------------------


def test_before_the_first_commit_it_says_to_commit_first(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    git_module.Repository.init(root)
    (root / "governance.yaml").write_text("kind: Portfolio\n", "utf-8")
    result = approve(root)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "gac: error: the repository has no commit yet: the people, keys and roles an approval"
        " is checked against are read from a committed trusted base",
        "gac: fix: commit the portfolio first (git add -A && git commit -m 'Add the"
        " portfolio'), then approve",
    ]


def test_outside_git_it_says_so(tmp_path: Path) -> None:
    result = approve(tmp_path)
    assert result.exit_code == 2, result.output
    assert "gac: error: approvals are signed commits, so this must run in a git repository\n" in (
        result.stderr
    )


# --- 5: a failed signing says why and leaves nothing behind ---------------------------------


def test_failed_ssh_signing_surfaces_gits_reason_and_restores_everything(
    keys: GateKeys, tmp_path: Path
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    configure(repo.root, "alice", str(keys.ssh["alice"].private_path))
    git(repo.root, "config", "gpg.ssh.program", str(tmp_path / "no-such-ssh-keygen"))
    before = repo.head()

    result = approve(repo.root)

    assert result.exit_code == 2, result.output
    assert (
        "gac: error: git could not make the signed commit: fatal: cannot run"
        f" {tmp_path / 'no-such-ssh-keygen'}: No such file or directory"
    ) in result.stderr
    assert "nothing was committed or left staged" in result.stderr
    assert repo.head() == before
    assert status(repo.root) == b""
    assert not (repo.root / "approvals").exists()


def test_failed_signing_over_an_existing_approval_puts_the_file_back(
    keys: GateKeys, tmp_path: Path
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.approve("technical-review", "alice", feb(2))
    previous = repo.path(TECH_PATH).read_bytes()
    configure(repo.root, "alice", str(keys.ssh["alice"].private_path))
    git(repo.root, "config", "gpg.ssh.program", str(tmp_path / "no-such-ssh-keygen"))
    before = repo.head()

    result = approve(repo.root)

    assert result.exit_code == 2, result.output
    assert "git could not make the signed commit: fatal: cannot run" in result.stderr
    assert repo.head() == before
    assert repo.path(TECH_PATH).read_bytes() == previous
    assert status(repo.root) == b""


def test_failed_openpgp_signing_says_gpg_failed(
    keys: GateKeys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bob's key is his, but the gpg home git reaches holds no secret key."""
    repo = GateRepo.create(tmp_path / "repo", keys, openpgp=["bob"])
    configure(repo.root, "bob", keys.gpg["bob"].fingerprint, fmt="openpgp")
    with gpg_home() as empty:
        monkeypatch.setitem(git_module._ENV, "GNUPGHOME", str(empty))
        result = approve(repo.root, "risk-review")
    assert result.exit_code == 2, result.output
    assert "gac: error: git could not make the signed commit:" in result.stderr
    assert "gpg failed to sign the data" in result.stderr
    assert status(repo.root) == b""


# --- 6: the key git would sign with, and the version's author -------------------------------


@pytest.mark.parametrize("form", ["private", "public", "literal"])
def test_a_key_that_is_not_the_reviewers_is_refused_up_front(
    form: str, keys: GateKeys, tmp_path: Path
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    mallory = keys.ssh["mallory"]
    setting = {
        "private": str(mallory.private_path),
        "public": str(mallory.public_path),
        "literal": "key::" + mallory.public_line,
    }[form]
    configure(repo.root, "alice", setting)
    before = repo.head()

    result = approve(repo.root)

    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        f"gac: error: git would sign with the ssh key {setting!r} (git config user.signingkey),"
        f" fingerprint {mallory.fingerprint}, which the trusted base does not list for alice",
        "gac: fix: set git config user.signingkey to one of alice's ssh keys in the trusted"
        f" base ({keys.ssh['alice'].fingerprint}), or have that key added to alice's Person"
        " document on the default branch first",
    ]
    assert repo.head() == before
    assert status(repo.root) == b""


def test_the_reviewers_public_key_file_is_accepted(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    configure(repo.root, "alice", str(keys.ssh["alice"].public_path))
    result = approve(repo.root)
    assert result.exit_code == 0, result.output
    assert lint_state(repo) == "current"


def test_an_openpgp_key_that_is_not_the_reviewers_is_refused(
    keys: GateKeys, tmp_path: Path
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys, openpgp=["bob"])
    rogue = keys.gpg["bob-rogue"].fingerprint
    configure(repo.root, "bob", rogue, fmt="openpgp")
    result = approve(repo.root, "risk-review")
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[0] == (
        f"gac: error: git would sign with the openpgp key {rogue!r} (git config"
        " user.signingkey), which the trusted base does not list for bob"
    )


def test_an_openpgp_user_id_that_cannot_be_checked_is_refused(
    keys: GateKeys, tmp_path: Path
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys, openpgp=["bob"])
    configure(repo.root, "bob", "bob@acme.example", fmt="openpgp")
    result = approve(repo.root, "risk-review")
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "gac: error: git would sign with the openpgp key 'bob@acme.example' (git config"
        " user.signingkey), which is not a key id or fingerprint, so gac cannot tell whether it"
        " is one of your trusted keys",
        "gac: fix: set user.signingkey to your key's full fingerprint (gpg --list-secret-keys"
        " --keyid-format long)",
    ]


def test_bobs_own_openpgp_key_signs_an_approval_that_counts(
    keys: GateKeys, tmp_path: Path, gpg_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys, openpgp=["bob"])
    configure(repo.root, "bob", keys.gpg["bob"].fingerprint[-16:], fmt="openpgp")
    monkeypatch.setitem(git_module._ENV, "GNUPGHOME", str(gpg_dir))
    result = approve(repo.root, "risk-review")
    assert result.exit_code == 0, result.output
    assert lint_state(repo, "approvals/m/1/risk-review--bob.yaml") == "current"


def test_the_versions_createdby_cannot_approve_it(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(
        tmp_path / "repo", keys, people={"dan": {"roles": ("data-scientist", "technical-review")}}
    )
    configure(repo.root, "dan", str(keys.ssh["dan"].private_path))
    result = approve(repo.root)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        f"gac: error: dan authored m@1 (is its createdBy, {VERSION_PATH}), and a version's"
        " author cannot approve it",
        "gac: fix: ask another holder of technical-review: alice, frank",
    ]


def test_the_author_of_the_versions_creating_commit_cannot_approve_it(
    keys: GateKeys, tmp_path: Path
) -> None:
    """frank commits m@2 while its createdBy names dan: frank is its author all the same."""
    repo = GateRepo.create(tmp_path / "repo", keys)
    path = "projects/p/models/m/versions/2.yaml"
    text = version_document().replace("m@1", "m@2").replace("version: '1'", "version: '2'")
    repo.commit({path: text}, "Register m@2", "frank", when=feb(1))
    configure(repo.root, "frank", str(keys.ssh["frank"].private_path))
    result = approve(repo.root, subject="m@2")
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[0] == (
        f"gac: error: frank authored m@2 (made the commit that created it, {path}), and a"
        " version's author cannot approve it"
    )


# --- 12: an invalid version file is not a missing version -----------------------------------


def test_an_invalid_version_file_is_named_with_its_line(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    path = "projects/p/models/m/versions/2.yaml"
    text = version_document().replace("m@1", "m@2").replace("version: '1'", "version: '2'")
    repo.write(path, text.replace("createdBy: dan", "createdBy: dan\n  colour: blue"))
    configure(repo.root, "alice", str(keys.ssh["alice"].private_path))
    result = approve(repo.root, subject="m@2")
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"gac: error: the file of model version m@2, {path}:")
    assert "is not valid:" in lines[0] and "colour" in lines[0]
    assert "there is no model version" not in result.stderr
    assert lines[1] == f"gac: fix: fix {path} (run gac validate to see every problem), then approve"
    digest = CliRunner().invoke(cli, ["digest", "m@2", "--repo", str(repo.root)])
    assert digest.exit_code == 2, digest.output
    assert digest.stderr.splitlines() == lines


# --- 7: re-approving over a poisoned history recovers ---------------------------------------


def test_reapproving_over_a_mistaken_key_recovers(keys: GateKeys, tmp_path: Path) -> None:
    """alice first signs with a key she never registered; `gac approve` starts the file afresh."""
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.approve("technical-review", "alice", feb(2), sign_with=keys.ssh["alice-new"])
    assert lint_state(repo) != "current"
    configure(repo.root, "alice", str(keys.ssh["alice"].private_path))

    result = approve(repo.root)

    assert result.exit_code == 0, result.output
    assert lint_state(repo) == "current"
    subjects = git(repo.root, "log", "-3", "--format=%s", "--", TECH_PATH).decode().splitlines()
    assert subjects == [
        "Approved m@1 as technical-review",
        f"Remove {TECH_PATH} to approve it afresh",
        "approved m@1 as technical-review",
    ]
    assert status(repo.root) == b""


def test_reapproving_after_a_merge_discarded_a_decision_recovers(
    keys: GateKeys, tmp_path: Path
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.approve("technical-review", "alice", feb(2))
    git(repo.root, "checkout", "-q", "-b", "old")
    repo.commit({"notes.txt": "unrelated\n"}, "Unrelated work", "dan", when=feb(2, 12))
    git(repo.root, "checkout", "-q", "change")
    repo.approve("technical-review", "alice", feb(3), decision="rejected")
    dan = identity("dan")
    git(repo.root, "merge", "-q", "--no-ff", "--no-commit", "old", author=dan, date=feb(4))
    git(repo.root, "checkout", "old", "--", TECH_PATH)
    git(repo.root, "commit", "-q", "--no-gpg-sign", "-m", "Merge old", author=dan, date=feb(4))
    assert lint_state(repo) == "unverified"
    configure(repo.root, "alice", str(keys.ssh["alice"].private_path))

    result = approve(repo.root)

    assert result.exit_code == 0, result.output
    assert lint_state(repo) == "current"
    assert git(repo.root, "log", "-1", "--format=%s", "HEAD~1").strip() == (
        f"Remove {TECH_PATH} to approve it afresh".encode()
    )


def test_reapproving_a_healthy_approval_is_one_commit(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.approve("technical-review", "alice", feb(2))
    before = repo.head()
    configure(repo.root, "alice", str(keys.ssh["alice"].private_path))
    assert approve(repo.root).exit_code == 0
    assert git(repo.root, "rev-parse", "HEAD~1").decode().strip() == before
    assert lint_state(repo) == "current"


def test_an_approval_file_with_uncommitted_changes_is_left_alone(
    keys: GateKeys, tmp_path: Path
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.write(TECH_PATH, "my draft\n")
    configure(repo.root, "alice", str(keys.ssh["alice"].private_path))
    result = approve(repo.root)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        f"gac: error: {TECH_PATH} has uncommitted changes",
        "gac: fix: commit, move or discard them first, then approve",
    ]
    assert repo.read(TECH_PATH) == "my draft\n"


# --- 13: one Approval writer ----------------------------------------------------------------


def test_the_demo_writes_approvals_with_the_same_writer(tmp_path: Path) -> None:
    result = run_demo(tmp_path / "demo", now=datetime(2026, 11, 26, 12, tzinfo=UTC))
    assert result.approvals
    for path in result.approvals:
        text = (result.repo / path).read_text("utf-8")
        spec = yaml.safe_load(text)["spec"]
        when = datetime.fromisoformat(spec["date"].replace("Z", "+00:00"))
        assert text == render_approval(
            spec["subject"],
            spec["digest"],
            spec["role"],
            spec["reviewer"],
            spec["decision"],
            spec["comment"],
            when,
            schema_modeline("Approval", path),
        )


def test_a_sign_off_is_never_committed_in_the_second_of_the_commit_before_it(
    tmp_path: Path,
) -> None:
    # git dates have one-second resolution and the gate orders sign-offs by them, so two
    # approvals made back to back (as a script does) must land in distinct seconds.
    from govern_as_code.commands.approve import _wait_past_head
    from govern_as_code.git import Repository

    root = tmp_path / "r"
    repo = Repository.init(root)
    repo.set_config("user.name", "Ann")
    repo.set_config("user.email", "ann@example.com")
    (root / "f.txt").write_text("x\n")
    head_time = datetime.now(UTC).replace(microsecond=0)
    repo.commit_as(["f.txt"], "first", name="Ann", email="ann@example.com", when=head_time)
    _wait_past_head(repo)
    assert datetime.now(UTC) >= head_time.replace(microsecond=0) + timedelta(seconds=1)
