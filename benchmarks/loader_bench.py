"""Ways to load governance YAML safely, timed as ratios to the C floor in one run.

    python benchmarks/loader_bench.py [--preset small|medium|large] [--repo EXISTING] [--repeat 3]

Every candidate loads the same files, already in memory as text, so only parsing is timed.
The floor is `yaml.load` with the C SafeLoader, which refuses nothing and records no position.
Each candidate runs `--repeat` times and its best time is kept. Ratios use CPU time, which a
shared machine disturbs less than wall time; for the pool, CPU time includes the workers', so
compare its wall time with the serial one to see whether it pays. Every
candidate keeps what it built until it is done, as a lint does: the cyclic garbage collector's
passes over live objects are part of the cost.

- events, consumed: iterate the C parser's events and drop them, the least any builder from
  events can cost;
- (a) event builder: values, positions and refusals built from those events in Python;
- (b) C compose + walk: libyaml composes the nodes, one Python walk builds the values (the
  loader's fast path, which works positions out again only for a document that has a
  problem); "compose only" is its C part alone; "all positions" records every position
  up front, as the event builder does;
- (c) C loader, checking constructor: the C SafeLoader with a constructor that refuses
  duplicate keys and resolves YAML 1.2 scalars; it cannot know paths, so it records none;
- parse_bytes: the loader's whole API (decoding, checks, fast path or builder);
- parse_many, serial and pool: the same over the list, in this process or in a process pool.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402
from run import governance_files  # noqa: E402

from govern_as_code.documents import yaml_builder  # noqa: E402
from govern_as_code.documents.parse_many import parse_many  # noqa: E402
from govern_as_code.documents.yaml_builder import (  # noqa: E402
    Builder,
    fast_documents,
    resolve_plain_scalar,
)
from govern_as_code.documents.yaml_loader import parse_bytes  # noqa: E402

# Ten times the small preset: big enough for a pool to have something to do.
MEDIUM = synth.Preset(20, 1_000, 1_500, 5_000, 60, 2_000, 200)
PRESETS = {**synth.PRESETS, "medium": MEDIUM}

_C_LOADER: Any = yaml.CSafeLoader


def floor(texts: list[str]) -> list[Any]:
    return [yaml.load(text, Loader=_C_LOADER) for text in texts]


def events_consumed(texts: list[str]) -> None:  # nothing is built, so nothing is kept
    for text in texts:
        deque(yaml.parse(text, Loader=_C_LOADER), maxlen=0)


def event_builder(texts: list[str]) -> list[Any]:
    kept = []
    for text in texts:
        builder = Builder()
        builder.run(yaml.parse(text, Loader=_C_LOADER))
        kept.append(builder.documents)
    return kept


def compose_walk(texts: list[str]) -> list[Any]:
    kept = [fast_documents(text) for text in texts]
    if None in kept:
        raise SystemExit("a synthetic file left the fast path")
    return kept


def compose_only(texts: list[str]) -> None:  # the walk drops each tree, so this does too
    for text in texts:
        parser = yaml_builder._Composer(text)
        while parser.check_node():
            parser.get_node()
        parser.dispose()


def compose_walk_positions(texts: list[str]) -> list[Any]:
    return [yaml_builder._compose(text, locate=True) for text in texts]


class _CheckingLoader(_C_LOADER):
    """The C SafeLoader refusing duplicate keys, resolving plain scalars by YAML 1.2 only."""

    def construct_yaml_map(self, node: Any) -> Any:
        data: dict[Any, Any] = {}
        yield data
        for key_node, value_node in node.value:
            key = key_node.value
            if key in data:
                raise ValueError("duplicate key")
            data[key] = self.construct_object(value_node, deep=True)

    def construct_plain(self, node: Any) -> Any:
        return node.value if node.style else resolve_plain_scalar(node.value)


_CheckingLoader.add_constructor("tag:yaml.org,2002:map", _CheckingLoader.construct_yaml_map)
for _tag in ("str", "int", "float", "bool", "null", "timestamp"):
    _CheckingLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _CheckingLoader.construct_plain)


def checking_constructor(texts: list[str]) -> list[Any]:
    return [yaml.load(text, Loader=_CheckingLoader) for text in texts]


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, float]:
    """The best wall time and the best CPU time (this process and its reaped children)."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), _cpu()
        kept = run()
        walls.append(time.perf_counter() - wall)
        cpus.append(_cpu() - cpu)
        del kept
    return min(walls), min(cpus)


def measure(root: Path, repeat: int) -> list[tuple[str, float, float]]:
    paths = governance_files(root)
    raws = [(root / p).read_bytes() for p in paths]
    texts = [raw.decode("utf-8") for raw in raws]
    items = [(raw, False) for raw in raws]
    print(f"{len(paths)} files, {sum(map(len, raws)) / 1e6:.1f} MB, {os.cpu_count()} cores")
    serial = parse_many(items, workers=0)
    if parse_many(items, workers=2) != serial:
        raise SystemExit("the pool's results differ from the serial ones")
    candidates: list[tuple[str, Callable[[], object]]] = [
        ("floor: yaml.load, CSafeLoader", lambda: floor(texts)),
        ("events, consumed", lambda: events_consumed(texts)),
        ("(a) event builder", lambda: event_builder(texts)),
        ("(b) C compose only", lambda: compose_only(texts)),
        ("(b) C compose + walk", lambda: compose_walk(texts)),
        ("(b) C compose + walk, all positions", lambda: compose_walk_positions(texts)),
        ("(c) C loader, checking constructor", lambda: checking_constructor(texts)),
        ("parse_bytes (the loader)", lambda: [parse_bytes(raw) for raw in raws]),
        ("parse_many, serial", lambda: parse_many(items, workers=0)),
        ("parse_many, pool of 2", lambda: parse_many(items, workers=2)),
    ]
    return [(name, *best_of(repeat, run)) for name, run in candidates]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="small")
    parser.add_argument("--repo", type=Path, help="an existing synthetic repository to reuse")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = args.repo
        if root is None:
            root = Path(tmp) / "portfolio"
            synth.synthesize(root, PRESETS[args.preset])
        rows = measure(root, args.repeat)
    base = rows[0][2]
    print("| candidate | wall s | CPU s | CPU × the floor |\n|---|---|---|---|")
    for name, wall, cpu in rows:
        print(f"| {name} | {wall:.3f} | {cpu:.3f} | {cpu / base:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
