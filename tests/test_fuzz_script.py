"""benchmarks/fuzz.py, run small so it cannot rot: seeded, reproducible, and it finds no crash."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "fuzz.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gac_fuzz", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gac_fuzz"] = module
    spec.loader.exec_module(module)
    return module


fuzz = _load()


def test_a_small_run_mutates_300_documents_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save = tmp_path / "failures"
    code = fuzz.main(
        ["--seed", "1", "--count", "300", "--git-every", "5", "--save", str(save), "--quiet"]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    first = out.splitlines()[0]
    assert re.fullmatch(
        r"documents tried: 300 in 12 portfolios \(2 through assess\(\) on a git repository\), \d+s",
        first,
    )
    assert "\ntracebacks: 0" in out
    found = int(re.search(r"problems found: (\d+)", out).group(1))  # type: ignore[union-attr]
    assert found > 0
    assert re.search(r"\n  schema: \d+", out) and re.search(r"\n  parse: \d+", out)
    assert not save.exists()


def test_the_same_seed_tries_the_same_documents(tmp_path: Path) -> None:
    one = fuzz.run(7, 100, tmp_path / "a", git_every=0, quiet=True)
    two = fuzz.run(7, 100, tmp_path / "b", git_every=0, quiet=True)
    other = fuzz.run(8, 100, tmp_path / "c", git_every=0, quiet=True)
    assert one.documents == two.documents == 100
    assert (one.problems, one.mutations, one.stops) == (two.problems, two.mutations, two.stops)
    assert one.mutations != other.mutations


def test_one_round_replays_alone(tmp_path: Path) -> None:
    whole = fuzz.run(3, 75, tmp_path / "a", batch=25, git_every=0, quiet=True)
    parts = [
        fuzz.run(3, 75, tmp_path / "b", batch=25, git_every=0, only_round=n, quiet=True)
        for n in range(3)
    ]
    assert sum((p.problems for p in parts), start=type(whole.problems)()) == whole.problems


def test_a_crash_is_reported_with_its_place_and_saved_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = fuzz.lint_in_memory
    calls: list[int] = []

    def crash_on_second(files: dict[str, bytes], today: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            {}["missing"]
        return real(files, today)

    monkeypatch.setattr(fuzz, "lint_in_memory", crash_on_second)
    save = tmp_path / "failures"
    tally = fuzz.run(2, 50, save, batch=25, git_every=0, quiet=True)
    assert len(tally.tracebacks) == 1
    line = tally.tracebacks[0]
    assert line.startswith("tests/test_fuzz_script.py:")
    assert ": KeyError: 'missing' (round 1, inputs in " in line
    folder = save / "failure-0001"
    assert "round 1 of --seed 2" in (folder / "traceback.txt").read_text("utf-8")
    names = (folder / "mutations.txt").read_text("utf-8").splitlines()
    assert len(names) == 25
    saved = [p for p in (folder / "files").rglob("*") if p.is_file()]
    assert len(saved) == len({n.split(":")[0].split(" ")[0] for n in names})
    assert fuzz.main(["--count", "0", "--save", str(save), "--quiet", "--git-every", "0"]) == 0
    assert not save.exists()  # a new run starts from an empty folder
