"""parse_many: the same results, in the same order, whether a process pool parses or not."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from govern_as_code.documents import parse_many as module
from govern_as_code.documents.parse_many import (
    CHUNK_FILES,
    POOL_MIN_FILES,
    parse_many,
    parse_one,
    pool_size,
)
from govern_as_code.documents.yaml_loader import MAX_FILE_BYTES, LoadIssue, ParsedFile

SAMPLES: list[tuple[bytes, bool]] = [
    (b"apiVersion: govern-as-code/v1\nkind: Person\nmetadata:\n  id: ada\n", False),
    (b"a: &x [1, 2]\nb: *x\n", False),  # the builder's path, with a strict issue
    (b"a: !!int 3\n", False),
    (b"a: 1\na: 2\n", False),  # refused: duplicate key
    (b"first: 1\n---\nsecond: 2\n", False),
    (b'{"json": [1, 2.5, true, null]}', True),
    (b'{"json": [1, 2.5,', True),  # refused: invalid JSON
    (b"\xff\xfe", False),  # refused: a byte-order mark
    (b"# only a comment\n", False),
    (b"x" * (MAX_FILE_BYTES + 1), False),  # refused before decoding
    (b"v: 1.10\nw: NO\n", False),
]


def summary(result: ParsedFile | LoadIssue) -> Any:
    """What a caller can observe of a result, positions included (aliases compare by repr)."""
    if isinstance(result, LoadIssue):
        return result
    return (
        result.strict_issue,
        [(repr(d.value), d.positions, d.written, d.tags) for d in result.documents],
    )


def test_a_pool_gives_what_parsing_here_gives_in_the_same_order() -> None:
    items = SAMPLES * (CHUNK_FILES // len(SAMPLES) + 3)  # more than one chunk
    serial = parse_many(items, workers=0)
    pooled = parse_many(items, workers=2)
    assert len(serial) == len(pooled) == len(items)
    assert [summary(r) for r in pooled] == [summary(r) for r in serial]
    assert [summary(r) for r in serial] == [summary(parse_one(raw, j)) for raw, j in items]


def test_a_file_that_cannot_be_loaded_gives_its_issue_in_its_place() -> None:
    results = parse_many(SAMPLES, workers=0)
    rules = [r.rule if isinstance(r, LoadIssue) else None for r in results]
    assert rules == [
        None,
        None,
        None,
        "duplicate-key",
        None,
        None,
        "parse",
        "encoding",
        "empty-file",
        "file-too-large",
        None,
    ]
    anchored = results[1]
    assert isinstance(anchored, ParsedFile) and anchored.strict_issue is not None
    assert anchored.strict_issue.rule == "yaml-anchor"


def test_few_files_or_one_core_parse_here(monkeypatch: pytest.MonkeyPatch) -> None:
    many = [(b"a: 1\n", False)] * POOL_MIN_FILES
    monkeypatch.setattr(module.os, "cpu_count", lambda: 2)
    assert pool_size(many[:10]) == 0
    assert pool_size(many) == 2
    assert pool_size([(b"a: " + b"x" * 1_000_000 + b"\n", False)] * 3) == 0  # one chunk
    monkeypatch.setattr(module.os, "cpu_count", lambda: 1)
    assert pool_size(many) == 0


def test_below_the_threshold_no_pool_is_started(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool was started for a handful of files")

    monkeypatch.setattr(module, "ProcessPoolExecutor", no_pool)
    assert len(parse_many(SAMPLES)) == len(SAMPLES)


def test_garbage_collection_resumes_after_parsing_even_when_a_file_fails() -> None:
    assert gc.isenabled()
    parse_many(SAMPLES, workers=0)
    assert gc.isenabled()
    gc.disable()
    try:
        parse_many(SAMPLES, workers=0)
        assert not gc.isenabled(), "a caller's choice to disable collection is kept"
    finally:
        gc.enable()
