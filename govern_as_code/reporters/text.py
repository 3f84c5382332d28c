"""The human format: one line per problem, gate verdicts, and a one-line summary.

Plain output (files, pipes, CI logs) repeats the path on every line so editors can jump to it.
Coloured output is meant for a terminal and groups problems under a header line per file.
"""

from __future__ import annotations

import re
from itertools import groupby

from govern_as_code.problems import GateResult, Level, LintReport, Problem

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_RED = "\x1b[31m"
_GREEN = "\x1b[32m"
_YELLOW = "\x1b[33m"

_LEVEL_NAME = {Level.ERROR: "error", Level.WARNING: "warning", Level.OFF: "note"}
_LEVEL_COLOUR = {Level.ERROR: _RED, Level.WARNING: _YELLOW, Level.OFF: ""}

# Messages quote document content. Control characters in it could move the cursor or recolour a
# terminal, so they are shown as escapes; newlines and tabs stay because messages may span lines.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_INDENT = "    "


def _visible(text: str) -> str:
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode(), text)


def _paint(text: str, colour: str, color: bool) -> str:
    return f"{colour}{text}{_RESET}" if color and colour else text


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _position(problem: Problem) -> str:
    if problem.line <= 0:
        return ""
    if problem.column <= 0:
        return str(problem.line)
    return f"{problem.line}:{problem.column}"


def _problem_lines(problem: Problem, prefix: str, indent: str, color: bool) -> list[str]:
    level = problem.level or Level.ERROR
    level_text = _paint(_LEVEL_NAME[level], _LEVEL_COLOUR[level], color)
    first, *rest = _visible(problem.message).split("\n")
    lines = [f"{prefix}{level_text} {problem.rule}: {first}"]
    lines.extend(f"{indent}{line}" for line in rest)
    if problem.hint:
        hint_first, *hint_rest = _visible(problem.hint).split("\n")
        lines.append(f"{indent}hint: {hint_first}")
        lines.extend(f"{indent}      {line}" for line in hint_rest)
    return lines


def _gate_lines(gate: GateResult, color: bool) -> list[str]:
    verdict = _paint("passed", _GREEN, color) if gate.passed else _paint("blocked", _RED, color)
    target = _visible(f"{gate.deployment} {gate.subject} -> {gate.environment}")
    lines = [f"gate: {target}: {verdict}"]
    for reason in gate.reasons:
        first, *rest = _visible(reason).split("\n")
        lines.append(f"{_INDENT}- {first}")
        lines.extend(f"{_INDENT}  {line}" for line in rest)
    lines.extend(f"{_INDENT}+ {_visible(signoff)}" for signoff in gate.signoffs)
    return lines


def summary_line(report: LintReport, color: bool = False) -> str:
    """The last line of the text report: "2 errors, 1 warning in 9 documents; gate: ..."."""
    summary = report.summary
    documents = _plural(summary.documents, "document")
    if summary.errors or summary.warnings:
        counts = f"{_plural(summary.errors, 'error')}, {_plural(summary.warnings, 'warning')}"
        colour = _RED if summary.errors else _YELLOW
    else:
        counts, colour = "no problems", _GREEN
    line = f"{counts} in {documents}"
    if report.gates:
        blocked = sum(1 for gate in report.gates if not gate.passed)
        line += f"; gate: {len(report.gates) - blocked} passed, {blocked} blocked"
        colour = _RED if blocked else colour
    return _paint(line, colour, color)


def render_text(report: LintReport, *, color: bool = False) -> str:
    """Render the report for people; ``color`` also switches on grouping by file."""
    problems = sorted(report.problems)
    lines: list[str] = []
    if color:
        for path, group in groupby(problems, key=lambda problem: problem.path):
            lines.append(_paint(_visible(path), _BOLD, color))
            for problem in group:
                position = _position(problem)
                prefix = f"  {position}: " if position else "  "
                lines.extend(_problem_lines(problem, prefix, "  " + _INDENT, color))
            lines.append("")
    else:
        for problem in problems:
            position = _position(problem)
            prefix = f"{problem.path}:{position}: " if position else f"{problem.path}: "
            lines.extend(_problem_lines(problem, _visible(prefix), _INDENT, color))
        if problems:
            lines.append("")
    for gate in report.gates:
        lines.extend(_gate_lines(gate, color))
    if report.gates:
        lines.append("")
    lines.append(summary_line(report, color))
    return "\n".join(lines) + "\n"


class TextReporter:
    """``--format text``: the default, for terminals and logs."""

    name = "text"

    def render(self, report: LintReport, *, color: bool = False) -> str:
        """Render ``report`` as text; see :func:`render_text`."""
        return render_text(report, color=color)
