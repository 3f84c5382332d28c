"""GitHub's REST API, reduced to the four endpoints the gate may use.

Evidence is read only from `commits/{sha}/pulls`, `pulls/{n}` and `pulls/{n}/reviews`;
`pulls/{n}/requested_reviewers` (POST) asks for reviews. Every answer is parsed into a typed
record here, and an answer missing a field the gate relies on is a `ForgeError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from govern_as_code.evidence.forge.http import ForgeClient, ForgeError

DEFAULT_API_URL = "https://api.github.com"
ACCEPT = "application/vnd.github+json"


@dataclass(frozen=True)
class PullRequest:
    number: int
    head_sha: str
    base_ref: str
    state: str  # open | closed
    merged_at: datetime | None
    author: str | None  # login
    url: str


@dataclass(frozen=True)
class Review:
    id: int
    login: str | None
    state: str  # APPROVED | CHANGES_REQUESTED | COMMENTED | DISMISSED | PENDING
    commit_id: str | None
    submitted_at: datetime | None
    url: str


def github_client(base_url: str, token: str | None, **kwargs: Any) -> ForgeClient:
    """A client for GitHub or GitHub Enterprise Server at `base_url`."""
    return ForgeClient(
        base_url,
        token,
        "GitHub",
        lambda t: ("Authorization", f"Bearer {t}"),
        accept=ACCEPT,
        **kwargs,
    )


def _malformed(what: str) -> ForgeError:
    return ForgeError(
        f"GitHub API: {what}",
        "rerun; if it persists, the API base URL may not point at a GitHub REST API",
    )


def _field(data: Any, *keys: str) -> Any:
    value = data
    for key in keys:
        if not isinstance(value, Mapping) or key not in value:
            raise _malformed(f"an answer lacks {'.'.join(keys)}")
        value = value[key]
    return value


def _time(value: Any, what: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _malformed(f"{what} is not a timestamp")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _malformed(f"{what} {value!r} is not a timestamp") from None


def _text(data: Any, *keys: str) -> str:
    value = _field(data, *keys)
    if not isinstance(value, str):
        raise _malformed(f"{'.'.join(keys)} is not a string")
    return value


def _login(data: Any, key: str) -> str | None:
    user = _field(data, key)
    if user is None:
        return None  # a deleted account ("ghost"): it maps to nobody
    return _text(user, "login")


def parse_pull(data: Any) -> PullRequest:
    number = _field(data, "number")
    if not isinstance(number, int):
        raise _malformed("a pull request's number is not an integer")
    return PullRequest(
        number,
        _text(data, "head", "sha"),
        _text(data, "base", "ref"),
        _text(data, "state"),
        _time(_field(data, "merged_at"), "merged_at"),
        _login(data, "user"),
        _text(data, "html_url"),
    )


def parse_review(data: Any) -> Review:
    ident = _field(data, "id")
    commit = _field(data, "commit_id")
    if not isinstance(ident, int) or not (commit is None or isinstance(commit, str)):
        raise _malformed("a review's id or commit_id has the wrong type")
    submitted = data.get("submitted_at") if isinstance(data, Mapping) else None
    return Review(
        ident,
        _login(data, "user"),
        _text(data, "state"),
        commit,
        _time(submitted, "submitted_at"),
        _text(data, "html_url"),
    )


@dataclass
class GitHubApi:
    client: ForgeClient
    repository: str  # owner/name

    def pulls_for_commit(self, sha: str) -> list[PullRequest]:
        """The pull requests GitHub associates with a commit (merged ones included)."""
        answer = self.client.get_pages(
            f"/repos/{self.repository}/commits/{sha}/pulls", {"per_page": "100"}
        )
        return [parse_pull(item) for item in answer]

    def pull(self, number: int) -> tuple[PullRequest, Any]:
        """The pull request, and the raw answer (for the cache)."""
        raw = self.client.get(f"/repos/{self.repository}/pulls/{number}")
        return parse_pull(raw), raw

    def reviews(self, number: int) -> tuple[list[Review], list[Any]]:
        """Every review of the pull request, oldest first, and the raw answers."""
        raw = self.client.get_pages(
            f"/repos/{self.repository}/pulls/{number}/reviews", {"per_page": "100"}
        )
        return [parse_review(item) for item in raw], raw

    def request_reviewers(self, number: int, logins: Sequence[str]) -> list[str]:
        """Ask GitHub to request reviews from `logins`; the logins it now lists as requested."""
        answer = self.client.post(
            f"/repos/{self.repository}/pulls/{number}/requested_reviewers",
            {"reviewers": list(logins)},
        )
        requested = _field(answer, "requested_reviewers")
        if not isinstance(requested, list):
            raise _malformed("requested_reviewers is not a list")
        return [_text(user, "login") for user in requested]
