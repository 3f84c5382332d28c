"""GitHub Actions workflow commands: an annotation per problem, then the text report.

GitHub shows only the first ten annotations of each kind per step, so the full text report
follows them in the log.
"""

from __future__ import annotations

import hashlib

from govern_as_code.problems import Level, LintReport, Problem
from govern_as_code.reporters.text import render_text

_COMMAND = {Level.ERROR: "error", Level.WARNING: "warning", Level.OFF: "notice"}


def escape_data(text: str) -> str:
    """Escape a workflow command's message the way @actions/core does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value the way @actions/core does."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(problem: Problem) -> str:
    """``::error file=PATH,line=L,col=C,title=RULE::MESSAGE`` for one problem."""
    properties = [f"file={escape_property(problem.path)}"]
    if problem.line > 0:
        properties.append(f"line={problem.line}")
        if problem.column > 0:
            properties.append(f"col={problem.column}")
    properties.append(f"title={escape_property(problem.rule)}")
    message = f"{problem.message}\nhint: {problem.hint}" if problem.hint else problem.message
    command = _COMMAND[problem.level or Level.ERROR]
    return f"::{command} {','.join(properties)}::{escape_data(message)}"


def render_github(report: LintReport) -> str:
    """Annotations, a blank line, then the uncoloured text report."""
    text = render_text(report, color=False)
    # The runner looks for commands on every log line, even indented ones, and messages quote
    # document content. Pausing command processing keeps a crafted message in the text report
    # from acting as a command; the token derives from the content so it cannot be guessed.
    token = "gac-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    guarded = f"::stop-commands::{token}\n{text}::{token}::\n"
    annotations = [annotation(problem) for problem in sorted(report.problems)]
    return "\n".join([*annotations, "", guarded]) if annotations else guarded


class GithubReporter:
    """``--format github``: annotations on the pull request's changed files."""

    name = "github"

    def render(self, report: LintReport, *, color: bool = False) -> str:
        """Render ``report`` as workflow commands plus text; ``color`` is ignored."""
        return render_github(report)
