"""`gac lint` with pull-request reviews, driven through click's CliRunner: exit codes, the
gate's output naming how each role was filled, and a token that never shows."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from gate_helpers import GateKeys, feb
from signing_helpers import rev_parse

from forge.conftest import LOGINS, create_forge_repo, github_env
from forge.github_server import TOKEN, Failure, FakeGitHub, Pull, Review
from govern_as_code.cli.main import cli


def _merged_and_approved(fake: FakeGitHub, head: str) -> None:
    reviews = [
        Review(LOGINS[p], "APPROVED", head, feb(2 + i))
        for i, p in enumerate(("alice", "bob", "carol"))
    ]
    fake.add_pull(Pull(12, head, merged_at=feb(5), state="closed"), reviews, (head,))


def test_lint_passes_and_says_how_each_role_was_filled(
    tmp_path: Path, forge_keys: GateKeys, fake_github: FakeGitHub
) -> None:
    repo = create_forge_repo(tmp_path / "repo", forge_keys)
    head = rev_parse(repo.root, "main")
    _merged_and_approved(fake_github, head)
    env = github_env(fake_github.url, tmp_path)
    args = ["lint", "--repo", str(repo.root), "--today", "2026-03-01"]
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    assert "gate: deployments/production/m.yaml m@1 -> production: passed" in result.output
    assert (
        f"+ risk-review: bob, approving review by @bob-gh on PR #12 at head {head[:12]}"
        in result.output
    )
    offline = CliRunner().invoke(cli, [*args, "--offline", "--format", "json"], env=env)
    assert offline.exit_code == 0, offline.output
    gates = json.loads(offline.stdout)["gates"]
    assert gates[0]["signoffs"][0] == (
        f"technical-review: alice, approving review by @alice-gh on PR #12 at head {head[:12]}"
    )


def test_a_forge_answering_401_exits_2_without_the_token_also_with_debug(
    tmp_path: Path, forge_keys: GateKeys, fake_github: FakeGitHub
) -> None:
    repo = create_forge_repo(tmp_path / "repo", forge_keys)
    head = rev_parse(repo.root, "main")
    _merged_and_approved(fake_github, head)
    fake_github.failures[r"/pulls/12"] = Failure(401, f'{{"message": "bad {TOKEN}"}}'.encode())
    env = {**github_env(fake_github.url, tmp_path), "GAC_DEBUG": "1"}
    result = CliRunner().invoke(cli, ["lint", "--repo", str(repo.root)], env=env)
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("gac: error: GitHub API: GET http://")
    assert "answered HTTP 401" in lines[0]
    assert lines[1] == (
        "gac: fix: set a valid token (GITHUB_TOKEN, or GITLAB_TOKEN / CI_JOB_TOKEN) and rerun"
    )
    assert TOKEN not in result.output


def test_offline_with_an_empty_cache_exits_2(
    tmp_path: Path, forge_keys: GateKeys, fake_github: FakeGitHub
) -> None:
    repo = create_forge_repo(tmp_path / "repo", forge_keys)
    env = github_env(fake_github.url, tmp_path)
    result = CliRunner().invoke(cli, ["lint", "--repo", str(repo.root), "--offline"], env=env)
    assert result.exit_code == 2, result.output
    assert "gac: error: --offline: the cache holds no answer for the pull requests of commit" in (
        result.output
    )
    assert fake_github.seen == []


def test_reviews_configured_without_a_forge_exits_2(tmp_path: Path, forge_keys: GateKeys) -> None:
    repo = create_forge_repo(
        tmp_path / "repo", forge_keys, forge_spec={"evidence": ["pull-request-review"]}
    )
    result = CliRunner().invoke(cli, ["lint", "--repo", str(repo.root)], env={})
    assert result.exit_code == 2, result.output
    assert "lists pull-request-review in spec.evidence but names no spec.forge" in result.output


def test_the_report_lists_each_review_with_the_role_it_filled(
    tmp_path: Path, forge_keys: GateKeys, fake_github: FakeGitHub
) -> None:
    repo = create_forge_repo(tmp_path / "repo", forge_keys)
    head = rev_parse(repo.root, "main")
    _merged_and_approved(fake_github, head)
    env = github_env(fake_github.url, tmp_path)
    site = tmp_path / "site"
    result = CliRunner().invoke(
        cli, ["report", "--out", str(site), "--repo", str(repo.root)], env=env
    )
    assert result.exit_code == 0, result.output
    audit = (site / "audit.html").read_text("utf-8")
    # One audit row per review: the role it filled, the method, and a link to the review.
    assert audit.count(">pull-request review<") >= 3
    assert "risk-review" in audit
    assert 'href="https://github.com/acme/ml-portfolio/pull/12#pullrequestreview-12002"' in audit
