"""When each gated version first reached a protected environment, read from history.

A version reached production with the first commit in which a gated deployment manifest named
it. The report flags approvals given after that moment: a sign-off that came after the deploy
did not gate it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from govern_as_code.git import Repository
from govern_as_code.portfolio import Deployment


def _names(subject: str) -> re.Pattern[bytes]:
    # `churn-xgb@3` must not match inside `churn-xgb@30` or `my-churn-xgb@3`.
    return re.compile(rb"(?<![\w@.-])" + re.escape(subject.encode()) + rb"(?![\w.@-])")


def reached_production(
    repo: Repository, head: str, deployments: Sequence[Deployment]
) -> dict[str, datetime]:
    """subject -> the time of the earliest commit of `head` whose gated manifest names it.

    A subject whose manifest is not committed yet is left out: it has not reached anywhere.
    """
    by_path: dict[str, set[str]] = {}
    for d in deployments:
        if d.subject:
            by_path.setdefault(d.path, set()).add(d.subject)
    if not by_path:
        return {}
    entries = repo.path_log(head, sorted(by_path))
    pairs = [
        (e.commit, path)
        for e in entries
        for status, path in e.files
        if status != "D" and path in by_path
    ]
    contents = repo.read_files_at(pairs)
    when = {e.commit: e.time for e in entries}
    since: dict[str, datetime] = {}
    patterns = {s: _names(s) for subjects in by_path.values() for s in subjects}
    for (commit, path), content in contents.items():
        for subject in by_path[path]:
            if patterns[subject].search(content):
                moment = when[commit]
                if subject not in since or moment < since[subject]:
                    since[subject] = moment
    return since
