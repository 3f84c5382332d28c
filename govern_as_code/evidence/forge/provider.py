"""The pull-request-review provider: approving reviews on the exact head that holds a version.

For each gated model version at digest D it finds the commits that introduced D, asks the
forge which pull requests carry them (plus the PR under test), and counts the approving
reviews on a head that holds D of a PR merged into (or, under test, open against) the
protected branch. The forge itself (GitHub, GitLab) sits behind `ReviewForge`.
"""

from __future__ import annotations

from typing import Protocol

from govern_as_code.documents.digest import version_digest
from govern_as_code.documents.kinds import ModelVersionDocument
from govern_as_code.evidence.forge.counting import (
    Target,
    count_reviews,
    head_holds_digest,
    pr_applies,
)
from govern_as_code.evidence.forge.github import PullRequest, Review
from govern_as_code.evidence.forge.versions import introducing_commits
from govern_as_code.evidence.provider import Evidence, EvidenceNote, EvidenceRequest


class ReviewForge(Protocol):
    """What the provider needs from a forge."""

    key: str  # the Person spec.forge field: github | gitlab
    label: str  # "PR #" or "MR !"
    review: str  # "approving review" or "approval"
    protected_branch: str
    pr_under_test: int | None

    def numbers_for_commit(self, sha: str) -> list[int]: ...

    def reviewed(self, number: int) -> tuple[PullRequest, list[Review]]: ...

    def why_none_count(self, pull: PullRequest) -> str: ...

    def fetch_ref(self, number: int) -> str: ...


class PullRequestReviewProvider:
    """Evidence from pull-request reviews (DESIGN §2.3, issue 8)."""

    name = "pull-request-review"

    def __init__(self, forge: ReviewForge) -> None:
        self.forge = forge

    def collect(self, request: EvidenceRequest) -> Evidence:
        found = Evidence()
        for subject in request.subjects:
            found = found.merged(self._collect_subject(request, subject))
        return found

    def _collect_subject(self, request: EvidenceRequest, subject: str) -> Evidence:
        document = request.portfolio.get("ModelVersion", subject)
        if document is None or not isinstance(document.model, ModelVersionDocument):
            return Evidence()  # the gate says the version does not exist
        forge = self.forge
        target = Target(
            subject,
            document.path,
            version_digest(document.model),
            forge.protected_branch,
            forge.pr_under_test,
            forge.key,
            forge.label,
            forge.review,
        )
        numbers: list[int] = []
        for commit in introducing_commits(request.repo, request.head, target.path, target.digest):
            numbers.extend(n for n in forge.numbers_for_commit(commit) if n not in numbers)
        if forge.pr_under_test is not None and forge.pr_under_test not in numbers:
            numbers.append(forge.pr_under_test)
        signoffs, notes, authors = [], [], set()
        if not numbers:
            notes.append(
                f"no pull request carries the commit that introduced {subject}'s current"
                " content, so no review can count for it"
            )
        for number in numbers:
            pull, reviews = forge.reviewed(number)
            why_not = (
                pr_applies(pull, target)
                or head_holds_digest(request.repo, pull, target, forge.fetch_ref(number))
                or forge.why_none_count(pull)
            )
            if why_not:
                notes.append(why_not)
                continue
            counted = count_reviews(pull, reviews, target, request.trust, request.portfolio)
            signoffs.extend(counted.signoffs)
            notes.extend(counted.notes)
            authors |= counted.authors
        return Evidence(
            external=tuple(signoffs),
            authors={subject: frozenset(authors)} if authors else {},
            notes=tuple(EvidenceNote(subject, n) for n in notes),
        )
