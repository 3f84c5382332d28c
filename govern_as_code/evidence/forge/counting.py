"""Which reviews of a pull request count as sign-offs of a version (issue 8, rules 1–4).

Rule 5 (role, authorship, one role each, departments, age, the final approver last) is the
gate's, the same for every kind of evidence: see `gate/matching.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from govern_as_code.documents.kinds import PersonDocument
from govern_as_code.errors import GovernError
from govern_as_code.evidence.forge.github import PullRequest, Review
from govern_as_code.evidence.forge.versions import digest_at
from govern_as_code.evidence.provider import ExternalSignOff
from govern_as_code.git import Repository
from govern_as_code.portfolio.model import Portfolio
from govern_as_code.portfolio.trust import TrustRoot

METHOD = "pull-request review"
# Reviews that say nothing about the decision; everything else replaces the one before.
NEUTRAL = ("COMMENTED", "PENDING")


@dataclass(frozen=True)
class Target:
    """What the reviews must be about: a version file at digest D, under these settings."""

    subject: str
    path: str
    digest: str
    protected_branch: str
    pr_under_test: int | None
    forge: str  # the key of Person spec.forge: github | gitlab
    label: str = "PR #"  # how the forge names a pull request: "PR #12", "MR !12"
    review: str = "approving review"


@dataclass
class Counted:
    signoffs: list[ExternalSignOff] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    authors: set[str] = field(default_factory=set)


def login_map(trust: TrustRoot, forge: str) -> dict[str, str]:
    """Forge login (case-insensitive, as forges treat them) -> person id, from the base."""
    found: dict[str, str] = {}
    for person in trust.people.values():
        login = getattr(person.spec.forge, forge)
        if login:
            found[login.lower()] = person.metadata.id
    return found


def _head_only_logins(portfolio: Portfolio, trust: TrustRoot, forge: str) -> dict[str, str]:
    base = login_map(trust, forge)
    found = {}
    for document in portfolio.of_kind("Person"):
        if isinstance(document.model, PersonDocument):
            login = getattr(document.model.spec.forge, forge)
            if login and base.get(login.lower()) != document.id:
                found[login.lower()] = document.path
    return found


def pr_applies(pull: PullRequest, target: Target) -> str:
    """Empty when the PR can carry sign-offs (rule 3), else why not."""
    here = f"{target.label}{pull.number}"
    if pull.base_ref != target.protected_branch:
        into = "was merged into" if pull.merged_at else "targets"
        return (
            f"{here} {into} {pull.base_ref!r}, not the protected branch"
            f" {target.protected_branch!r}, so its reviews do not count"
        )
    if pull.merged_at is None and pull.number != target.pr_under_test:
        if pull.state == "closed":
            return f"{here} was closed without merging, so its reviews do not count"
        return (
            f"{here} is open and is not the pull request under test, so its reviews do not"
            " count until it is merged"
        )
    return ""


def head_holds_digest(repo: Repository, pull: PullRequest, target: Target, remote_ref: str) -> str:
    """Empty when the PR's head holds digest D (rule 2), else why not; exit 2 if unreadable."""
    if not repo.has_commit(pull.head_sha):
        raise GovernError(
            f"the head commit {pull.head_sha[:12]} of {target.label}{pull.number} is not in this"
            " clone"
            " (after a squash merge the branch is gone), so its reviews cannot be checked",
            f"fetch it with `git fetch origin {remote_ref}` and rerun",
        )
    at_head = digest_at(repo, pull.head_sha, target.path)
    if at_head != target.digest:
        held = f"digest {at_head}" if at_head else "no such version"
        return (
            f"{target.label}{pull.number}'s head {pull.head_sha[:12]} holds {held} for"
            f" {target.path},"
            f" not the current {target.digest}, so its reviews do not count"
        )
    return ""


def count_reviews(
    pull: PullRequest,
    reviews: Sequence[Review],
    target: Target,
    trust: TrustRoot,
    portfolio: Portfolio,
) -> Counted:
    """The sign-offs among `reviews` (rules 1 and 4), and notes on the rest."""
    counted = Counted()
    logins = login_map(trust, target.forge)
    if pull.author and pull.author.lower() in logins:
        counted.authors.add(logins[pull.author.lower()])
    latest: dict[str, Review] = {}
    for review in reviews:  # oldest first, as the forge lists them
        if review.login is None or review.state in NEUTRAL:
            continue
        latest[review.login.lower()] = review
    head_only = _head_only_logins(portfolio, trust, target.forge)
    for login_key, review in sorted(latest.items()):
        where = f"@{review.login} on {target.label}{pull.number}"
        if review.state != "APPROVED":
            state = review.state.lower().replace("_", " ")
            counted.notes.append(f"the latest review by {where} is {state}, so it does not count")
            continue
        if review.commit_id != pull.head_sha:
            old = (review.commit_id or "an unknown commit")[:12]
            counted.notes.append(
                f"the {target.review} by {where} was given on {old}, an older head than"
                f" {pull.head_sha[:12]}; it must be given again on the head"
            )
            continue
        person = logins.get(login_key)
        if person is None:
            if login_key in head_only:
                counted.notes.append(
                    f"the {target.review} by {where} does not count: the login is given only"
                    f" by {head_only[login_key]} in this change, and logins count once that"
                    " change is in the trusted base"
                )
            else:
                counted.notes.append(
                    f"the {target.review} by {where} does not count: no Person in the trusted"
                    f" base has the {target.forge} login {review.login!r}"
                )
            continue
        if review.submitted_at is None:
            counted.notes.append(
                f"the {target.review} by {where} has no time on the forge, so it can neither"
                " expire nor be ordered; it does not count"
            )
            continue
        counted.signoffs.append(
            ExternalSignOff(
                target.subject,
                target.digest,
                person,
                "approved",
                review.submitted_at,
                METHOD,
                f"{target.review} by @{review.login} on {target.label}{pull.number}"
                f" at head {pull.head_sha[:12]}",
                review.url,
            )
        )
    return counted
