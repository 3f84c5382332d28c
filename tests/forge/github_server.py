"""A small local GitHub for exact review sequences, checked against GitHub's own description.

Payloads start from the spec's examples (`pull-request-review-items`, `pull-request-simple-items`)
and from npm @octokit/webhooks-examples (a `closed` `pull_request` event's pull request,
which is a valid REST pull request). The examples hold no approved review and no merged pull
request, so those fields are set here, within the schema. Every request the client sends and
every response served is validated with openapi-core against the spec; a violation fails the
test (`FakeGitHub.violations`).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from forge.spec import patched_subset, webhook_examples

REPOSITORY = "acme/ml-portfolio"
TOKEN = "ghp_SECRETtoken0123456789abcdefSECRET"


def stamp(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _spec_example(name: str) -> Any:
    return copy.deepcopy(patched_subset()["components"]["examples"][name]["value"])


def _user(template: dict[str, Any], login: str) -> dict[str, Any]:
    user = copy.deepcopy(template)
    user.update(login=login, html_url=f"https://github.com/{login}")
    return user


@dataclass
class Pull:
    number: int
    head: str
    base: str = "main"
    merged_at: datetime | None = None
    state: str = "open"
    author: str = "dan-gh"

    def _apply(self, data: dict[str, Any]) -> dict[str, Any]:
        url = f"https://api.github.com/repos/{REPOSITORY}/pulls/{self.number}"
        data.update(
            number=self.number,
            url=url,
            html_url=f"https://github.com/{REPOSITORY}/pull/{self.number}",
            state=self.state,
            merged_at=stamp(self.merged_at),
            closed_at=stamp(self.merged_at) if self.state == "closed" else None,
            user=_user(data["user"], self.author),
        )
        data["head"]["sha"] = self.head
        data["base"]["ref"] = self.base
        return data

    def rest(self) -> dict[str, Any]:
        """As `GET pulls/{n}` answers: a closed webhook pull request, merged if asked."""
        data = copy.deepcopy(webhook_examples("pull_request", "closed")[0]["pull_request"])
        data = self._apply(data)
        data["merged"] = self.merged_at is not None
        return data

    def simple(self) -> dict[str, Any]:
        """As `GET commits/{sha}/pulls` lists it (pull-request-simple)."""
        return self._apply(_spec_example("pull-request-simple-items")[0])


@dataclass
class Review:
    login: str
    state: str
    commit_id: str
    submitted_at: datetime
    id: int = 0

    def rest(self, number: int) -> dict[str, Any]:
        data = _spec_example("pull-request-review-items")[0]
        data.update(
            id=self.id,
            state=self.state,
            commit_id=self.commit_id,
            submitted_at=stamp(self.submitted_at),
            user=_user(data["user"], self.login),
            html_url=f"https://github.com/{REPOSITORY}/pull/{number}#pullrequestreview-{self.id}",
        )
        return data


@dataclass
class Failure:
    status: int
    body: bytes = b'{"message": "failure"}'
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1_000_000  # how many requests fail before the server answers normally


class FakeGitHub:
    """Serves pulls, reviews and commit-to-PR links for `REPOSITORY` under `httpserver`."""

    def __init__(self, httpserver: HTTPServer) -> None:
        self.server = httpserver
        self.pulls: dict[int, Pull] = {}
        self.reviews: dict[int, list[Review]] = {}
        self.commit_pulls: dict[str, list[int]] = {}
        self.page_size = 100
        self.failures: dict[str, Failure] = {}  # path regex -> failure
        self.violations: list[str] = []
        self.truncated_page: int | None = None  # this page's body is cut short, after checks
        self.seen: list[str] = []
        self.requested: list[list[str]] = []
        spec = copy.deepcopy(patched_subset())
        spec["servers"] = [{"url": httpserver.url_for("/").rstrip("/")}]
        self.api = OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))
        httpserver.expect_request(re.compile("^/.*")).respond_with_handler(self.handle)

    @property
    def url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    def add_pull(
        self, pull: Pull, reviews: Sequence[Review] = (), commits: tuple[str, ...] = ()
    ) -> None:
        self.pulls[pull.number] = pull
        self.reviews[pull.number] = list(reviews)
        for index, review in enumerate(self.reviews[pull.number], start=1):
            review.id = review.id or pull.number * 1000 + index
        for commit in commits:
            self.commit_pulls.setdefault(commit, []).append(pull.number)

    def handle(self, request: Request) -> Response:
        self.seen.append(f"{request.method} {request.full_path.rstrip('?')}")
        try:
            self.api.validate_request(WerkzeugOpenAPIRequest(request))
        except Exception as e:
            self.violations.append(f"request {request.full_path}: {e}")
            return Response('{"message": "invalid request"}', 422, content_type="application/json")
        for pattern, failure in self.failures.items():
            if re.search(pattern, request.path) and failure.times > 0:
                failure.times -= 1
                return Response(failure.body, failure.status, headers=failure.headers,
                                content_type="application/json")  # fmt: skip
        status, body, headers = self._route(request)
        response = Response(json.dumps(body), status, headers=headers,
                            content_type="application/json")  # fmt: skip
        try:
            self.api.validate_response(
                WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response)
            )
        except Exception as e:
            self.violations.append(f"response to {request.full_path}: {e}")
        if request.args.get("page") == str(self.truncated_page):
            response.set_data(response.get_data()[:-7])
        return response

    def _route(self, request: Request) -> tuple[int, Any, dict[str, str]]:
        prefix = f"/repos/{REPOSITORY}"
        path = request.path
        not_found = (404, {"message": "Not Found"}, {})
        if match := re.fullmatch(prefix + r"/commits/([0-9a-f]+)/pulls", path):
            numbers = self.commit_pulls.get(match.group(1), [])
            return 200, [self.pulls[n].simple() for n in numbers], {}
        if match := re.fullmatch(prefix + r"/pulls/(\d+)/requested_reviewers", path):
            number = int(match.group(1))
            logins = list(request.get_json()["reviewers"])
            self.requested.append(logins)
            data = self.pulls[number].simple()
            template = data["user"]
            data["requested_reviewers"] = [_user(template, login) for login in logins]
            return 201, data, {}
        if match := re.fullmatch(prefix + r"/pulls/(\d+)/reviews", path):
            number = int(match.group(1))
            if number not in self.pulls:
                return not_found
            items = [r.rest(number) for r in self.reviews[number]]
            page = int(request.args.get("page", "1"))
            size = self.page_size
            chunk = items[(page - 1) * size : page * size]
            headers = {}
            if page * size < len(items):
                headers["Link"] = (
                    f'<{self.url}{path}?per_page=100&page={page + 1}>; rel="next", '
                    f'<{self.url}{path}?per_page=100&page={-(-len(items) // size)}>; rel="last"'
                )
            return 200, chunk, headers
        if match := re.fullmatch(prefix + r"/pulls/(\d+)", path):
            number = int(match.group(1))
            return (200, self.pulls[number].rest(), {}) if number in self.pulls else not_found
        return not_found
