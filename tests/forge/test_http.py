"""The forge HTTP client: bounded rate-limit waits, same-origin pagination, failures that stop,
and a token that never shows. A local pytest-httpserver plays the forge; sleeping and the
clock are injected, so nothing waits."""

from __future__ import annotations

import json
import socket

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from govern_as_code.evidence.forge.github import github_client
from govern_as_code.evidence.forge.http import ForgeClient, ForgeError

TOKEN = "ghp_SECRETtoken0123456789abcdefSECRET"
NOW = 1_800_000_000.0


def client(server: HTTPServer, waits: list[float]) -> ForgeClient:
    return github_client(
        server.url_for("/").rstrip("/"), TOKEN, sleep=waits.append, clock=lambda: NOW
    )


def test_sends_the_token_and_the_github_media_type(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/x",
        headers={"Authorization": f"Bearer {TOKEN}", "Accept": "application/vnd.github+json"},
    ).respond_with_json({"ok": True})
    assert client(httpserver, []).get("/x") == {"ok": True}


def test_honours_retry_after(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/x").respond_with_data(
        "slow down", status=429, headers={"retry-after": "7"}
    )
    httpserver.expect_ordered_request("/x").respond_with_json([1])
    waits: list[float] = []
    assert client(httpserver, waits).get("/x") == [1]
    assert waits == [7.0]


def test_honours_x_ratelimit_reset(httpserver: HTTPServer) -> None:
    reset = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW + 12))}
    httpserver.expect_ordered_request("/x").respond_with_data("", status=403, headers=reset)
    httpserver.expect_ordered_request("/x").respond_with_json([2])
    waits: list[float] = []
    assert client(httpserver, waits).get("/x") == [2]
    assert waits == [12.0]


def test_waits_at_most_sixty_seconds_in_all(httpserver: HTTPServer) -> None:
    for _ in range(3):
        httpserver.expect_ordered_request("/x").respond_with_data(
            "", status=429, headers={"retry-after": "25"}
        )
    waits: list[float] = []
    with pytest.raises(ForgeError) as caught:
        client(httpserver, waits).get("/x")
    assert waits == [25.0, 25.0]  # the third wait would pass 60 s
    assert "rate-limited" in caught.value.message
    assert "past the 60 s this tool waits in all" in caught.value.message


def test_a_reset_far_away_is_not_waited_for(httpserver: HTTPServer) -> None:
    reset = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW + 3600))}
    httpserver.expect_request("/x").respond_with_data("", status=403, headers=reset)
    waits: list[float] = []
    with pytest.raises(ForgeError, match="rate-limited"):
        client(httpserver, waits).get("/x")
    assert waits == []


def test_a_plain_403_is_a_failure_not_a_rate_limit(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_json({"message": "Forbidden"}, status=403)
    with pytest.raises(ForgeError) as caught:
        client(httpserver, []).get("/x")
    assert "answered HTTP 403" in caught.value.message
    assert "read access" in caught.value.fix


def test_follows_next_links_within_the_base_url(httpserver: HTTPServer) -> None:
    base = httpserver.url_for("/").rstrip("/")
    httpserver.expect_request("/items", query_string="per_page=100").respond_with_json(
        [1, 2], headers={"Link": f'<{base}/items?per_page=100&page=2>; rel="next"'}
    )
    httpserver.expect_request("/items", query_string="per_page=100&page=2").respond_with_json([3])
    assert client(httpserver, []).get_pages("/items", {"per_page": "100"}) == [1, 2, 3]


def test_refuses_a_next_link_that_leaves_the_base_url(httpserver: HTTPServer) -> None:
    elsewhere = "https://evil.example/items?page=2"
    httpserver.expect_request("/items").respond_with_json(
        [1], headers={"Link": f'<{elsewhere}>; rel="next"'}
    )
    with pytest.raises(ForgeError) as caught:
        client(httpserver, []).get_pages("/items")
    assert "leaves the configured API base URL" in caught.value.message


def test_refuses_a_next_link_outside_the_base_path(httpserver: HTTPServer) -> None:
    # With a base URL of http://host/api/v3, http://host/other is another API.
    base = httpserver.url_for("/api/v3")
    httpserver.expect_request("/api/v3/items").respond_with_json(
        [1], headers={"Link": f'<{httpserver.url_for("/api/v3x/items")}>; rel="next"'}
    )
    with pytest.raises(ForgeError, match="leaves the configured API base URL"):
        github_client(base, TOKEN).get_pages("/items")


def test_a_page_that_is_not_a_list_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/items").respond_with_json({"message": "odd"})
    with pytest.raises(ForgeError, match="answered something other than a list"):
        client(httpserver, []).get_pages("/items")


def test_an_unreachable_forge_stops(httpserver: HTTPServer) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    forge = github_client(f"http://127.0.0.1:{port}", TOKEN)
    with pytest.raises(ForgeError) as caught:
        forge.get("/x")
    assert "cannot reach" in caught.value.message


def test_the_token_is_redacted_even_when_the_forge_echoes_it(httpserver: HTTPServer) -> None:
    def echo(request: object) -> Response:
        return Response(json.dumps({"message": f"bad token {TOKEN}"}), 401)

    httpserver.expect_request("/x").respond_with_handler(echo)  # type: ignore[arg-type]
    with pytest.raises(ForgeError) as caught:
        client(httpserver, []).get("/x")
    assert "answered HTTP 401" in caught.value.message
    assert TOKEN not in str(caught.value) and "***" in caught.value.message


def test_a_redirect_is_not_followed(httpserver: HTTPServer) -> None:
    # Following it would carry the token to wherever the redirect points.
    httpserver.expect_request("/x").respond_with_data(
        "", status=302, headers={"Location": "https://evil.example/steal"}
    )
    with pytest.raises(ForgeError) as caught:
        client(httpserver, []).get("/x")
    assert "answered HTTP 302" in caught.value.message
