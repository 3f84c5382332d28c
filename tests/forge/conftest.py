"""Fixtures for the forge tests: signed repositories with forge logins, a local GitHub, and
Prism serving GitHub's description (one per session, on a free port, always stopped)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from gate_helpers import (
    PEOPLE,
    GateKeys,
    GateRepo,
    PersonInfo,
    make_gate_keys,
    person_document,
    ssh_key_entry,
)
from pytest_httpserver import HTTPServer

from forge.github_server import REPOSITORY, TOKEN, FakeGitHub
from forge.spec import PRISM, patched_subset

LOGINS = {p: f"{p}-gh" for p in ("alice", "bob", "carol", "dan", "erin", "frank")}
FORGE_SPEC = {
    "evidence": ["signed-commit", "pull-request-review"],
    "forge": {"github": {"repository": REPOSITORY, "protectedBranch": "main"}},
}


@pytest.fixture(scope="session")
def forge_keys(tmp_path_factory: pytest.TempPathFactory) -> GateKeys:
    return make_gate_keys(tmp_path_factory.mktemp("forge-keys"))


def person_with_login(
    repo_keys: GateKeys, person: str, login: str | None, changes: Mapping[str, Any] | None = None
) -> str:
    """people/<person>.yaml of the gate helpers' portfolio, with spec.forge.github.

    ``changes`` overrides fields of the person's PersonInfo, as GateRepo.create's ``people``.
    """
    info = PersonInfo(**{**PEOPLE[person].__dict__, **(changes or {})})
    text = person_document(person, info, [ssh_key_entry(repo_keys.ssh[person])])
    document = yaml.safe_load(text)
    if login:
        document["spec"]["forge"] = {"github": login}
    return yaml.safe_dump(document, sort_keys=False)


def create_forge_repo(
    root: Path, keys: GateKeys, *, forge_spec: dict[str, Any] | None = None, **kwargs: Any
) -> GateRepo:
    """GateRepo's portfolio with every person's GitHub login and the forge configured."""
    changes = kwargs.get("people") or {}
    people = {
        f"people/{p}.yaml": person_with_login(keys, p, login, changes.get(p))
        for p, login in LOGINS.items()
    }
    return GateRepo.create(
        root,
        keys,
        governance_spec=FORGE_SPEC if forge_spec is None else forge_spec,
        base_files=people,
        **kwargs,
    )


@pytest.fixture
def fake_github(httpserver: HTTPServer) -> Iterator[FakeGitHub]:
    fake = FakeGitHub(httpserver)
    yield fake
    assert not fake.violations, fake.violations


def github_env(
    api_url: str, tmp_path: Path, pr: int | None = None, *, token: str | None = TOKEN
) -> dict[str, str]:
    """The variables GitHub Actions sets, pointing at `api_url`; an event file if `pr`."""
    env = {"GITHUB_API_URL": api_url, "GAC_CACHE_DIR": str(tmp_path / "gac-cache")}
    if token:
        env["GITHUB_TOKEN"] = token
    if pr is not None:
        event = tmp_path / "event.json"
        event.write_text(json.dumps({"action": "opened", "pull_request": {"number": pr}}))
        env.update(GITHUB_EVENT_PATH=str(event), GITHUB_EVENT_NAME="pull_request")
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_prism(spec: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    assert PRISM.exists(), f"{PRISM} is missing: run `bash scripts/test.sh` (it runs npm ci)"
    port = _free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(PRISM), "mock", "--errors", "-h", "127.0.0.1", "-p", str(port), str(spec)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so teardown stops node's children
        )
    deadline = time.monotonic() + 90  # a start-up bound, not an assertion on speed
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"Prism exited: {log.read_text('utf-8', 'replace')[-2000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process, f"http://127.0.0.1:{port}"
        time.sleep(0.1)
    _stop(process)
    raise AssertionError(f"Prism did not start: {log.read_text('utf-8', 'replace')[-2000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="session")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of Prism mocking the patched subset of api.github.com, with --errors."""
    folder = tmp_path_factory.mktemp("prism")
    spec = folder / "github-subset.json"
    spec.write_text(json.dumps(patched_subset()), "utf-8")
    process, url = _start_prism(spec, folder / "prism.log")
    try:
        yield url
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def prism_ghes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Prism mocking the GitHub Enterprise Server 3.19 subset, served under /api/v3."""
    folder = tmp_path_factory.mktemp("prism-ghes")
    spec = folder / "ghes-subset.json"
    spec.write_text(json.dumps(patched_subset("/api/v3")), "utf-8")
    process, url = _start_prism(spec, folder / "prism.log")
    try:
        yield url + "/api/v3"
    finally:
        _stop(process)
