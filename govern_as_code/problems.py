"""Problems are values: what a check found, where, and what to do about it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace


class Level(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding. Ordered by location so reports are stable.

    Rules yield problems with ``level=None``; the engine stamps the level from the policy.
    ``line`` and ``column`` are 1-based; 0 means "the whole file".
    """

    path: str
    line: int = 0
    column: int = 0
    rule: str = ""
    message: str = field(default="", compare=True)
    hint: str = field(default="", compare=False)
    subject: str = field(default="", compare=False)
    level: Level | None = field(default=None, compare=False)

    def with_level(self, level: Level) -> Problem:
        return replace(self, level=level)

    def to_dict(self) -> dict[str, object]:
        """The stable JSON shape of DESIGN §5."""
        return {
            "rule": self.rule,
            "level": str(self.level or Level.ERROR),
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "subject": self.subject,
            "hint": self.hint,
        }


@dataclass(frozen=True)
class Summary:
    errors: int
    warnings: int
    documents: int


def summarize(problems: list[Problem], documents: int) -> Summary:
    errors = sum(1 for p in problems if p.level in (Level.ERROR, None))
    warnings = sum(1 for p in problems if p.level == Level.WARNING)
    return Summary(errors=errors, warnings=warnings, documents=documents)


@dataclass(frozen=True)
class RuleInfo:
    """What a reporter needs to know about a rule: its id, one-line summary and full docs."""

    id: str
    summary: str
    description: str


@dataclass(frozen=True)
class GateResult:
    """The deploy gate's verdict for one deployment manifest."""

    deployment: str  # repo-relative path of the manifest
    environment: str
    subject: str  # "model@version"
    passed: bool
    reasons: tuple[str, ...] = ()
    # "role: reviewer, how it was verified" for each role the gate filled
    signoffs: tuple[str, ...] = ()


@dataclass(frozen=True)
class LintReport:
    """Everything a reporter renders. Problems carry their level already."""

    problems: tuple[Problem, ...]
    documents: int
    rules: tuple[RuleInfo, ...] = ()
    gates: tuple[GateResult, ...] = ()

    @property
    def summary(self) -> Summary:
        return summarize(list(self.problems), self.documents)
