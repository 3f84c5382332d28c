"""GitHub behind `ReviewForge`, with answers about merged pull requests cached.

A merged pull request does not change, so its answer (the PR and its reviews) is kept by PR
number and head sha; `offline` reads only the cache and stops when an answer is missing.
"""

from __future__ import annotations

from typing import Any

from govern_as_code.documents.kinds import GitHubForge
from govern_as_code.evidence.forge.cache import AnswerCache, commit_key, pull_key
from govern_as_code.evidence.forge.github import (
    GitHubApi,
    PullRequest,
    Review,
    parse_pull,
    parse_review,
)
from govern_as_code.evidence.forge.http import ForgeError
from govern_as_code.evidence.forge.settings import ForgeEnvironment


def offline_missing(what: str) -> ForgeError:
    return ForgeError(
        f"--offline: the cache holds no answer for {what}",
        "run `gac lint` once with the forge reachable to fill the cache, then rerun",
    )


class GitHubReviews:
    key = "github"
    label = "PR #"
    review = "approving review"

    def __init__(self, settings: GitHubForge, api: GitHubApi, env: ForgeEnvironment) -> None:
        self.api = api
        self.env = env
        self.protected_branch = settings.protectedBranch
        self.pr_under_test = env.pr_under_test
        self.cache = AnswerCache(env.cache_dir, "github", settings.repository)

    def fetch_ref(self, number: int) -> str:
        return f"pull/{number}/head"

    def why_none_count(self, pull: PullRequest) -> str:
        return ""  # GitHub records the commit each review was given on

    def numbers_for_commit(self, sha: str) -> list[int]:
        cached = self.cache.load(commit_key(sha))
        if isinstance(cached, list) and all(isinstance(n, int) for n in cached):
            return list(cached)
        if self.env.offline:
            raise offline_missing(f"the pull requests of commit {sha[:12]}")
        pulls = self.api.pulls_for_commit(sha)
        numbers = [p.number for p in pulls]
        # Once a PR carrying the commit is merged into the protected branch, that answer is
        # the one that matters and it cannot change.
        if any(p.merged_at and p.base_ref == self.protected_branch for p in pulls):
            self.cache.store(commit_key(sha), numbers)
        return numbers

    def reviewed(self, number: int) -> tuple[PullRequest, list[Review]]:
        if self.env.offline:
            heads = self.cache.heads_of(number)
            stored = self.cache.load(pull_key(number, heads[0])) if len(heads) == 1 else None
            if stored is None:
                raise offline_missing(f"pull request #{number}")
            return self._from_cache(stored)
        pull, raw_pull = self.api.pull(number)
        if pull.merged_at is not None:
            stored = self.cache.load(pull_key(number, pull.head_sha))
            if stored is not None:
                return self._from_cache(stored)
        reviews, raw_reviews = self.api.reviews(number)
        if pull.merged_at is not None:
            self.cache.store(pull_key(number, pull.head_sha), [raw_pull, raw_reviews])
        return pull, reviews

    def _from_cache(self, stored: Any) -> tuple[PullRequest, list[Review]]:
        try:
            raw_pull, raw_reviews = stored
            return parse_pull(raw_pull), [parse_review(r) for r in raw_reviews]
        except (ValueError, TypeError, ForgeError) as e:
            raise ForgeError(
                f"a damaged cache entry under {self.cache.folder}: {e}",
                "delete that folder and rerun with the forge reachable",
            ) from None
