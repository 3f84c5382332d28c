"""Parse many files at once: in a process pool when there are enough of them to pay for it.

Starting workers and sending every parsed tree (with its positions) back through a pipe has a
fixed and a per-node cost, so the pool is used only on a cold run over many files and with
more than one core; otherwise the files are parsed in this process. Either way the result is
the same list, in the same order (tests/test_parse_many.py).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from govern_as_code.documents.loaded import LoadError, LoadIssue
from govern_as_code.documents.yaml_loader import ParsedFile, parse_bytes

# Below these, a pool's start-up (about 0.1 s a worker) costs more than it saves.
POOL_MIN_FILES = 2_000
POOL_MIN_BYTES = 2 * 1024 * 1024
# Files sent to a worker at a time: large enough that the pipe round trips do not dominate.
CHUNK_FILES = 256

ParseItem = tuple[bytes, bool]
ParseResult = ParsedFile | LoadIssue


def parse_one(raw: bytes, is_json: bool = False) -> ParseResult:
    """One file's bytes parsed, or the issue that stops it being loaded."""
    try:
        return parse_bytes(raw, is_json=is_json)
    except LoadError as e:
        return e.issue


def _parse_chunk(items: Sequence[ParseItem]) -> list[ParseResult]:
    return [parse_one(raw, is_json) for raw, is_json in items]


def pool_size(items: Sequence[ParseItem]) -> int:
    """How many worker processes parsing `items` deserves; 0 means parse in this process."""
    cores = os.cpu_count() or 1
    if cores < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    if len(items) < POOL_MIN_FILES and sum(len(raw) for raw, _ in items) < POOL_MIN_BYTES:
        return 0
    chunks = -(-len(items) // CHUNK_FILES)
    workers = min(cores, chunks)
    return workers if workers >= 2 else 0


def parse_many(items: Sequence[ParseItem], *, workers: int | None = None) -> list[ParseResult]:
    """Each (raw bytes, is_json) parsed as `parse_bytes` would, in order.

    A file that cannot be loaded gives its LoadIssue in its place (LoadError itself does not
    survive pickling). `workers` overrides the choice of `pool_size` (0: in this process).
    """
    count = pool_size(items) if workers is None else workers
    with _collector_paused():
        if count < 2 or len(items) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return _parse_chunk(items)
        chunks = [items[i : i + CHUNK_FILES] for i in range(0, len(items), CHUNK_FILES)]
        # fork: the workers inherit the loaded package instead of importing it again, and
        # this process has no threads of its own when it parses (the core is single-threaded).
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
            return [result for chunk in pool.map(_parse_chunk, chunks) for result in chunk]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while parsing.

    Parsing allocates many small containers, and each collection of the oldest generation
    walks every object alive, which includes any portfolio already loaded: a tenth to a fifth
    of parsing time on the medium preset, with the base portfolio alive. Parsed values hold no
    reference cycles, so nothing is kept longer; collection resumes afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
