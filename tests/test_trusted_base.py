"""The trusted base is the real default branch: never a tag or branch that shadows it.

Each test builds a real signed repository (gate_helpers.GateRepo), most of them cloned so that
`origin/main` and `origin/HEAD` exist as remote-tracking refs, and then plants the attacker's
refs next to them.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from gate_helpers import (
    GateKeys,
    GateRepo,
    describe,
    feb,
    gate_for,
    make_gate_keys,
    ssh_key_entry,
)
from signing_helpers import git, rev_parse

from govern_as_code.cli.main import cli
from govern_as_code.errors import GitError
from govern_as_code.portfolio.base import TrustedBase

TODAY = "2026-03-01"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> GateKeys:
    return make_gate_keys(tmp_path_factory.mktemp("keys"))


def gac(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def clone(origin: GateRepo, target: Path, *, keep_main: bool = True) -> GateRepo:
    """A clone of `origin` on a new branch `change`; without `keep_main` as in CI, where only
    `origin/main` (and `origin/HEAD`) exist."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    subprocess.run(
        ["git", "clone", "-q", str(origin.root), str(target)],
        check=True,
        env=env,
        capture_output=True,
    )
    repo = GateRepo(target, origin.keys, origin.people)
    repo.checkout("change", create=True)
    if not keep_main:
        git(target, "branch", "-q", "-D", "main")
    return repo


def attack(repo: GateRepo) -> str:
    """The change lists mallory's key as alice's and signs alice's approval with it."""
    person = repo.read("people/alice.yaml")
    entry = ssh_key_entry(repo.keys.ssh["mallory"])
    key = f"  - type: ssh\n    publicKey: {entry['publicKey']}\n    validAfter: '2025-01-01'\n"
    person = person.replace("  keys:\n", "  keys:\n" + key, 1)
    repo.commit({"people/alice.yaml": person}, "Rotate alice's key", "dan", when=feb(1))
    return repo.approve(
        "technical-review", "alice", feb(2), sign_with=repo.keys.ssh["mallory"], author="alice"
    )


@pytest.fixture
def origin(keys: GateKeys, tmp_path: Path) -> GateRepo:
    return GateRepo.create(tmp_path / "origin", keys, branch=None)


def test_default_base_is_the_remote_branch_not_a_local_branch_named_origin_main(
    origin: GateRepo, tmp_path: Path
) -> None:
    repo = clone(origin, tmp_path / "clone")
    main = rev_parse(repo.root, "refs/remotes/origin/main")
    attacker = attack(repo)
    git(repo.root, "branch", "origin/main", attacker)
    git(repo.root, "tag", "origin/HEAD", attacker)

    assessment = repo.assess()

    assert assessment.base == TrustedBase("refs/remotes/origin/HEAD", main)
    assert not gate_for(assessment).passed
    assert "which the trusted base does not list for alice" in describe(assessment)
    # Had the planted ref been trusted, the change would have vouched for its own key.
    assert "does not list for alice" not in describe(repo.assess(base=attacker))

    result = gac("lint", "--repo", str(repo.root), "--today", TODAY)
    assert result.exit_code == 1, result.output
    assert f"trusted base: refs/remotes/origin/HEAD ({main[:12]})\n" in result.stderr


def test_base_origin_main_shadowed_by_a_local_branch_is_refused(
    origin: GateRepo, tmp_path: Path
) -> None:
    repo = clone(origin, tmp_path / "clone")
    git(repo.root, "branch", "origin/main", attack(repo))

    result = gac("lint", "--repo", str(repo.root), "--base", "origin/main")

    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "gac: error: the name 'origin/main' is ambiguous: it could be refs/heads/origin/main"
        " or refs/remotes/origin/main",
        "gac: fix: name the one you mean in full, e.g. refs/remotes/origin/main",
    ]
    full = gac("lint", "--repo", str(repo.root), "--base", "refs/remotes/origin/main")
    assert full.exit_code == 1, full.output
    main = rev_parse(repo.root, "refs/remotes/origin/main")
    assert f"trusted base: refs/remotes/origin/main ({main[:12]})" in full.stderr


