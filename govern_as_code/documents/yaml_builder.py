"""Values from YAML parser events, built by hand so nothing is resolved behind a reader's back.

See `yaml_loader` for why: duplicate keys stop the build; anchors, aliases, merge keys and
explicit tags are noted as the first strict issue; plain scalars follow the YAML 1.2 core
schema only, and the text of one that becomes a number or boolean is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from govern_as_code.documents.loaded import LoadedData, LoadError, LoadIssue, PathKey

MAX_NODES = 200_000
MAX_DEPTH = 100

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


def resolve_plain_scalar(text: str) -> Any:
    """YAML 1.2 core schema for plain (unquoted) scalars; anything else is kept as written."""
    # Dispatch on the first character: each pattern can only match text starting with one of
    # a few, and most plain scalars are words that none of them can match.
    first = text[:1]
    if first in _NULL_STARTS or text == "\n":  # `$` also matches before a final newline
        return None if _NULL.match(text) else text
    if first in "tT":
        return True if _TRUE.match(text) else text
    if first in "fF":
        return False if _FALSE.match(text) else text
    if first not in _NUMBER_STARTS:
        return text
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text) and any(c.isdigit() for c in text):
        return float(text)
    return _SPECIAL_FLOAT.get(text, text)


_NULL_STARTS = frozenset(("", "~", "n", "N"))
_NUMBER_STARTS = frozenset("+-.0123456789")


class Alias:
    """Stands in for an alias, which is never expanded (no billion laughs).

    It refers to the anchored value without copying it, so the loader can still see what a
    merge key (`<<: *base`) would bring in, e.g. an `apiVersion` hidden there.
    """

    def __init__(self, target: Any = None) -> None:
        self.target = target

    def __repr__(self) -> str:
        return "<alias>"


class Builder:
    """Turns a parser event stream into values, noting what a reviewer could misread."""

    def __init__(self) -> None:
        self.documents: list[LoadedData] = []
        self.strict_issue: LoadIssue | None = None
        self._positions: dict[PathKey, tuple[int, int]] = {}
        self._written: dict[PathKey, str] = {}
        self._tags: dict[PathKey, str] = {}
        self._anchors: dict[str, Any] = {}
        self._nodes = 0

    def run(self, events: Iterator[Any]) -> None:
        stream = iter(events)
        for event in stream:
            if isinstance(event, yaml.DocumentStartEvent):
                self._positions, self._written, self._tags, self._anchors = {}, {}, {}, {}
            elif isinstance(event, yaml.NodeEvent):
                value = self._node(event, stream, ())
                self.documents.append(LoadedData(value, self._positions, self._written, self._tags))

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
                return Alias(self._anchors.get(event.anchor or ""))
        tag = getattr(event, "tag", None)
        if tag and tag not in _PLAIN_TAGS:
            self._tags[path] = tag
            self._strict(
                LoadIssue(
                    "parse",
                    f"explicit YAML tags such as {tag!r} are not allowed",
                    *position,
                    "remove the tag",
                )
            )
        value = self._value(event, stream, path)
        anchor = getattr(event, "anchor", None)
        if anchor:
            self._anchors[anchor] = value
        return value

    def _value(self, event: Any, stream: Iterator[Any], path: PathKey) -> Any:
        position = _pos(event)
        if isinstance(event, yaml.ScalarEvent):
            if event.style or not event.implicit[0]:
                return event.value
            resolved = resolve_plain_scalar(event.value)
            if not isinstance(resolved, str):
                self._written[path] = event.value
            return resolved
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
        if event.tag and event.tag not in _PLAIN_TAGS:
            self._strict(
                LoadIssue(
                    "parse",
                    f"explicit YAML tags such as {event.tag!r} are not allowed",
                    *_pos(event),
                    "remove the tag",
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


# The fast path. Composing nodes in C and walking them once costs about half of building
# values from Python-level events (benchmarks/loader_bench.py). It is taken only for text
# that cannot hold what the event builder notes: without '&' there is no anchor, so any
# alias is undefined, which composing refuses; without '!' there is no tag (not even the
# non-specific `!`, which keeps a plain scalar a string and leaves no trace on its node).
# Everything else the walk meets that the builder would refuse or note (a duplicate or
# non-scalar key, a merge key, too many nodes, too deep, a syntax error) sends the file back
# to the event builder, so every refusal keeps its message and position, and the problem that
# wins is the builder's (it stops at the first problem in stream order, where composing reads
# the whole document first).
FAST_PATH_BYTES = 256 * 1024
_FAST_PATH_EXCLUDES = ("&", "!")


class _Fallback(Exception):
    """The fast path met something only the event builder may decide about."""


_CParser: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None) or object


class _Composer(_CParser):
    """libyaml's parser and composer, with every node left untagged: resolution is ours."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return ""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


