"""Where the forge is and which pull request is under test, from the CI's environment.

The forge's identity (repository, protected branch) comes from the trusted base's
`governance.yaml`; only the API URL, the token and the PR number come from the environment,
which is how GitHub Actions and GitLab CI hand them over.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from govern_as_code.errors import GovernError

PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target", "pull_request_review")


@dataclass(frozen=True)
class ForgeEnvironment:
    api_url: str
    token: str | None
    pr_under_test: int | None
    cache_dir: Path | None
    offline: bool = False


def github_environment(
    environ: Mapping[str, str], cache_dir: Path | None, offline: bool
) -> ForgeEnvironment:
    """GitHub Actions' variables: GITHUB_API_URL, GITHUB_TOKEN, GITHUB_EVENT_PATH."""
    return ForgeEnvironment(
        environ.get("GITHUB_API_URL") or "https://api.github.com",
        environ.get("GITHUB_TOKEN") or None,
        _github_pr(environ),
        cache_dir,
        offline,
    )


def gitlab_environment(
    environ: Mapping[str, str], cache_dir: Path | None, offline: bool
) -> ForgeEnvironment:
    """GitLab CI's variables: CI_API_V4_URL, GITLAB_TOKEN or CI_JOB_TOKEN, CI_MERGE_REQUEST_IID."""
    iid = environ.get("CI_MERGE_REQUEST_IID") or None
    if iid is not None and not iid.isdigit():
        raise GovernError(
            f"CI_MERGE_REQUEST_IID is {iid!r}, not a merge request number",
            "run in a merge request pipeline, or unset CI_MERGE_REQUEST_IID",
        )
    return ForgeEnvironment(
        environ.get("CI_API_V4_URL") or "https://gitlab.com/api/v4",
        environ.get("GITLAB_TOKEN") or environ.get("CI_JOB_TOKEN") or None,
        int(iid) if iid else None,
        cache_dir,
        offline,
    )


def _github_pr(environ: Mapping[str, str]) -> int | None:
    event_name = environ.get("GITHUB_EVENT_NAME")
    path = environ.get("GITHUB_EVENT_PATH")
    if not path or (event_name and event_name not in PULL_REQUEST_EVENTS):
        return None
    try:
        event = json.loads(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise GovernError(
            f"cannot read the GitHub event file GITHUB_EVENT_PATH={path}: {e}",
            "run inside GitHub Actions, or unset GITHUB_EVENT_PATH",
        ) from None
    pull = event.get("pull_request") if isinstance(event, dict) else None
    if pull is None:
        if event_name in PULL_REQUEST_EVENTS:
            raise GovernError(
                f"the {event_name} event in {path} has no pull_request",
                "run on a pull_request, pull_request_target or pull_request_review event",
            )
        return None
    number = pull.get("number") if isinstance(pull, dict) else None
    if not isinstance(number, int):
        raise GovernError(
            f"the event in {path} has no pull_request.number",
            "run on a pull_request, pull_request_target or pull_request_review event",
        )
    return number
