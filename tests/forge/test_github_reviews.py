"""Approving pull-request reviews as sign-offs: exact review sequences against a local GitHub.

Each test builds a real signed repository (gate_helpers), serves the forge's answers from
`FakeGitHub` (spec-validated payloads) and runs the real assessment with GitHub Actions'
variables pointing at it. Dates are pinned; nothing waits on the clock.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from gate_helpers import (
    DEPLOYMENT,
    TODAY,
    VERSION_PATH,
    GateKeys,
    GateRepo,
    feb,
    gate_for,
    version_document,
)
from signing_helpers import rev_parse

from forge.conftest import LOGINS, create_forge_repo, github_env, person_with_login
from forge.github_server import TOKEN, Failure, FakeGitHub, Pull, Review
from govern_as_code.commands.assess import Assessment, LintRequest, assess
from govern_as_code.errors import GovernError


def lint(repo: GateRepo, fake: FakeGitHub, tmp_path: Path, pr: int | None = None) -> Assessment:
    env = github_env(fake.url, tmp_path, pr)
    return assess(LintRequest(repo.root, today=TODAY, environ=env))


def approvals(commit: str, *people: str, day: int = 2) -> list[Review]:
    """Approving reviews on `commit`, one person a day from `day`, in order."""
    return [Review(LOGINS[p], "APPROVED", commit, feb(day + i)) for i, p in enumerate(people)]


def hints(assessment: Assessment) -> str:
    return " | ".join(p.hint for p in assessment.report.problems if p.rule.startswith("production"))


@pytest.fixture
def repo(tmp_path: Path, forge_keys: GateKeys) -> GateRepo:
    return create_forge_repo(tmp_path / "repo", forge_keys)


def version_commit(repo: GateRepo) -> str:
    """The commit on main that introduced m@1 (the base's tip)."""
    return rev_parse(repo.root, "main")


def change_version(repo: GateRepo, day: int = 1) -> str:
    """dan changes m@1's artifact on the branch: a new digest, introduced by this commit."""
    text = version_document().replace("a" * 64, "b" * 64)
    assert text != version_document()
    return repo.commit({VERSION_PATH: text}, "Retrain m@1", "dan", when=feb(day, 8))


# --- the cases that pass ----------------------------------------------------------------------


def test_merged_pr_reviews_alone_pass_the_gate(
    repo: GateRepo, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    head = version_commit(repo)
    fake_github.add_pull(
        Pull(12, head, merged_at=feb(5), state="closed"),
        approvals(head, "alice", "bob", "carol"),
        commits=(head,),
    )
    result = lint(repo, fake_github, tmp_path)
    gate = gate_for(result)
    assert gate.passed, gate.reasons
    short = head[:12]
    assert gate.signoffs == (
        f"technical-review: alice, approving review by @alice-gh on PR #12 at head {short}",
        f"risk-review: bob, approving review by @bob-gh on PR #12 at head {short}",
        f"final-approval: carol, approving review by @carol-gh on PR #12 at head {short}",
    )
    paths = {f"GET /repos/acme/ml-portfolio{p}" for p in ("/pulls/12",)}
    assert paths <= set(fake_github.seen)
    audit = [c for c in result.status.approvals if c.method == "pull-request review"]
    assert {(c.reviewer, c.role) for c in audit} == {
        ("alice", "technical-review"),
        ("bob", "risk-review"),
        ("carol", "final-approval"),
    }
    assert audit[0].review_url and "#pullrequestreview-" in audit[0].review_url


def test_reviews_in_the_pr_under_test_pass_the_gate(
    repo: GateRepo, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    head = change_version(repo)
    fake_github.add_pull(Pull(13, head), approvals(head, "alice", "bob", "carol"), commits=(head,))
    gate = gate_for(lint(repo, fake_github, tmp_path, pr=13))
    assert gate.passed, gate.reasons
    assert f"approving review by @carol-gh on PR #13 at head {head[:12]}" in gate.signoffs[-1]


def test_mixed_evidence_signed_commit_and_reviews(
    repo: GateRepo, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    head = change_version(repo)
    repo.approve("technical-review", "alice", feb(2))
    tip = repo.head()  # the approval commit is the PR's head now
    fake_github.add_pull(Pull(13, tip), approvals(tip, "bob", "carol", day=3), commits=(head,))
    gate = gate_for(lint(repo, fake_github, tmp_path, pr=13))
    assert gate.passed, gate.reasons
    assert gate.signoffs[0].startswith("technical-review: alice, signed commit ")
    assert gate.signoffs[1].startswith("risk-review: bob, approving review by @bob-gh on PR #13")


def test_roles_are_matched_so_that_every_role_is_filled(
    tmp_path: Path, forge_keys: GateKeys, fake_github: FakeGitHub
) -> None:
    # bob holds two roles and reviews first; only a matching (not "earliest reviewer takes
    # the first role") fills both, with frank as technical-review and bob as risk-review.
    repo = create_forge_repo(
        tmp_path / "repo",
        forge_keys,
        people={"bob": {"roles": ("technical-review", "risk-review")}},
    )
    head = version_commit(repo)
    fake_github.add_pull(
        Pull(12, head, merged_at=feb(9), state="closed"),
        approvals(head, "bob", "frank", "carol"),
        commits=(head,),
    )
    gate = gate_for(lint(repo, fake_github, tmp_path))
    assert gate.passed, gate.reasons
    assert [s.split(",")[0] for s in gate.signoffs] == [
        "technical-review: frank",
        "risk-review: bob",
        "final-approval: carol",
    ]


# --- the cases that block ---------------------------------------------------------------------


def test_an_unreviewed_version_is_blocked(
    repo: GateRepo, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    head = version_commit(repo)
    fake_github.add_pull(Pull(12, head, merged_at=feb(5), state="closed"), [], commits=(head,))
    gate = gate_for(lint(repo, fake_github, tmp_path))
    assert not gate.passed
    assert any("missing a current, verified technical-review approval" in r for r in gate.reasons)


def test_a_review_on_an_older_head_does_not_count(
    repo: GateRepo, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    introduced = change_version(repo)
    later = repo.commit({"README.md": "notes\n"}, "Add notes", "dan", when=feb(1, 9))
    fake_github.add_pull(
        Pull(13, later), approvals(introduced, "alice", "bob", "carol"), commits=(introduced,)
    )
    result = lint(repo, fake_github, tmp_path, pr=13)
    assert not gate_for(result).passed
    assert (
        f"the approving review by @alice-gh on PR #13 was given on {introduced[:12]}, an older"
        f" head than {later[:12]}"
    ) in hints(result)


def test_approve_dismiss_and_reapprove_on_a_new_head(
    repo: GateRepo, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    first = change_version(repo)
    second = repo.commit({"README.md": "notes\n"}, "Add notes", "dan", when=feb(1, 9))
    sequence = [
        Review(LOGINS["alice"], "APPROVED", first, feb(2)),
        Review(LOGINS["alice"], "DISMISSED", first, feb(2, 11)),
        *approvals(second, "bob", "carol", day=3),
    ]
    fake_github.add_pull(Pull(13, second), sequence, commits=(first,))
    result = lint(repo, fake_github, tmp_path, pr=13)
    assert not gate_for(result).passed
    assert "the latest review by @alice-gh on PR #13 is dismissed" in hints(result)

    fake_github.reviews[13] = [
        *sequence[:2],
        Review(LOGINS["alice"], "COMMENTED", second, feb(2, 12)),
        Review(LOGINS["alice"], "APPROVED", second, feb(2, 13)),
        *sequence[2:],
    ]
    (tmp_path / "again").mkdir()
    gate = gate_for(lint(repo, fake_github, tmp_path / "again", pr=13))
    assert gate.passed, gate.reasons


def test_changes_requested_on_page_two_voids_an_approval_on_page_one(
    repo: GateRepo, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    head = version_commit(repo)
    fake_github.page_size = 2
    sequence = [
        *approvals(head, "alice", "bob"),
        Review(LOGINS["alice"], "CHANGES_REQUESTED", head, feb(3, 12)),
        *approvals(head, "carol", day=4),
    ]
    fake_github.add_pull(Pull(12, head, merged_at=feb(6), state="closed"), sequence, (head,))
    result = lint(repo, fake_github, tmp_path)
    assert not gate_for(result).passed
    assert "the latest review by @alice-gh on PR #12 is changes requested" in hints(result)
    assert "GET /repos/acme/ml-portfolio/pulls/12/reviews?per_page=100&page=2" in fake_github.seen


@pytest.mark.parametrize(
    ("pull", "expected"),
    [
        (
            {"base": "release", "merged_at": feb(6), "state": "closed"},
            "PR #12 was merged into 'release', not the protected branch 'main'",
        ),
        ({"state": "closed"}, "PR #12 was closed without merging"),
        ({}, "PR #12 is open and is not the pull request under test"),
    ],
    ids=["merged-into-another-branch", "closed-without-merging", "open-not-under-test"],
)
def test_a_pr_that_is_not_merged_into_the_protected_branch_does_not_count(
    repo: GateRepo,
    fake_github: FakeGitHub,
    tmp_path: Path,
    pull: dict[str, Any],
    expected: str,
) -> None:
    head = version_commit(repo)
    fake_github.add_pull(Pull(12, head, **pull), approvals(head, "alice", "bob", "carol"), (head,))
    result = lint(repo, fake_github, tmp_path)
    assert not gate_for(result).passed
    assert expected in hints(result)


def test_a_login_that_no_person_has_does_not_count(
    repo: GateRepo, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    head = version_commit(repo)
    reviews = [Review("mallory-gh", "APPROVED", head, feb(2)), *approvals(head, "bob", "carol")]
    fake_github.add_pull(Pull(12, head, merged_at=feb(6), state="closed"), reviews, (head,))
    result = lint(repo, fake_github, tmp_path)
    assert not gate_for(result).passed
    assert "no Person in the trusted base has the github login 'mallory-gh'" in hints(result)


def test_a_login_added_in_the_same_change_maps_to_nobody(
    tmp_path: Path, forge_keys: GateKeys, fake_github: FakeGitHub
) -> None:
    repo = create_forge_repo(tmp_path / "repo", forge_keys)
    # frank (technical-review) has no login in the base; the change gives him one.
    repo.checkout("main")
    repo.commit(
        {"people/frank.yaml": person_with_login(forge_keys, "frank", None)},
        "frank has no GitHub login",
        "erin",
        when=feb(1, 7),
    )
    repo.checkout("change")
    repo.commit({}, "noop", "dan", when=feb(1, 7, 30))  # keep the branch distinct
    git_merge_main(repo)
    head = change_version(repo)
    repo.commit(
        {"people/frank.yaml": person_with_login(forge_keys, "frank", "frank-gh")},
        "Give frank a GitHub login",
        "frank",
        when=feb(1, 9),
    )
    tip = repo.head()
    reviews = [Review("frank-gh", "APPROVED", tip, feb(2)), *approvals(tip, "bob", "carol", day=3)]
    fake_github.add_pull(Pull(13, tip), reviews, commits=(head,))
    result = lint(repo, fake_github, tmp_path, pr=13)
    assert not gate_for(result).passed
    assert (
        "the approving review by @frank-gh on PR #13 does not count: the login is given only by"
        " people/frank.yaml in this change"
    ) in hints(result)


def git_merge_main(repo: GateRepo) -> None:
    repo.merge("main", feb(1, 7, 45))


def test_the_pr_author_cannot_approve_their_own_version(
    repo: GateRepo, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    head = version_commit(repo)
    fake_github.add_pull(
        Pull(12, head, merged_at=feb(6), state="closed", author=LOGINS["alice"]),
        approvals(head, "alice", "bob", "carol"),
        (head,),
    )
    result = lint(repo, fake_github, tmp_path)
    assert not gate_for(result).passed
    assert "alice authored this version and cannot approve it" in hints(result)


def test_a_squash_merged_head_missing_from_the_clone_stops_with_the_fetch(
    repo: GateRepo, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    head = version_commit(repo)
    gone = "5" * 40
    fake_github.add_pull(
        Pull(12, gone, merged_at=feb(6), state="closed"), approvals(gone, "alice"), (head,)
    )
    with pytest.raises(GovernError) as caught:
        lint(repo, fake_github, tmp_path)
    assert "the head commit 555555555555 of PR #12 is not in this clone" in caught.value.message
    assert "git fetch origin pull/12/head" in caught.value.fix


# --- the cache and --offline ------------------------------------------------------------------


def test_merged_pr_answers_are_cached_and_offline_reads_only_the_cache(
    repo: GateRepo, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    head = version_commit(repo)
    fake_github.add_pull(
        Pull(12, head, merged_at=feb(5), state="closed"),
        approvals(head, "alice", "bob", "carol"),
        commits=(head,),
    )
    env = github_env(fake_github.url, tmp_path)
    assert gate_for(assess(LintRequest(repo.root, today=TODAY, environ=env))).passed
    served = len(fake_github.seen)
    offline = assess(LintRequest(repo.root, today=TODAY, environ=env, offline=True))
    assert gate_for(offline).passed
    assert len(fake_github.seen) == served  # not one request

    empty = {**env, "GAC_CACHE_DIR": str(tmp_path / "empty-cache")}
    with pytest.raises(GovernError) as caught:
        assess(LintRequest(repo.root, today=TODAY, environ=empty, offline=True))
    assert caught.value.message.startswith("--offline: the cache holds no answer for")


def test_an_open_pr_is_never_cached(
    repo: GateRepo, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    head = change_version(repo)
    fake_github.add_pull(Pull(13, head), approvals(head, "alice", "bob", "carol"), (head,))
    env = github_env(fake_github.url, tmp_path, pr=13)
    assert gate_for(assess(LintRequest(repo.root, today=TODAY, environ=env))).passed
    with pytest.raises(GovernError, match="--offline: the cache holds no answer"):
        assess(LintRequest(repo.root, today=TODAY, environ=env, offline=True))


# --- the forge failing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (401, b'{"message": "Bad credentials"}', "answered HTTP 401"),
        (404, b'{"message": "Not Found"}', "answered HTTP 404"),
        (502, b'{"message": "Bad gateway"}', "answered HTTP 502"),
        (200, b'{"number": 12, "head": {', "gave a malformed or truncated JSON answer"),
    ],
    ids=["401", "404", "5xx", "malformed-json"],
)
def test_a_failing_forge_stops_the_gate(
    repo: GateRepo,
    fake_github: FakeGitHub,
    tmp_path: Path,
    status: int,
    body: bytes,
    expected: str,
) -> None:
    head = version_commit(repo)
    fake_github.add_pull(
        Pull(12, head, merged_at=feb(5), state="closed"), approvals(head, "alice"), (head,)
    )
    fake_github.failures[r"/pulls/12$"] = Failure(status, body)
    with pytest.raises(GovernError) as caught:
        lint(repo, fake_github, tmp_path)
    assert expected in caught.value.message
    assert TOKEN not in str(caught.value)


def test_a_truncated_second_page_stops_the_gate(
    repo: GateRepo, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    head = version_commit(repo)
    fake_github.page_size = 1
    fake_github.add_pull(
        Pull(12, head, merged_at=feb(5), state="closed"),
        approvals(head, "alice", "bob", "carol"),
        (head,),
    )
    fake_github.truncated_page = 2
    with pytest.raises(GovernError, match="malformed or truncated JSON"):
        lint(repo, fake_github, tmp_path)


def test_the_forge_settings_come_from_the_trusted_base_only(
    tmp_path: Path, forge_keys: GateKeys, fake_github: FakeGitHub
) -> None:
    # The base counts signed commits only; a change that switches reviews on is not obeyed.
    repo = create_forge_repo(tmp_path / "repo", forge_keys, forge_spec={})
    head = version_commit(repo)
    governance = yaml.safe_load(repo.read("governance.yaml"))
    governance["spec"].update(
        evidence=["signed-commit", "pull-request-review"],
        forge={"github": {"repository": "acme/ml-portfolio", "protectedBranch": "main"}},
    )
    repo.commit({"governance.yaml": yaml.safe_dump(governance)}, "Use reviews", "dan", when=feb(1))
    fake_github.add_pull(
        Pull(12, head, merged_at=feb(5), state="closed"),
        approvals(head, "alice", "bob", "carol"),
        (head,),
    )
    result = lint(repo, fake_github, tmp_path)
    assert not gate_for(result).passed
    assert fake_github.seen == []  # the forge was never asked
    assert gate_for(result, DEPLOYMENT).subject == "m@1"


# --- rule 5: the gate's own rules apply to reviews too ----------------------------------------


def test_the_final_approvers_review_must_come_last(
    repo: GateRepo, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    head = version_commit(repo)
    fake_github.add_pull(
        Pull(12, head, merged_at=feb(9), state="closed"),
        approvals(head, "carol", "alice", "bob"),
        (head,),
    )
    gate = gate_for(lint(repo, fake_github, tmp_path))
    assert not gate.passed
    assert any("the final approver must sign last" in r for r in gate.reasons)


def test_an_old_review_expires(repo: GateRepo, fake_github: FakeGitHub, tmp_path: Path) -> None:
    head = version_commit(repo)
    old = [Review(LOGINS["alice"], "APPROVED", head, feb(2).replace(year=2024))]
    fake_github.add_pull(
        Pull(12, head, merged_at=feb(9), state="closed"),
        [*old, *approvals(head, "bob", "carol", day=3)],
        (head,),
    )
    result = lint(repo, fake_github, tmp_path)
    assert not gate_for(result).passed
    assert "expired, submitted 2024-02-02, more than 365 days before 2026-03-01" in hints(result)


def test_a_reviewer_without_the_role_in_the_base_does_not_count(
    repo: GateRepo, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    head = version_commit(repo)
    reviews = [Review(LOGINS["erin"], "APPROVED", head, feb(2)), *approvals(head, "bob", "carol")]
    fake_github.add_pull(Pull(12, head, merged_at=feb(9), state="closed"), reviews, (head,))
    result = lint(repo, fake_github, tmp_path)
    assert not gate_for(result).passed
    assert "erin holds none of the roles technical-review, risk-review, final-approval" in hints(
        result
    )


def test_one_reviewer_fills_one_role_only(
    tmp_path: Path, forge_keys: GateKeys, fake_github: FakeGitHub
) -> None:
    # bob holds both review roles; his one review cannot fill both.
    repo = create_forge_repo(
        tmp_path / "repo",
        forge_keys,
        people={"bob": {"roles": ("technical-review", "risk-review")}},
    )
    head = version_commit(repo)
    fake_github.add_pull(
        Pull(12, head, merged_at=feb(9), state="closed"), approvals(head, "bob", "carol"), (head,)
    )
    gate = gate_for(lint(repo, fake_github, tmp_path))
    assert not gate.passed
    assert "one person fills at most one role: bob is the approver for technical-review," in (
        " ".join(gate.reasons)
    )


def test_a_named_cache_folder_holds_the_forges_answers_too(
    repo: GateRepo, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    head = version_commit(repo)
    fake_github.add_pull(
        Pull(12, head, merged_at=feb(5), state="closed"),
        approvals(head, "alice", "bob", "carol"),
        commits=(head,),
    )
    env = {k: v for k, v in github_env(fake_github.url, tmp_path).items() if k != "GAC_CACHE_DIR"}
    mine = tmp_path / "mine"
    assert gate_for(assess(LintRequest(repo.root, today=TODAY, environ=env, cache_dir=mine))).passed
    assert any((mine / "forge").rglob("*")), "the forge's answers are beside the parse cache"
    served = len(fake_github.seen)
    offline = assess(LintRequest(repo.root, today=TODAY, environ=env, cache_dir=mine, offline=True))
    assert gate_for(offline).passed and len(fake_github.seen) == served
