"""The safe loader: YAML or JSON bytes to plain data, with a position for every node.

PyYAML's loaders keep the last of two duplicate keys, expand aliases and apply YAML 1.1's
implicit types (`NO` is false, `1:30` is 90, a bare date becomes a date). Each of those lets a
document mean something other than what a reviewer read. So this module builds values from the
parser's events itself:

- duplicate keys, anchors, aliases, explicit tags and multiple documents are refused;
- plain scalars are resolved with the YAML 1.2 core schema only (null, true/false, ints and
  floats in their plain decimal forms); everything else stays the string that was written;
- every value's (line, column) is recorded under its path, so problems can point at it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 100

PathKey = tuple[str | int, ...]

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_SPECIAL_FLOAT = {
    ".inf": float("inf"),
    "+.inf": float("inf"),
    "-.inf": float("-inf"),
    ".nan": float("nan"),
    ".Inf": float("inf"),
    "+.Inf": float("inf"),
    "-.Inf": float("-inf"),
    ".NaN": float("nan"),
    ".INF": float("inf"),
    "+.INF": float("inf"),
    "-.INF": float("-inf"),
    ".NAN": float("nan"),
}


@dataclass(frozen=True)
class LoadIssue:
    """Why a file could not be loaded. `rule` is the id reported to the user."""

    rule: str
    message: str
    line: int = 0
    column: int = 0
    hint: str = ""


@dataclass
class LoadedData:
    """The value of a file and where each of its nodes was written (1-based line, column)."""

    value: Any
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: PathKey) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that has one."""
        while path:
            found = self.positions.get(path)
            if found:
                return found
            path = path[:-1]
        return self.positions.get((), (1, 1))


class LoadError(Exception):
    def __init__(self, issue: LoadIssue) -> None:
        super().__init__(issue.message)
        self.issue = issue


def resolve_plain_scalar(text: str) -> Any:
    """YAML 1.2 core schema for plain (unquoted) scalars; anything else is kept as written."""
    if _NULL.match(text):
        return None
    if _TRUE.match(text):
        return True
    if _FALSE.match(text):
        return False
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text) and any(c.isdigit() for c in text):
        return float(text)
    if text in _SPECIAL_FLOAT:
        return _SPECIAL_FLOAT[text]
    return text


