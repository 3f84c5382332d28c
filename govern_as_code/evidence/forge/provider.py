"""The pull-request-review provider: approving reviews on the exact head that holds a version.

For each gated model version at digest D it finds the commits that introduced D, asks the
forge which pull requests carry them (plus the PR under test), and counts the approving
reviews on a head that holds D of a PR merged into (or, under test, open against) the
protected branch. Answers about merged PRs come from the cache when they can; `offline`
reads only the cache and stops when an answer is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govern_as_code.documents.digest import version_digest
from govern_as_code.documents.kinds import GitHubForge, ModelVersionDocument
from govern_as_code.evidence.forge.cache import AnswerCache, commit_key, pull_key
from govern_as_code.evidence.forge.counting import (
    Target,
    count_reviews,
    head_holds_digest,
    pr_applies,
)
from govern_as_code.evidence.forge.github import GitHubApi, PullRequest, Review, parse_pull
from govern_as_code.evidence.forge.github import parse_review as _parse_review
from govern_as_code.evidence.forge.http import ForgeError
from govern_as_code.evidence.forge.settings import ForgeEnvironment
from govern_as_code.evidence.forge.versions import introducing_commits
from govern_as_code.evidence.provider import Evidence, EvidenceNote, EvidenceRequest


def _offline_missing(what: str) -> ForgeError:
    return ForgeError(
        f"--offline: the cache holds no answer for {what}",
        "run `gac lint` once with the forge reachable to fill the cache, then rerun",
    )


@dataclass
class _Reviewed:
    pull: PullRequest
    reviews: list[Review] = field(default_factory=list)


class GitHubReviewProvider:
    """Evidence from GitHub pull-request reviews (DESIGN §2.3, issue 8)."""

    name = "pull-request-review"

    def __init__(self, settings: GitHubForge, api: GitHubApi, env: ForgeEnvironment) -> None:
        self.settings = settings
        self.api = api
        self.env = env
        self.cache = AnswerCache(env.cache_dir, "github", settings.repository)

    def collect(self, request: EvidenceRequest) -> Evidence:
        found = Evidence()
        for subject in request.subjects:
            found = found.merged(self._collect_subject(request, subject))
        return found

    def _collect_subject(self, request: EvidenceRequest, subject: str) -> Evidence:
        document = request.portfolio.get("ModelVersion", subject)
        if document is None or not isinstance(document.model, ModelVersionDocument):
            return Evidence()  # the gate says the version does not exist
        target = Target(
            subject,
            document.path,
            version_digest(document.model),
            self.settings.protectedBranch,
            self.env.pr_under_test,
            "github",
        )
        numbers: list[int] = []
        for commit in introducing_commits(request.repo, request.head, target.path, target.digest):
            numbers.extend(n for n in self._pulls_for_commit(commit) if n not in numbers)
        if self.env.pr_under_test is not None and self.env.pr_under_test not in numbers:
            numbers.append(self.env.pr_under_test)
        signoffs, notes, authors = [], [], set()
        if not numbers:
            notes.append(
                f"no pull request carries the commit that introduced {subject}'s current"
                " content, so no review can count for it"
            )
        for number in numbers:
            reviewed = self._pull(number)
            why_not = pr_applies(reviewed.pull, target) or head_holds_digest(
                request.repo, reviewed.pull, target, f"pull/{number}/head"
            )
            if why_not:
                notes.append(why_not)
                continue
            counted = count_reviews(
                reviewed.pull, reviewed.reviews, target, request.trust, request.portfolio
            )
            signoffs.extend(counted.signoffs)
            notes.extend(counted.notes)
            authors |= counted.authors
        return Evidence(
            external=tuple(signoffs),
            authors={subject: frozenset(authors)} if authors else {},
            notes=tuple(EvidenceNote(subject, n) for n in notes),
        )

    def _pulls_for_commit(self, sha: str) -> list[int]:
        cached = self.cache.load(commit_key(sha))
        if isinstance(cached, list) and all(isinstance(n, int) for n in cached):
            return list(cached)
        if self.env.offline:
            raise _offline_missing(f"the pull requests of commit {sha[:12]}")
        pulls = self.api.pulls_for_commit(sha)
        numbers = [p.number for p in pulls]
        # Once a PR carrying the commit is merged into the protected branch, that answer is
        # the one that matters and it cannot change.
        if any(p.merged_at and p.base_ref == self.settings.protectedBranch for p in pulls):
            self.cache.store(commit_key(sha), numbers)
        return numbers

    def _pull(self, number: int) -> _Reviewed:
        if self.env.offline:
            heads = self.cache.heads_of(number)
            stored = self.cache.load(pull_key(number, heads[-1])) if len(heads) == 1 else None
            if stored is None:
                raise _offline_missing(f"pull request #{number}")
            return self._from_cache(stored)
        pull, raw_pull = self.api.pull(number)
        if pull.merged_at is not None:
            stored = self.cache.load(pull_key(number, pull.head_sha))
            if stored is not None:
                return self._from_cache(stored)
        reviews, raw_reviews = self.api.reviews(number)
        if pull.merged_at is not None:
            self.cache.store(pull_key(number, pull.head_sha), [raw_pull, raw_reviews])
        return _Reviewed(pull, reviews)

    def _from_cache(self, stored: Any) -> _Reviewed:
        try:
            raw_pull, raw_reviews = stored
            return _Reviewed(parse_pull(raw_pull), [_parse_review(r) for r in raw_reviews])
        except (ValueError, TypeError, ForgeError) as e:
            raise ForgeError(
                f"a damaged cache entry under {self.cache.folder}: {e}",
                "delete that folder and rerun with the forge reachable",
            ) from None
