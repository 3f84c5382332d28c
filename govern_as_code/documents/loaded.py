"""What the safe loader produces: values with positions, and why a file could not be loaded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from govern_as_code.problems import Problem

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class LoadIssue:
    """Why a file could not be loaded. `rule` is the id reported to the user."""

    rule: str
    message: str
    line: int = 0
    column: int = 0
    hint: str = ""

    def to_problem(self, path: str) -> Problem:
        """The issue as a finding about the file at `path`: the one conversion, used everywhere."""
        return Problem(path, self.line, self.column, self.rule, self.message, self.hint)


class LoadedData:
    """The value of a file and where each of its nodes was written (1-based line, column).

    `written` keeps the text of every plain scalar that YAML turned into something else (a
    number, a boolean, null), so messages echo `1.10` rather than `1.1`. `tags` records the
    explicit tags, which hide what a value is from a reader that does not resolve them.

    Positions and written texts are needed only for the few documents that have a problem,
    yet they are most of a parsed file's size. A subclass may leave them out (None) and work
    them out again from the source when first asked, by overriding `_locate`.
    """

    def __init__(
        self,
        value: Any,
        positions: dict[PathKey, tuple[int, int]] | None = None,
        written: dict[PathKey, str] | None = None,
        tags: dict[PathKey, str] | None = None,
    ) -> None:
        self.value = value
        self._positions = positions
        self._written = written
        self.tags: dict[PathKey, str] = {} if tags is None else tags

    def _locate(self) -> tuple[dict[PathKey, tuple[int, int]], dict[PathKey, str]]:
        return {}, {}

    def _details(self) -> tuple[dict[PathKey, tuple[int, int]], dict[PathKey, str]]:
        if self._positions is None or self._written is None:
            self._positions, self._written = self._locate()
        return self._positions, self._written

    @property
    def positions(self) -> dict[PathKey, tuple[int, int]]:
        return self._details()[0]

    @property
    def written(self) -> dict[PathKey, str]:
        return self._details()[1]

    def position(self, path: PathKey) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that has one."""
        positions = self.positions
        while path:
            found = positions.get(path)
            if found:
                return found
            path = path[:-1]
        return positions.get((), (1, 1))

    def as_written(self, path: PathKey) -> str | None:
        """The source text of the plain scalar at `path` when YAML resolved it to a non-string."""
        return self.written.get(path)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LoadedData):
            return NotImplemented
        return (self.value, self.positions, self.written, self.tags) == (
            other.value,
            other.positions,
            other.written,
            other.tags,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by content

    def __repr__(self) -> str:
        return f"LoadedData({self.value!r})"


def dig(value: Any, path: Sequence[str | int]) -> Any:
    """The value at a path of keys (and list indexes), or None where the path does not exist."""
    for key in path:
        if isinstance(value, dict) and isinstance(key, str):
            value = value.get(key)
        elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
            value = value[key]
        else:
            return None
    return value


class LoadError(Exception):
    def __init__(self, issue: LoadIssue) -> None:
        super().__init__(issue.message)
        self.issue = issue
