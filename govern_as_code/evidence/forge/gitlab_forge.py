"""GitLab behind `ReviewForge`: merge-request approvals, counted only on a reset-on-push project.

Answers are not cached (GitLab's approvals of a merged MR can still be revoked), so
`offline` stops at once: fail closed rather than count what was not read.
"""

from __future__ import annotations

from govern_as_code.documents.kinds import GitLabForge
from govern_as_code.evidence.forge.github import PullRequest, Review
from govern_as_code.evidence.forge.github_forge import offline_missing
from govern_as_code.evidence.forge.gitlab import GitLabApi
from govern_as_code.evidence.forge.settings import ForgeEnvironment


class GitLabApprovals:
    key = "gitlab"
    label = "MR !"
    review = "approval"

    def __init__(self, settings: GitLabForge, api: GitLabApi, env: ForgeEnvironment) -> None:
        self.api = api
        self.env = env
        self.protected_branch = settings.protectedBranch
        self.pr_under_test = env.pr_under_test
        self._resets: bool | None = None

    def fetch_ref(self, number: int) -> str:
        return f"merge-requests/{number}/head"

    def _offline(self, what: str) -> None:
        if self.env.offline:
            raise offline_missing(f"{what} (GitLab answers are never cached)")

    def numbers_for_commit(self, sha: str) -> list[int]:
        self._offline(f"the merge requests of commit {sha[:12]}")
        return self.api.merge_requests_for_commit(sha)

    def reviewed(self, number: int) -> tuple[PullRequest, list[Review]]:
        self._offline(f"merge request !{number}")
        pull = self.api.merge_request(number)
        return pull, self.api.approvals(pull)

    def why_none_count(self, pull: PullRequest) -> str:
        if self._resets is None:
            self._resets = self.api.resets_approvals_on_push()
        if self._resets:
            return ""
        return (
            f"approvals on MR !{pull.number} do not count: GitLab does not record which commit"
            " an approval was given on, and this project keeps approvals when commits are"
            " pushed (reset_approvals_on_push is false); turn on 'Remove all approvals when"
            " commits are added' in the project's merge request approval settings"
        )
