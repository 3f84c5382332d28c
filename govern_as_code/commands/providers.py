"""Which evidence providers count, as the trusted base's `governance.yaml` says.

`spec.evidence` (default `[signed-commit]`) and `spec.forge` are read from the trusted base
only, so a change cannot switch a provider on, off, or point it at another repository.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

from govern_as_code.errors import GovernError
from govern_as_code.evidence.forge.github import GitHubApi, github_client
from govern_as_code.evidence.forge.github_forge import GitHubReviews
from govern_as_code.evidence.forge.gitlab import GitLabApi, gitlab_client
from govern_as_code.evidence.forge.gitlab_forge import GitLabApprovals
from govern_as_code.evidence.forge.provider import PullRequestReviewProvider
from govern_as_code.evidence.forge.settings import github_environment, gitlab_environment
from govern_as_code.evidence.provider import EvidenceProvider
from govern_as_code.evidence.signed_commit_provider import SignedCommitProvider
from govern_as_code.evidence.signed_commits import SignatureVerifier
from govern_as_code.git import Repository
from govern_as_code.portfolio.trust import TrustRoot

CACHE_VARIABLE = "GAC_CACHE_DIR"


def cache_dir(repo: Repository, environ: Mapping[str, str], root: Path | None = None) -> Path:
    """The forge's folder in the run's cache folder (`--cache-dir`, `GAC_CACHE_DIR`), else
    in the clone's git directory (never committed), beside the parse and signature caches."""
    if root is not None:
        return root / "forge"
    chosen = environ.get(CACHE_VARIABLE)
    return (Path(chosen) if chosen else repo.git_dir / "govern-as-code") / "forge"


def forge_provider(
    trust: TrustRoot,
    repo: Repository,
    environ: Mapping[str, str],
    offline: bool,
    cache_root: Path | None = None,
) -> EvidenceProvider:
    """The pull-request-review provider for the forge that `spec.forge` names."""
    forge = trust.settings.forge
    if forge is None or (forge.github is None and forge.gitlab is None):
        raise GovernError(
            "governance.yaml in the trusted base lists pull-request-review in spec.evidence"
            " but names no spec.forge",
            "add spec.forge.github: {repository: OWNER/NAME, protectedBranch: main} (or"
            " gitlab: {project, protectedBranch}) in a change approved by governance-admin",
        )
    if forge.github is not None:
        env = github_environment(environ, cache_dir(repo, environ, cache_root), offline)
        client = github_client(env.api_url, env.token)
        api = GitHubApi(client, forge.github.repository)
        return PullRequestReviewProvider(GitHubReviews(forge.github, api, env))
    assert forge.gitlab is not None
    env = gitlab_environment(environ, cache_dir(repo, environ, cache_root), offline)
    job_token = not environ.get("GITLAB_TOKEN")
    client = gitlab_client(env.api_url, env.token, job_token)
    gitlab_api = GitLabApi(client, forge.gitlab.project)
    return PullRequestReviewProvider(GitLabApprovals(forge.gitlab, gitlab_api, env))


def build_providers(
    trust: TrustRoot,
    repo: Repository,
    verifier: SignatureVerifier,
    *,
    environ: Mapping[str, str] | None = None,
    offline: bool = False,
    cache_root: Path | None = None,
) -> list[EvidenceProvider]:
    """The providers `spec.evidence` of the trusted base selects, in its order.

    `cache_root` is the run's cache folder; the forge's answers are kept in its `forge/`.
    """
    env = os.environ if environ is None else environ
    factories: dict[str, Callable[[], EvidenceProvider]] = {
        "signed-commit": lambda: SignedCommitProvider(verifier),
        "pull-request-review": lambda: forge_provider(trust, repo, env, offline, cache_root),
    }
    providers = []
    for name in dict.fromkeys(trust.settings.evidence):
        factory = factories.get(name)
        if factory is None:  # the schema allows only known names; this guards a drift
            raise GovernError(
                f"unknown evidence provider {name!r} in governance.yaml spec.evidence",
                f"use one of: {', '.join(sorted(factories))}",
            )
        providers.append(factory())
    return providers
