"""GitLab Code Quality: the Code Climate JSON subset GitLab reads from `reports:codequality`.

Each problem is one issue with `description`, `check_name`, `fingerprint`, `severity` and
`location.path` / `location.lines.begin`. GitLab compares fingerprints between the merge
request and its target branch, so they leave out line numbers (an edit elsewhere in the file
must not make an old finding new) and count repeats so that no two issues share one.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter

from govern_as_code.problems import Level, LintReport, Problem

# GitLab's severities: info, minor, major, critical, blocker. An error blocks the merge.
_SEVERITY = {Level.ERROR: "blocker", Level.WARNING: "minor", Level.OFF: "info"}


def _identity(problem: Problem) -> tuple[str, str, str, str]:
    return (problem.rule, problem.path, problem.subject, problem.message)


def _issue(problem: Problem, occurrence: int) -> dict[str, object]:
    identity = json.dumps([*_identity(problem), occurrence], ensure_ascii=True)
    description = f"{problem.message} (hint: {problem.hint})" if problem.hint else problem.message
    return {
        "type": "issue",
        "description": description,
        "check_name": problem.rule,
        "categories": ["Security"] if problem.level in (Level.ERROR, None) else ["Style"],
        "fingerprint": hashlib.sha256(identity.encode("ascii")).hexdigest(),
        "severity": _SEVERITY[problem.level or Level.ERROR],
        # GitLab needs a line; a finding about the whole file is shown on its first.
        "location": {"path": problem.path, "lines": {"begin": max(problem.line, 1)}},
    }


def render_codeclimate(report: LintReport) -> str:
    """A JSON array with one issue per problem, in location order."""
    seen: Counter[tuple[str, str, str, str]] = Counter()
    issues = []
    for problem in sorted(report.problems):
        seen[_identity(problem)] += 1
        issues.append(_issue(problem, seen[_identity(problem)]))
    return json.dumps(issues, indent=2, ensure_ascii=True) + "\n"


class CodeclimateReporter:
    """``--format codeclimate``: GitLab's merge-request Code Quality widget."""

    name = "codeclimate"

    def render(self, report: LintReport, *, color: bool = False) -> str:
        """Render ``report`` as a Code Quality JSON array; ``color`` is ignored."""
        return render_codeclimate(report)
