"""`gac request-review SUBJECT --request`: the eligible people of each missing role are asked
for a review through `POST /repos/{o}/{r}/pulls/{n}/requested_reviewers`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from gate_helpers import GateKeys, feb

from forge.conftest import LOGINS, create_forge_repo, github_env
from forge.github_server import FakeGitHub, Pull, Review
from govern_as_code.cli.main import cli


def test_request_asks_the_forge_for_the_missing_reviewers(
    tmp_path: Path, forge_keys: GateKeys, fake_github: FakeGitHub
) -> None:
    repo = create_forge_repo(tmp_path / "repo", forge_keys)
    head = repo.commit({"README.md": "notes\n"}, "Notes", "dan", when=feb(1))
    # bob already approved on the head, so technical-review (alice or frank) is missing, and
    # then the final approval (carol), which is signed after all the others.
    fake_github.add_pull(Pull(13, head), [Review(LOGINS["bob"], "APPROVED", head, feb(2))])
    env = github_env(fake_github.url, tmp_path, pr=13)
    args = ["request-review", "m@1", "--request", "--repo", str(repo.root)]
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    assert fake_github.requested == [["alice-gh", "frank-gh", "carol-gh"]]
    assert "requested reviews on PR #13 from @alice-gh, @frank-gh, @carol-gh\n" in result.output
    assert "POST /repos/acme/ml-portfolio/pulls/13/requested_reviewers" in fake_github.seen


def test_request_outside_a_pull_request_exits_2(
    tmp_path: Path, forge_keys: GateKeys, fake_github: FakeGitHub
) -> None:
    repo = create_forge_repo(tmp_path / "repo", forge_keys)
    head = repo.commit({"README.md": "notes\n"}, "Notes", "dan", when=feb(1))
    fake_github.add_pull(Pull(12, head), [], commits=())
    env = github_env(fake_github.url, tmp_path)
    args = ["request-review", "m@1", "--request", "--repo", str(repo.root)]
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 2, result.output
    assert "gac: error: --request asks for reviews on the pull request under test" in (
        result.output
    )
    assert fake_github.requested == []


def test_request_through_prism(prism: str, tmp_path: Path, forge_keys: GateKeys) -> None:
    # Prism's example PR targets "master", so its reviews do not count and nothing stops the
    # plan; the POST is then validated against GitHub's description by Prism itself.
    repo = create_forge_repo(tmp_path / "repo", forge_keys)
    env = github_env(prism, tmp_path, pr=1347)
    args = ["request-review", "m@1", "--request", "--repo", str(repo.root)]
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    assert "requested reviews on PR #1347 from @alice-gh, @frank-gh, @bob-gh" in result.output
