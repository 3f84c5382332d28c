"""Reporters turn a LintReport into text for people, machines and CI systems.

``REPORTER_BY_NAME`` is the one list of formats: ``--format`` takes its choices from it.
"""

from __future__ import annotations

from typing import Protocol

from govern_as_code.errors import UsageError
from govern_as_code.problems import LintReport
from govern_as_code.reporters.codeclimate import CodeclimateReporter
from govern_as_code.reporters.github import GithubReporter
from govern_as_code.reporters.json_reporter import JsonReporter
from govern_as_code.reporters.junit import JunitReporter
from govern_as_code.reporters.sarif import SarifReporter
from govern_as_code.reporters.text import TextReporter


class Reporter(Protocol):
    """One output format. ``render`` returns the whole output, ending in a newline."""

    name: str

    def render(self, report: LintReport, *, color: bool = False) -> str:
        """Render ``report``; ``color`` asks for ANSI colours where the format has them."""
        ...


REPORTER_BY_NAME: dict[str, Reporter] = {
    "text": TextReporter(),
    "json": JsonReporter(),
    "sarif": SarifReporter(),
    "junit": JunitReporter(),
    "github": GithubReporter(),
    "codeclimate": CodeclimateReporter(),
}


def get_reporter(name: str) -> Reporter:
    """The reporter called ``name``, or a UsageError that lists the valid names."""
    try:
        return REPORTER_BY_NAME[name]
    except KeyError as e:
        choices = ", ".join(REPORTER_BY_NAME)
        raise UsageError(f"unknown report format {name!r}", fix=f"use one of: {choices}") from e


__all__ = ["REPORTER_BY_NAME", "Reporter", "get_reporter"]