class _ComposedData(LoadedData):
    """A document from the fast path: positions are worked out again from the text on demand.

    Keeping the text (a few hundred bytes) instead of a position per node keeps a portfolio's
    parsed documents small, and what a process pool sends back through its pipe short.
    """

    def __init__(self, value: Any, text: str, index: int) -> None:
        super().__init__(value)
        self._text = text
        self._index = index

    def _locate(self) -> tuple[dict[PathKey, tuple[int, int]], dict[PathKey, str]]:
        located = _compose(self._text, locate=True)
        if located is None or len(located) <= self._index:
            # The same text took the fast path once; it cannot fail to now.
            raise RuntimeError("a document's positions could not be worked out again")
        found = located[self._index]
        return found.positions, found.written


def fast_documents(text: str) -> list[LoadedData] | None:
    """The documents of `text` built from C-composed nodes, or None for the event builder."""
    if (
        _CParser is object
        or len(text) > FAST_PATH_BYTES
        or any(c in text for c in _FAST_PATH_EXCLUDES)
    ):
        return None
    composed = _compose(text, locate=False)
    if composed is None:
        return None
    return [_ComposedData(d.value, text, index) for index, d in enumerate(composed)]


def _compose(text: str, *, locate: bool) -> list[LoadedData] | None:
    parser = _Composer(text)
    documents: list[LoadedData] = []
    try:
        budget = [MAX_NODES]
        while parser.check_node():
            root = parser.get_node()
            if locate:
                mark = root.start_mark
                positions: dict[PathKey, tuple[int, int]] | None = {
                    (): (mark.line + 1, mark.column + 1)
                }
                written: dict[PathKey, str] | None = {}
            else:
                positions = written = None
            value = _walk(root, (), 0, positions, written, budget)
            documents.append(LoadedData(value, positions, written))
    except (_Fallback, yaml.YAMLError):
        return None
    finally:
        parser.dispose()
    return documents or None


def _walk(
    node: Any,
    path: PathKey,
    depth: int,
    positions: dict[PathKey, tuple[int, int]] | None,
    written: dict[PathKey, str] | None,
    budget: list[int],
) -> Any:
    """The value of `node`; with tables, the positions and written texts of its descendants.

    The builder's rules, in its order: a node is counted before its children, and an entry
    is recorded at its key's position (a list item at its own) before its value is walked.
    Without tables, paths are not built at all (`path` stays empty).
    """
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        raise _Fallback
    kind = node.__class__
    if kind is yaml.ScalarNode:
        text = node.value
        if node.style:
            return text
        resolved = resolve_plain_scalar(text)
        if written is not None and resolved.__class__ is not str:
            written[path] = text
        return resolved
    if kind is yaml.MappingNode:
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode:
                raise _Fallback
            key = key_node.value
            if key in mapping or (key == "<<" and not key_node.style):
                raise _Fallback
            child = path
            if positions is not None:
                child = (*path, key)
                mark = key_node.start_mark
                positions[child] = (mark.line + 1, mark.column + 1)
            mapping[key] = _walk(value_node, child, depth + 1, positions, written, budget)
        return mapping
    if kind is yaml.SequenceNode:
        items: list[Any] = []
        for index, item in enumerate(node.value):
            child = path
            if positions is not None:
                child = (*path, index)
                mark = item.start_mark
                positions[child] = (mark.line + 1, mark.column + 1)
            items.append(_walk(item, child, depth + 1, positions, written, budget))
        return items
    raise _Fallback
