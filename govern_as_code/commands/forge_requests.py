"""`gac request-review SUBJECT --request`: ask the forge to request the missing reviews.

Run in a pull request's CI with a forge configured in the trusted base. The people asked are
the ones the gate names as eligible for each missing role; their logins come from their Person
documents in the trusted base, never from the change.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from govern_as_code.commands.signoff import ReviewPlan
from govern_as_code.errors import GitError, GovernError
from govern_as_code.evidence.forge.github import GitHubApi, github_client
from govern_as_code.evidence.forge.settings import github_environment
from govern_as_code.git import Repository
from govern_as_code.portfolio import load_portfolio
from govern_as_code.portfolio.base import find_base
from govern_as_code.portfolio.sources import RevisionSource
from govern_as_code.portfolio.trust import TrustRoot


@dataclass(frozen=True)
class ForgeReviewRequest:
    """What was asked of the forge: the pull request, the logins, and who has no login."""

    number: int | None
    requested: tuple[str, ...] = ()
    without_login: tuple[str, ...] = field(default=())


def _trust(root: Path, base: str | None) -> TrustRoot:
    repo = Repository.discover(root)
    if repo is None or not repo.has_commits():
        raise GitError(
            f"{root} has no git history, so the forge cannot be asked",
            "run it inside the portfolio's git repository, in the pull request's CI",
        )
    revision = find_base(repo, repo.resolve("HEAD"), base)
    return TrustRoot.from_portfolio(load_portfolio(RevisionSource(repo, revision)))


def _person_of(trust: TrustRoot, mention: str) -> str | None:
    """The person a plan's mention names: a person id, or a forge login of the base."""
    if mention in trust.people:
        return mention
    for person in trust.people.values():
        logins = (person.spec.forge.github, person.spec.forge.gitlab)
        if mention.lower() in {login.lower() for login in logins if login}:
            return person.metadata.id
    return None


def request_reviews(
    root: Path,
    plan: ReviewPlan,
    base: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> ForgeReviewRequest:
    """POST the eligible people of every missing role as requested reviewers of the PR."""
    env = os.environ if environ is None else environ
    if plan.passed or not plan.missing:
        return ForgeReviewRequest(None)
    trust = _trust(root, base)
    forge = trust.settings.forge
    if forge is None or forge.github is None:
        raise GovernError(
            "--request needs spec.forge.github in the trusted base's governance.yaml"
            + (" (GitLab reviewers are not requested yet)" if forge and forge.gitlab else ""),
            "add the reviewers in the merge request by hand, or configure spec.forge.github",
        )
    settings = github_environment(env, None, offline=False)
    if settings.pr_under_test is None:
        raise GovernError(
            "--request asks for reviews on the pull request under test, and none was found"
            " (GITHUB_EVENT_PATH names no pull_request)",
            "run it in the pull request's GitHub Actions job, on a pull_request event",
        )
    logins: list[str] = []
    without: list[str] = []
    for people in plan.missing.values():
        for mention in people:
            person = _person_of(trust, mention)
            document = trust.people.get(person) if person else None
            login = document.spec.forge.github if document else None
            if login and login not in logins:
                logins.append(login)
            elif not login and mention not in without:
                without.append(mention)
    if not logins:
        return ForgeReviewRequest(settings.pr_under_test, (), tuple(without))
    api = GitHubApi(github_client(settings.api_url, settings.token), forge.github.repository)
    api.request_reviewers(settings.pr_under_test, logins)
    return ForgeReviewRequest(settings.pr_under_test, tuple(logins), tuple(without))
