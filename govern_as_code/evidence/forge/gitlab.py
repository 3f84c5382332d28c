"""GitLab's REST API (v4), reduced to what merge-request approvals as sign-offs need.

GitLab does not record which commit an approval was given on. An approval is taken to be on
the merge request's current head only when the project removes approvals on every push
(`reset_approvals_on_push`); otherwise none counts, and the tool says why.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from govern_as_code.evidence.forge.github import PullRequest, Review
from govern_as_code.evidence.forge.http import ForgeClient, ForgeError

DEFAULT_API_URL = "https://gitlab.com/api/v4"


def gitlab_client(base_url: str, token: str | None, job_token: bool, **kwargs: Any) -> ForgeClient:
    """A client for GitLab at `base_url`; a CI job token goes in JOB-TOKEN, others PRIVATE-TOKEN."""
    header = "JOB-TOKEN" if job_token else "PRIVATE-TOKEN"
    return ForgeClient(base_url, token, "GitLab", lambda t: (header, t), **kwargs)


def _malformed(what: str) -> ForgeError:
    return ForgeError(
        f"GitLab API: {what}",
        "rerun; if it persists, CI_API_V4_URL may not point at a GitLab REST API",
    )


def _get(data: Any, key: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(data, Mapping) or key not in data or not isinstance(data[key], kind):
        raise _malformed(f"an answer lacks {key} or has the wrong type for it")
    return data[key]


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _malformed(f"{value!r} is not a timestamp") from None


def parse_merge_request(data: Any) -> PullRequest:
    """A merge request in the shape the counting rules share with GitHub."""
    state = _get(data, "state", str)  # opened | closed | merged | locked
    author = data.get("author") if isinstance(data, Mapping) else None
    return PullRequest(
        _get(data, "iid", int),
        _get(data, "sha", str),
        _get(data, "target_branch", str),
        "open" if state == "opened" else "closed",
        _time(data.get("merged_at")) if state == "merged" else None,
        author.get("username") if isinstance(author, Mapping) else None,
        _get(data, "web_url", str),
    )


@dataclass
class GitLabApi:
    client: ForgeClient
    project: str  # group/name

    @property
    def _base(self) -> str:
        return f"/projects/{urllib.parse.quote(self.project, safe='')}"

    def merge_requests_for_commit(self, sha: str) -> list[int]:
        answer = self.client.get_pages(
            f"{self._base}/repository/commits/{sha}/merge_requests", {"per_page": "100"}
        )
        return [_get(item, "iid", int) for item in answer]

    def merge_request(self, iid: int) -> PullRequest:
        return parse_merge_request(self.client.get(f"{self._base}/merge_requests/{iid}"))

    def resets_approvals_on_push(self) -> bool:
        answer = self.client.get(f"{self._base}/approvals")
        return bool(_get(answer, "reset_approvals_on_push", bool))

    def approvals(self, pull: PullRequest) -> list[Review]:
        """Who approved, as reviews on the MR's head (valid only if approvals reset on push).

        The approval time is `approved_at` from `/approvals`, else from `/approval_state`;
        an approval without one gets none, and the counting rules refuse it.
        """
        base = f"{self._base}/merge_requests/{pull.number}"
        answer = self.client.get(f"{base}/approvals")
        times: dict[str, datetime | None] = {}
        for entry in _get(answer, "approved_by", list):
            user = _get(entry, "user", dict)
            times[_get(user, "username", str)] = _time(entry.get("approved_at"))
        if any(when is None for when in times.values()):
            state = self.client.get(f"{base}/approval_state")
            for rule in _get(state, "rules", list):
                for user in rule.get("approved_by") or []:
                    name = _get(user, "username", str)
                    if times.get(name) is None and name in times:
                        times[name] = _time(user.get("approved_at"))
        return [
            Review(i, name, "APPROVED", pull.head_sha, when, f"{pull.url}#approvals")
            for i, (name, when) in enumerate(sorted(times.items()), start=1)
        ]
