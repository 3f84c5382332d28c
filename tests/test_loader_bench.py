"""benchmarks/loader_bench.py measures every candidate on the same files, in one run."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _module(name: str) -> Any:
    sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_every_candidate_is_measured_against_the_floor(tmp_path: Path) -> None:
    synth = _module("synth")
    bench = _module("loader_bench")
    result = synth.synthesize(tmp_path / "portfolio", synth.PRESETS["small"], seed=3)
    # measure() also refuses to report when the pool's results differ from the serial ones.
    rows = bench.measure(result.root, repeat=1)
    names = [name for name, _, _ in rows]
    assert names[0].startswith("floor")
    assert {"(a) event builder", "(b) C compose + walk", "parse_many, pool of 2"} <= set(names)
    assert all(wall > 0 and cpu > 0 for _, wall, cpu in rows)
