"""When each deployment manifest took its current form: the report's "deployed since".

The last commit that added or changed the manifest is when what it says now (this version,
this target) was put in place. One `git log` over every manifest answers for all of them.
"""

from __future__ import annotations

from datetime import datetime

from govern_as_code.git import Repository
from govern_as_code.portfolio import Portfolio


def deployed_since(repo: Repository, head: str, portfolio: Portfolio) -> dict[str, datetime]:
    """The time of the latest commit up to `head` touching each deployment's file, by path.

    A manifest not committed yet has no entry: the report then says nothing rather than guess.
    """
    wanted = {d.path for d in portfolio.deployments()}
    if not wanted:
        return {}
    since: dict[str, datetime] = {}
    for entry in repo.path_log(head, sorted(wanted)):  # newest first
        for status, path in entry.files:
            if path in wanted and path not in since and status != "D":
                since[path] = entry.time
    return since
