"""Where the forge and the pull request under test come from: the CI's variables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govern_as_code.errors import GovernError
from govern_as_code.evidence.forge.settings import github_environment, gitlab_environment


def _event(tmp_path: Path, payload: object) -> str:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    return str(path)


@pytest.mark.parametrize("event", ["pull_request", "pull_request_target", "pull_request_review"])
def test_the_pr_number_comes_from_the_event_file(tmp_path: Path, event: str) -> None:
    env = {
        "GITHUB_EVENT_NAME": event,
        "GITHUB_EVENT_PATH": _event(tmp_path, {"pull_request": {"number": 41}}),
        "GITHUB_TOKEN": "t",
    }
    found = github_environment(env, None, offline=False)
    assert (found.pr_under_test, found.api_url, found.token) == (41, "https://api.github.com", "t")


def test_a_push_event_has_no_pr_under_test(tmp_path: Path) -> None:
    env = {"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": _event(tmp_path, {"ref": "x"})}
    assert github_environment(env, None, offline=False).pr_under_test is None


def test_the_api_url_comes_from_github_api_url() -> None:
    env = {"GITHUB_API_URL": "https://ghe.example/api/v3"}
    assert github_environment(env, None, offline=False).api_url == "https://ghe.example/api/v3"


def test_an_unreadable_event_file_stops(tmp_path: Path) -> None:
    broken = tmp_path / "event.json"
    broken.write_text("{not json")
    env = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(broken)}
    with pytest.raises(GovernError, match="cannot read the GitHub event file"):
        github_environment(env, None, offline=False)


def test_a_pull_request_event_without_a_number_stops(tmp_path: Path) -> None:
    env = {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": _event(tmp_path, {"pull_request": {}}),
    }
    with pytest.raises(GovernError, match=r"has no pull_request\.number"):
        github_environment(env, None, offline=False)


def test_gitlab_variables() -> None:
    env = {
        "CI_API_V4_URL": "https://gl.example/api/v4",
        "CI_JOB_TOKEN": "j",
        "CI_MERGE_REQUEST_IID": "9",
    }
    found = gitlab_environment(env, None, offline=False)
    assert (found.api_url, found.token, found.pr_under_test) == (
        "https://gl.example/api/v4",
        "j",
        9,
    )
    preferred = gitlab_environment({**env, "GITLAB_TOKEN": "p"}, None, offline=False)
    assert preferred.token == "p"
    assert gitlab_environment({}, None, offline=False).api_url == "https://gitlab.com/api/v4"
    with pytest.raises(GovernError, match="not a merge request number"):
        gitlab_environment({"CI_MERGE_REQUEST_IID": "9; rm"}, None, offline=False)
