"""The safe loader: YAML or JSON bytes to plain data, with a position for every node.

PyYAML's loaders keep the last of two duplicate keys, expand aliases and apply YAML 1.1's
implicit types (`NO` is false, `1:30` is 90, a bare date becomes a date). Each of those lets a
document mean something other than what a reviewer read. So this module builds values from the
parser's events itself:

- duplicate keys, anchors, aliases, explicit tags and multiple documents are refused;
- plain scalars are resolved with the YAML 1.2 core schema only (null, true/false, ints and
  floats in their plain decimal forms); everything else stays the string that was written;
- every value's (line, column) is recorded under its path, so problems can point at it.

Most files hold none of what is refused or noted, and for them building from Python-level
events is most of a lint's time. So text that cannot hold an anchor, alias or tag is first
composed by libyaml and walked once (`yaml_builder.fast_documents`); at the first thing the
builder would refuse or note, the file goes to the builder, which decides every refusal. A
fast-path document works its positions out again only when a problem needs one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

# Re-exported: callers import the whole loader API from this module.
from govern_as_code.documents.loaded import LoadedData, LoadError, LoadIssue, PathKey, dig
from govern_as_code.documents.yaml_builder import (
    MAX_DEPTH,
    MAX_NODES,
    Alias,
    Builder,
    fast_documents,
    resolve_plain_scalar,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "Alias",
    "LoadError",
    "LoadIssue",
    "LoadedData",
    "ParsedFile",
    "PathKey",
    "decode",
    "dig",
    "load_text",
    "parse_bytes",
    "parse_text",
    "resolve_plain_scalar",
    "too_large_issue",
]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 1024 * 1024


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
    fast = fast_documents(text)
    if fast is not None:
        return ParsedFile(fast)
    builder = Builder()
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
