"""GitLab merge-request approvals as sign-offs, against a local pytest-httpserver.

GitLab publishes no installable OpenAPI description, so the payloads follow its API pages:
- GET /projects/:id/merge_requests/:iid: https://docs.gitlab.com/api/merge_requests/#get-single-mr
- GET .../merge_requests/:iid/approvals:
  https://docs.gitlab.com/api/merge_request_approvals/#get-configuration-for-a-single-merge-request
- GET .../merge_requests/:iid/approval_state:
  https://docs.gitlab.com/api/merge_request_approvals/#retrieve-approval-state-for-a-merge-request
- GET /projects/:id/approvals (project settings, reset_approvals_on_push):
  https://docs.gitlab.com/api/merge_request_approvals/#get-configuration
- GET /projects/:id/repository/commits/:sha/merge_requests:
  https://docs.gitlab.com/api/commits/#list-merge-requests-associated-with-a-commit
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from gate_helpers import (
    PEOPLE,
    TODAY,
    VERSION_PATH,
    GateKeys,
    GateRepo,
    feb,
    gate_for,
    person_document,
    ssh_key_entry,
    version_document,
)
from pytest_httpserver import HTTPServer
from signing_helpers import rev_parse

from govern_as_code.commands.assess import Assessment, LintRequest, assess
from govern_as_code.errors import GovernError

PROJECT = "acme/ml-portfolio"
# The client sends the project as one URL-encoded segment (acme%2Fml-portfolio), as GitLab
# documents; werkzeug decodes it before matching, so the server's paths are written decoded.
ENCODED = "/projects/acme%2Fml-portfolio"
PROJECT_PATH = "/projects/acme/ml-portfolio"
TOKEN = "glpat-SECRETtoken0123456789SECRET"
FORGE_SPEC = {
    "evidence": ["signed-commit", "pull-request-review"],
    "forge": {"gitlab": {"project": PROJECT, "protectedBranch": "main"}},
}


def stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _user(login: str) -> dict[str, Any]:
    return {
        "id": abs(hash(login)) % 10_000,
        "username": login,
        "name": login,
        "state": "active",
        "avatar_url": None,
        "web_url": f"https://gitlab.com/{login}",
    }


def merge_request(
    iid: int, sha: str, *, state: str = "opened", merged_at: datetime | None = None
) -> dict[str, Any]:
    """Shaped after "Get single MR" (fields the tool reads, and their neighbours)."""
    return {
        "id": 1000 + iid,
        "iid": iid,
        "project_id": 3,
        "title": "Retrain m",
        "state": state,
        "created_at": "2026-02-01T08:00:00.000Z",
        "merged_at": stamp(merged_at) if merged_at else None,
        "target_branch": "main",
        "source_branch": "change",
        "author": _user("dan-gl"),
        "sha": sha,
        "diff_refs": {"base_sha": "0" * 40, "head_sha": sha, "start_sha": "0" * 40},
        "web_url": f"https://gitlab.com/{PROJECT}/-/merge_requests/{iid}",
    }


def approvals(people: list[tuple[str, datetime | None]]) -> dict[str, Any]:
    """Shaped after "Get configuration for a single MR" (approved_by with approved_at)."""
    return {
        "id": 5,
        "iid": 7,
        "project_id": 3,
        "state": "opened",
        "approvals_required": 2,
        "approvals_left": 0,
        "approved": True,
        "approved_by": [
            {"user": _user(login), **({"approved_at": stamp(when)} if when else {})}
            for login, when in people
        ],
    }


def approval_state(people: list[tuple[str, datetime]]) -> dict[str, Any]:
    """Shaped after "Retrieve approval state for a merge request"."""
    return {
        "approval_rules_overwritten": False,
        "rules": [
            {
                "id": 1,
                "name": "Reviewers",
                "rule_type": "regular",
                "approvals_required": 2,
                "approved": True,
                "approved_by": [
                    {**_user(login), "approved_at": stamp(when)} for login, when in people
                ],
            }
        ],
    }


def _person(keys: GateKeys, person: str) -> str:
    document = yaml.safe_load(
        person_document(person, PEOPLE[person], [ssh_key_entry(keys.ssh[person])])
    )
    document["spec"]["forge"] = {"gitlab": f"{person}-gl"}
    return yaml.safe_dump(document, sort_keys=False)


@pytest.fixture
def repo(tmp_path: Path, forge_keys: GateKeys) -> GateRepo:
    people = {f"people/{p}.yaml": _person(forge_keys, p) for p in PEOPLE}
    return GateRepo.create(
        tmp_path / "repo", forge_keys, governance_spec=FORGE_SPEC, base_files=people
    )


def serve(
    server: HTTPServer,
    mr: dict[str, Any],
    approved: dict[str, Any],
    *,
    reset: bool = True,
    state: dict[str, Any] | None = None,
    commits: dict[str, list[int]] | None = None,
) -> None:
    iid = mr["iid"]
    base = f"{PROJECT_PATH}/merge_requests/{iid}"
    server.expect_request(base).respond_with_json(mr)
    server.expect_request(f"{base}/approvals").respond_with_json(approved)
    server.expect_request(f"{base}/approval_state").respond_with_json(state or {"rules": []})
    server.expect_request(f"{PROJECT_PATH}/approvals").respond_with_json(
        {
            "approvals_before_merge": 2,
            "reset_approvals_on_push": reset,
            "disable_overriding_approvers_per_merge_request": True,
            "merge_requests_author_approval": False,
        }
    )
    for sha, iids in (commits or {}).items():
        server.expect_request(
            f"{PROJECT_PATH}/repository/commits/{sha}/merge_requests"
        ).respond_with_json([merge_request(i, sha, state="merged") for i in iids])
    server.expect_request(re.compile(".*/merge_requests$")).respond_with_json([])


def lint(repo: GateRepo, server: HTTPServer, tmp_path: Path, iid: int | None = 7) -> Assessment:
    env = {
        "CI_API_V4_URL": server.url_for("/").rstrip("/"),
        "CI_JOB_TOKEN": TOKEN,
        "GAC_CACHE_DIR": str(tmp_path / "cache"),
    }
    if iid is not None:
        env["CI_MERGE_REQUEST_IID"] = str(iid)
    return assess(LintRequest(repo.root, today=TODAY, environ=env))


def change_version(repo: GateRepo) -> str:
    text = version_document().replace("a" * 64, "c" * 64)
    return repo.commit({VERSION_PATH: text}, "Retrain m@1", "dan", when=feb(1, 8))


IN_ORDER = [("alice-gl", feb(2)), ("bob-gl", feb(3)), ("carol-gl", feb(4))]


def hints(result: Assessment) -> str:
    return " | ".join(p.hint for p in result.report.problems if p.rule.startswith("production"))


def test_approvals_on_the_mr_under_test_pass_when_approvals_reset_on_push(
    repo: GateRepo, httpserver: HTTPServer, tmp_path: Path
) -> None:
    head = change_version(repo)
    serve(httpserver, merge_request(7, head), approvals(IN_ORDER))
    gate = gate_for(lint(repo, httpserver, tmp_path))
    assert gate.passed, gate.reasons
    assert gate.signoffs[0] == (
        f"technical-review: alice, approval by @alice-gl on MR !7 at head {head[:12]}"
    )
    # A CI job token goes in JOB-TOKEN (GitLab's header for it), never in a URL.
    assert all(r.headers.get("JOB-TOKEN") == TOKEN for r, _ in httpserver.log)
    assert all(TOKEN not in r.url for r, _ in httpserver.log)
    assert any(ENCODED in r.environ["RAW_URI"] for r, _ in httpserver.log)


def test_without_reset_on_push_no_approval_counts_and_the_tool_says_why(
    repo: GateRepo, httpserver: HTTPServer, tmp_path: Path
) -> None:
    head = change_version(repo)
    serve(httpserver, merge_request(7, head), approvals(IN_ORDER), reset=False)
    result = lint(repo, httpserver, tmp_path)
    assert not gate_for(result).passed
    assert "approvals on MR !7 do not count: GitLab does not record which commit" in hints(result)


def test_an_mr_whose_head_does_not_hold_the_digest_does_not_count(
    repo: GateRepo, httpserver: HTTPServer, tmp_path: Path
) -> None:
    head = change_version(repo)
    older = rev_parse(repo.root, "main")
    serve(httpserver, merge_request(7, older), approvals(IN_ORDER))
    result = lint(repo, httpserver, tmp_path)
    assert not gate_for(result).passed
    assert f"MR !7's head {older[:12]} holds digest" in hints(result)
    assert head != older


def test_a_merged_mr_found_by_its_commit_with_times_from_approval_state(
    repo: GateRepo, httpserver: HTTPServer, tmp_path: Path
) -> None:
    head = rev_parse(repo.root, "main")
    mr = merge_request(5, head, state="merged", merged_at=feb(6))
    serve(
        httpserver,
        mr,
        approvals([(login, None) for login, _ in IN_ORDER]),
        state=approval_state(IN_ORDER),
        commits={head: [5]},
    )
    gate = gate_for(lint(repo, httpserver, tmp_path, iid=None))
    assert gate.passed, gate.reasons
    assert gate.signoffs[-1].startswith("final-approval: carol, approval by @carol-gl on MR !5")


def test_an_approval_without_a_time_does_not_count(
    repo: GateRepo, httpserver: HTTPServer, tmp_path: Path
) -> None:
    head = change_version(repo)
    serve(httpserver, merge_request(7, head), approvals([("alice-gl", None), *IN_ORDER[1:]]))
    result = lint(repo, httpserver, tmp_path)
    assert not gate_for(result).passed
    assert "the approval by @alice-gl on MR !7 has no time on the forge" in hints(result)


def test_gitlab_answering_401_stops_without_the_token(
    repo: GateRepo, httpserver: HTTPServer, tmp_path: Path
) -> None:
    change_version(repo)
    httpserver.expect_request(f"{PROJECT_PATH}/merge_requests/7").respond_with_json(
        {"message": "401 Unauthorized"}, status=401
    )
    httpserver.expect_request(re.compile(".*")).respond_with_json([])
    with pytest.raises(GovernError) as caught:
        lint(repo, httpserver, tmp_path)
    assert "GitLab API: GET" in caught.value.message and "HTTP 401" in caught.value.message
    assert TOKEN not in str(caught.value)