def decode(raw: bytes) -> str:
    """Bytes to text, refusing what YAML tools disagree about: BOMs, NULs, non-UTF-8."""
    if raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        raise LoadError(
            LoadIssue(
                "encoding",
                "the file starts with a byte-order mark",
                1,
                1,
                "save it as UTF-8 without a BOM",
            )
        )
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise LoadError(
            LoadIssue(
                "encoding",
                "the file contains NUL bytes: it is binary, not YAML or JSON",
                line,
                1,
                "remove it, or exclude it in .gacignore",
            )
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        column = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise LoadError(
            LoadIssue(
                "encoding",
                f"the file is not valid UTF-8 (byte 0x{raw[e.start]:02x})",
                line,
                column,
                "save the file as UTF-8",
            )
        ) from None


def _tab_issue(text: str, number: int) -> LoadIssue | None:
    """The clearer message for a syntax error at line `number` when that line is tab-indented.

    Only consulted after the parser failed: a tab inside a block or quoted scalar is content.
    """
    lines = text.splitlines()
    line = lines[number - 1] if 0 < number <= len(lines) else ""
    indent = len(line) - len(line.lstrip(" \t"))
    if "\t" not in line[:indent]:
        return None
    return LoadIssue(
        "parse",
        "a tab is used for indentation; YAML allows only spaces",
        number,
        line.index("\t") + 1,
        "indent with spaces",
    )


@dataclass
class ParsedFile:
    """Every YAML document of a file, and the first construct that a governance file refuses.

    Whether that construct matters depends on what the file turns out to be: a governance
    document or deployment manifest must not contain it; an unrelated YAML file may.
    """

    documents: list[LoadedData]
    strict_issue: LoadIssue | None = None

    def single(self) -> LoadedData:
        """The one document of a governance file; raises LoadError for anything else."""
        if self.strict_issue:
            raise LoadError(self.strict_issue)
        if len(self.documents) > 1:
            line, column = self.documents[1].positions.get((), (1, 1))
            raise LoadError(
                LoadIssue(
                    "multi-document",
                    "the file holds more than one YAML document",
                    line,
                    column,
                    "put each document in its own file",
                )
            )
        return self.documents[0]


def parse_text(text: str, *, is_json: bool = False) -> ParsedFile:
    """Parse YAML (or JSON) text into plain data with positions. Syntax errors raise LoadError."""
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise LoadError(
            LoadIssue("empty-file", "the file is empty", 1, 1, "delete it, or give it content")
        )
    builder = _Builder()
    try:
        builder.run(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        tab = None if is_json else _tab_issue(text, line)
        if tab is not None:
            raise LoadError(tab) from None
        problem = e.problem or str(e)
        if e.context and e.context_mark and e.context_mark is not mark:
            # "found unexpected end of stream" says little without where the quote opened.
            problem = (
                f"{e.context} (line {e.context_mark.line + 1},"
                f" column {e.context_mark.column + 1}): {problem}"
            )
        raise LoadError(
            LoadIssue(
                "parse",
                f"{'invalid JSON' if is_json else 'invalid YAML'}: {problem}",
                line,
                column,
                "fix the syntax at this position",
            )
        ) from None
    except yaml.YAMLError as e:
        raise LoadError(LoadIssue("parse", f"invalid YAML: {e}", 1, 1)) from None
    if not builder.documents:
        raise LoadError(
            LoadIssue("empty-file", "the file is empty", 1, 1, "delete it, or give it content")
        )
    return ParsedFile(builder.documents, builder.strict_issue)


def load_text(text: str, *, is_json: bool = False) -> LoadedData:
    """Parse text that must hold exactly one strict governance document."""
    return parse_text(text, is_json=is_json).single()


def parse_bytes(raw: bytes, *, is_json: bool = False) -> ParsedFile:
    """Decode, size-check and parse one file's bytes."""
    if len(raw) > MAX_FILE_BYTES:
        raise LoadError(too_large_issue(len(raw)))
    return parse_text(decode(raw), is_json=is_json)


def too_large_issue(size: int) -> LoadIssue:
    return LoadIssue(
        "file-too-large",
        f"the file is {size:,} bytes; governance documents are limited to {MAX_FILE_BYTES:,}",
        0,
        0,
        "split it, or exclude it in .gacignore if it is not a governance document",
    )


class Alias:
    """Stands in for an alias, which is never expanded (no billion laughs)."""

    def __repr__(self) -> str:
        return "<alias>"


class _Builder:
    """Turns a parser event stream into values, noting what a reviewer could misread."""

    def __init__(self) -> None:
        self.documents: list[LoadedData] = []
        self.strict_issue: LoadIssue | None = None
        self._positions: dict[PathKey, tuple[int, int]] = {}
        self._nodes = 0

    def run(self, events: Iterator[Any]) -> None:
        stream = iter(events)
        for event in stream:
            if isinstance(event, yaml.DocumentStartEvent):
                self._positions = {}
            elif isinstance(event, yaml.NodeEvent):
                value = self._node(event, stream, ())
                self.documents.append(LoadedData(value, self._positions))

    def _strict(self, issue: LoadIssue) -> None:
        if self.strict_issue is None:
            self.strict_issue = issue

    def _node(self, event: Any, stream: Iterator[Any], path: PathKey) -> Any:
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise LoadError(
                LoadIssue("file-too-large", "the document has too many nodes", *_pos(event))
            )
        if len(path) > MAX_DEPTH:
            raise LoadError(
                LoadIssue(
                    "parse",
                    f"the document nests deeper than {MAX_DEPTH} levels",
                    *_pos(event),
                    "flatten the structure",
                )
            )
        position = _pos(event)
        self._positions[path] = position
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            self._strict(
                LoadIssue(
                    "yaml-anchor",
                    "anchors and aliases are not allowed in governance documents",
                    *position,
                    "write the value out in full, so a reviewer sees what it says",
                )
            )
            if isinstance(event, yaml.AliasEvent):
                return Alias()
        tag = getattr(event, "tag", None)
        if tag and tag not in _PLAIN_TAGS:
            self._strict(
                LoadIssue(
                    "parse",
                    f"explicit YAML tags such as {tag!r} are not allowed",
                    *position,
                    "remove the tag",
                )
            )
        if isinstance(event, yaml.ScalarEvent):
            if event.style or not event.implicit[0]:
                return event.value
            return resolve_plain_scalar(event.value)
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Any] = []
            for child in stream:
                if isinstance(child, yaml.SequenceEndEvent):
                    return items
                items.append(self._node(child, stream, (*path, len(items))))
        if isinstance(event, yaml.MappingStartEvent):
            return self._mapping(stream, path)
        raise LoadError(LoadIssue("parse", "unexpected YAML structure", *position))

    def _mapping(self, stream: Iterator[Any], path: PathKey) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        key_positions: dict[str, tuple[int, int]] = {}
        for key_event in stream:
            if isinstance(key_event, yaml.MappingEndEvent):
                return mapping
            key = self._key(key_event)
            where = _pos(key_event)
            if key in key_positions:
                # Always an error: a duplicate can smuggle a second meaning into any file.
                raise LoadError(
                    LoadIssue(
                        "duplicate-key",
                        f"duplicate key {key!r}: first at line {key_positions[key][0]},"
                        f" again at line {where[0]}",
                        *where,
                        "remove one of them; YAML tools disagree on which one wins",
                    )
                )
            key_positions[key] = where
            mapping[key] = self._node(next(stream), stream, (*path, key))
            self._positions[(*path, key)] = where
        return mapping

    def _key(self, event: Any) -> str:
        if not isinstance(event, yaml.ScalarEvent):
            raise LoadError(
                LoadIssue(
                    "parse",
                    "mapping keys must be plain strings",
                    *_pos(event),
                    "use a string key",
                )
            )
        if getattr(event, "anchor", None):
            self._strict(
                LoadIssue(
                    "yaml-anchor",
                    "anchors and aliases are not allowed in governance documents",
                    *_pos(event),
                )
            )
        if event.value == "<<" and not event.style:
            self._strict(
                LoadIssue(
                    "yaml-anchor",
                    "merge keys ('<<') are not allowed in governance documents",
                    *_pos(event),
                    "write the keys out in full",
                )
            )
        return str(event.value)


_PLAIN_TAGS = ("!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _pos(event: Any) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)