def test_a_tag_named_main_is_refused_beside_the_branch(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    git(repo.root, "tag", "main", attack(repo))

    with pytest.raises(GitError) as caught:
        repo.assess(base="main")

    assert caught.value.message == (
        "the name 'main' is ambiguous: it could be refs/tags/main or refs/heads/main"
    )


def test_a_tag_named_main_in_a_ci_clone_does_not_stand_in_for_origin_main(
    origin: GateRepo, tmp_path: Path
) -> None:
    repo = clone(origin, tmp_path / "clone", keep_main=False)
    git(repo.root, "tag", "main", attack(repo))

    result = gac("lint", "--repo", str(repo.root), "--base", "main")

    assert result.exit_code == 2, result.output
    assert (
        "gac: error: the name 'main' is ambiguous: it could be refs/tags/main or"
        " refs/remotes/origin/main"
    ) in result.stderr


def test_trust_base_main_in_a_clone_with_only_origin_main(keys: GateKeys, tmp_path: Path) -> None:
    origin = GateRepo.create(
        tmp_path / "origin", keys, branch=None, governance_spec={"trust": {"base": "main"}}
    )
    repo = clone(origin, tmp_path / "clone", keep_main=False)
    main = rev_parse(repo.root, "refs/remotes/origin/main")
    repo.approve_all()

    assessment = repo.assess()

    assert assessment.base == TrustedBase("refs/remotes/origin/main", main)
    assert gate_for(assessment).passed
    assert repo.assess(base="main").base == TrustedBase("refs/remotes/origin/main", main)


def test_json_stdout_stays_pure_and_stderr_names_the_base(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    main = rev_parse(repo.root, "refs/heads/main")

    result = gac("lint", "--repo", str(repo.root), "--today", TODAY, "--format", "json")

    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["summary"]["errors"] >= 1
    assert result.stderr == f"trusted base: refs/heads/main ({main[:12]})\n"
    deploy = gac(
        "check-deploy", "deployments/production/m.yaml", "--repo", str(repo.root),
        "--format", "sarif", "--today", TODAY,
    )  # fmt: skip
    assert deploy.exit_code == 1, deploy.output
    assert json.loads(deploy.stdout)["version"] == "2.1.0"
    assert deploy.stderr == f"trusted base: refs/heads/main ({main[:12]})\n"


def test_a_full_commit_id_is_taken_as_written(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    main = rev_parse(repo.root, "main")
    repo.approve_all()
    assert repo.assess(base=main).base == TrustedBase(main, main)


@pytest.mark.parametrize(
    ("base", "message", "fix"),
    [
        (
            "HEAD",
            "'HEAD' is not a branch, tag or commit id, so it cannot be the trusted base",
            "name a branch (main, origin/main), a full ref (refs/remotes/origin/main) or a full"
            " 40-character commit id",
        ),
        (
            "main~1",
            "'main~1' is not a branch, tag or commit id, so it cannot be the trusted base",
            "name a branch (main, origin/main), a full ref (refs/remotes/origin/main) or a full"
            " 40-character commit id",
        ),
        (
            "origin/release",
            "the revision 'origin/release' is not in this repository",
            "fetch it first (git fetch origin release) and, in CI, check out with full history"
            " (actions/checkout: fetch-depth: 0)",
        ),
        (
            "refs/remotes/origin/release",
            "the revision 'refs/remotes/origin/release' is not in this repository",
            "fetch it first (git fetch origin release) and, in CI, check out with full history"
            " (actions/checkout: fetch-depth: 0)",
        ),
    ],
)
def test_bases_that_are_not_one_ref_exit_2(
    base: str, message: str, fix: str, keys: GateKeys, tmp_path: Path
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    result = gac("lint", "--repo", str(repo.root), "--base", base)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [f"gac: error: {message}", f"gac: fix: {fix}"]


def test_an_abbreviated_commit_id_asks_for_the_full_one(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    short = rev_parse(repo.root, "main")[:10]
    result = gac("lint", "--repo", str(repo.root), "--base", short)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        f"gac: error: '{short}' is neither a ref nor a full commit id",
        f"gac: fix: give the full commit id (git rev-parse {short})",
    ]


# --- --at: a date must be a real date ------------------------------------------------------


@pytest.mark.parametrize("command", ["report", "validate"])
def test_an_impossible_date_is_not_taken_for_a_revision(
    command: str, keys: GateKeys, tmp_path: Path
) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    extra = ["--out", str(tmp_path / "site")] if command == "report" else []
    result = gac(command, "--repo", str(repo.root), "--at", "2026-13-01", *extra)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "gac: error: --at '2026-13-01' is not a valid date",
        "gac: fix: give a real date as YYYY-MM-DD (e.g. 2026-01-31), or a revision",
    ]
    assert "git fetch" not in result.output


def test_validate_at_a_date_validates_the_portfolio_as_it_stood(
    keys: GateKeys, tmp_path: Path
) -> None:
    """The governance files were committed on 2026-01-01, the model on 2026-01-05."""
    repo = GateRepo.create(tmp_path / "repo", keys)
    then = gac("validate", "--repo", str(repo.root), "--at", "2026-01-02", "--format", "json")
    now = gac("validate", "--repo", str(repo.root), "--format", "json")
    assert then.exit_code == 0, then.output
    assert now.exit_code == 0, now.output
    # Six people, the portfolio, a workflow and an initiative; then project, model, version and
    # deployment on top.
    assert json.loads(then.stdout)["summary"]["documents"] == 9
    assert json.loads(now.stdout)["summary"]["documents"] == 13
