"""Every GitHub endpoint the tool calls, against Stoplight Prism serving GitHub's own
description (npm @octokit/openapi, a subset cut by scripts/prism/subset.py) with `--errors`:
Prism rejects (422) any request that breaks the spec and answers from the spec's examples."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from gate_helpers import GateKeys

from forge.conftest import FORGE_SPEC, create_forge_repo, github_env
from forge.github_server import TOKEN
from govern_as_code.cli.main import cli
from govern_as_code.evidence.forge.github import GitHubApi, github_client
from govern_as_code.evidence.forge.http import ForgeError

# The spec's own examples, as Prism serves them.
EXAMPLE_PULL = 1347
EXAMPLE_HEAD = "6dcb09b5b57875f334f61aebed695e2e4193db5e"


def api(url: str) -> GitHubApi:
    return GitHubApi(github_client(url, TOKEN), "octocat/Hello-World")


def test_commits_sha_pulls(prism: str) -> None:
    pulls = api(prism).pulls_for_commit("6dcb09b5b57875f334f61aebed695e2e4193db5e")
    assert [(p.number, p.head_sha, p.base_ref) for p in pulls] == [
        (EXAMPLE_PULL, EXAMPLE_HEAD, "master")
    ]


def test_pulls_number(prism: str) -> None:
    pull, raw = api(prism).pull(EXAMPLE_PULL)
    assert (pull.number, pull.head_sha, pull.state, pull.author) == (
        EXAMPLE_PULL,
        EXAMPLE_HEAD,
        "open",
        "octocat",
    )
    assert raw["merged_at"] == pull.merged_at.isoformat().replace("+00:00", "Z")  # type: ignore[union-attr]


def test_pulls_number_reviews(prism: str) -> None:
    reviews, _ = api(prism).reviews(12)
    assert [(r.id, r.login, r.state, r.commit_id) for r in reviews] == [
        (80, "octocat", "APPROVED", "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091")
    ]


def test_post_requested_reviewers(prism: str) -> None:
    requested = api(prism).request_reviewers(EXAMPLE_PULL, ["octocat"])
    assert requested == ["octocat", "hubot", "other_user"]  # the spec's example answer


def test_prism_rejects_a_request_that_breaks_the_spec(prism: str) -> None:
    # The proof that --errors is live: a pull number that is not an integer is refused.
    client = github_client(prism, TOKEN)
    with pytest.raises(ForgeError, match="answered HTTP 422"):
        client.get("/repos/octocat/Hello-World/pulls/twelve")


def test_github_enterprise_server_under_api_v3(prism_ghes: str) -> None:
    pull, _ = api(prism_ghes).pull(EXAMPLE_PULL)
    assert pull.number == EXAMPLE_PULL


def test_lint_through_prism_stops_when_the_pr_head_is_not_in_the_clone(
    prism: str, tmp_path: Path, forge_keys: GateKeys
) -> None:
    # Prism's example PR is merged-looking data from another repository: its head is not in
    # our clone, which is exactly the squash-merge case; the gate stops with the fetch.
    forge = {"github": {"repository": "octocat/Hello-World", "protectedBranch": "master"}}
    repo = create_forge_repo(
        tmp_path / "repo", forge_keys, forge_spec={**FORGE_SPEC, "forge": forge}
    )
    env = github_env(prism, tmp_path)
    result = CliRunner().invoke(cli, ["lint", "--repo", str(repo.root)], env=env)
    assert result.exit_code == 2, result.output
    assert (
        f"gac: error: the head commit {EXAMPLE_HEAD[:12]} of PR #{EXAMPLE_PULL} is not in this"
        " clone" in result.output
    )
    assert f"gac: fix: fetch it with `git fetch origin pull/{EXAMPLE_PULL}/head`" in result.output
    assert TOKEN not in result.output
