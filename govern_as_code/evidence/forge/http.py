"""A small JSON-over-HTTPS client for forge REST APIs, built to fail closed.

Every failure (unreachable, 401/403/404/5xx, malformed JSON, a rate limit past its bound, a
`next` link that leaves the configured base URL) becomes a `ForgeError`: the gate then stops
instead of passing. The token goes only into the Authorization header; every message that
leaves this module is passed through `redact`, so it never reaches output, errors or logs.
"""

from __future__ import annotations

import json
import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from govern_as_code.errors import GovernError

LOG = logging.getLogger(__name__)
MAX_WAIT_SECONDS = 60.0  # rate-limit waits, in all, for one client
MAX_ATTEMPTS = 4
MAX_PAGES = 100
TIMEOUT_SECONDS = 30.0
_LINK = re.compile(r'<([^>]*)>\s*;\s*rel="?([^";]+)"?')


class ForgeError(GovernError):
    """The forge could not give a trustworthy answer; a gate that needs it cannot pass."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes


Transport = Callable[[urllib.request.Request, float], Response]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """urllib would follow a redirect with the Authorization header, to any host: refuse."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _urllib_transport(request: urllib.request.Request, timeout: float) -> Response:
    try:
        with _OPENER.open(request, timeout=timeout) as answer:
            return Response(
                answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
            )
    except urllib.error.HTTPError as e:
        body = e.read() if e.fp is not None else b""
        return Response(e.code, {k.lower(): v for k, v in (e.headers or {}).items()}, body)


def redact(text: str, secret: str | None) -> str:
    """`text` with the secret (and its URL-encoded form) replaced, so it can be shown."""
    if not secret:
        return text
    for form in {secret, urllib.parse.quote(secret, safe="")}:
        text = text.replace(form, "***")
    return text


@dataclass
class ForgeClient:
    """GET and POST JSON against one base URL, with bounded rate-limit retries.

    `sleep` and `clock` are injectable so tests never wait on the wall clock.
    """

    base_url: str
    token: str | None
    forge: str  # "GitHub" or "GitLab", for messages
    auth_header: Callable[[str], tuple[str, str]]
    accept: str = "application/json"
    transport: Transport = _urllib_transport
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    waited: float = 0.0
    requests: list[str] = field(default_factory=list)  # method and path, for tests and debug

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """The decoded JSON answer to GET base_url + path."""
        url = self._url(path, params)
        return self._json(self._send("GET", url, None), url)

    def post(self, path: str, body: Mapping[str, Any]) -> Any:
        """The decoded JSON answer to POST base_url + path with a JSON body."""
        url = self._url(path, None)
        return self._json(self._send("POST", url, body), url)

    def get_pages(self, path: str, params: Mapping[str, str] | None = None) -> list[Any]:
        """Every item of a paginated list, following `Link: rel="next"` within the base URL."""
        url: str | None = self._url(path, params)
        items: list[Any] = []
        pages = 0
        while url is not None:
            pages += 1
            if pages > MAX_PAGES:
                raise self._error(f"{path} has more than {MAX_PAGES} pages", "")
            response = self._send("GET", url, None)
            page = self._json(response, url)
            if not isinstance(page, list):
                raise self._error(f"{self._where(url)} answered something other than a list", "")
            items.extend(page)
            url = self._next_link(response.headers.get("link", ""), url)
        return items

    # --- internals --------------------------------------------------------------------------

    def _url(self, path: str, params: Mapping[str, str] | None) -> str:
        query = f"?{urllib.parse.urlencode(dict(params))}" if params else ""
        return f"{self.base_url}{path}{query}"

    def _where(self, url: str) -> str:
        return redact(url.split("?", 1)[0], self.token)

    def _next_link(self, header: str, current: str) -> str | None:
        for target, rel in _LINK.findall(header):
            if rel.strip() != "next":
                continue
            absolute = urllib.parse.urljoin(current, target)
            # A next link elsewhere would send the token to another host, or read someone
            # else's answers as ours.
            if not (absolute == self.base_url or absolute.startswith(self.base_url + "/")):
                raise self._error(
                    f"the next page of {self._where(current)} is {self._where(absolute)}, which"
                    f" leaves the configured API base URL {self.base_url}",
                    "check the API base URL setting and the forge or proxy in between",
                )
            return absolute
        return None

    def _error(self, message: str, fix: str) -> ForgeError:
        return ForgeError(
            redact(f"{self.forge} API: {message}", self.token),
            redact(fix or "check that the forge is reachable and rerun", self.token),
        )

    def _send(self, method: str, url: str, body: Mapping[str, Any] | None) -> Response:
        headers = {"Accept": self.accept, "User-Agent": "govern-as-code"}
        if self.token:
            name, value = self.auth_header(self.token)
            headers[name] = value
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for _attempt in range(MAX_ATTEMPTS):
            self.requests.append(f"{method} {self._where(url)}")
            LOG.debug("%s %s", method, self._where(url))
            request = urllib.request.Request(url, data=data, headers=headers, method=method)
            try:
                response = self.transport(request, TIMEOUT_SECONDS)
            except (OSError, ValueError) as e:
                raise self._error(
                    f"cannot reach {self._where(url)}: {type(e).__name__}: {e}",
                    "check the network and the API base URL, then rerun",
                ) from None
            wait = self._rate_limit_wait(response)
            if wait is None:
                return self._checked(method, url, response)
            if self.waited + wait > MAX_WAIT_SECONDS:
                raise self._error(
                    f"rate-limited on {self._where(url)} for {wait:.0f} s more, past the"
                    f" {MAX_WAIT_SECONDS:.0f} s this tool waits in all",
                    "rerun when the rate limit resets, or use a token with a higher limit",
                )
            self.waited += wait
            self.sleep(wait)
        raise self._error(
            f"still rate-limited on {self._where(url)} after {MAX_ATTEMPTS} attempts",
            "rerun when the rate limit resets",
        )

    def _rate_limit_wait(self, response: Response) -> float | None:
        """Seconds to wait before retrying, or None when the answer is not a rate limit."""
        if response.status not in (403, 429):
            return None
        retry_after = response.headers.get("retry-after")
        if retry_after is not None:
            try:
                return max(0.0, float(retry_after))
            except ValueError:
                return MAX_WAIT_SECONDS + 1  # unparseable: treat as past the bound
        remaining = response.headers.get("x-ratelimit-remaining")
        reset = response.headers.get("x-ratelimit-reset")
        if response.status == 429 or remaining == "0":
            try:
                return max(0.0, float(reset or "") - self.clock())
            except ValueError:
                return MAX_WAIT_SECONDS + 1
        return None

    def _checked(self, method: str, url: str, response: Response) -> Response:
        if 200 <= response.status < 300:
            return response
        where = self._where(url)
        fixes = {
            401: "set a valid token (GITHUB_TOKEN, or GITLAB_TOKEN / CI_JOB_TOKEN) and rerun",
            403: "give the token read access to pull requests of the repository and rerun",
            404: "check spec.forge in governance.yaml and that the token can see the repository",
        }
        fix = fixes.get(response.status, "rerun when the forge is healthy")
        return_text = response.body[:200].decode("utf-8", "replace").replace("\n", " ")
        raise self._error(
            f"{method} {where} answered HTTP {response.status}: {return_text}".rstrip(": "), fix
        )

    def _json(self, response: Response, url: str) -> Any:
        try:
            return json.loads(response.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise self._error(
                f"{self._where(url)} gave a malformed or truncated JSON answer ({e})",
                "rerun; if it persists, the forge or a proxy is truncating answers",
            ) from None
