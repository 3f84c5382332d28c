"""The synthetic portfolio generator (benchmarks/synth.py), on its small preset.

It must produce a real repository whose signed history git itself accepts, and whose gate
results are exactly the ones it planted: every deployment passes except the one in ten that
misses a role on purpose.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType

from govern_as_code.commands.assess import Assessment, LintRequest, assess
from govern_as_code.problems import Level

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _synth() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synth", BENCHMARKS / "synth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["synth"] = module
    spec.loader.exec_module(module)
    return module


def test_small_preset_is_a_signed_repository_with_the_planted_gate_results(
    tmp_path: Path,
) -> None:
    synth = _synth()
    start = datetime(2025, 1, 6, 9, tzinfo=UTC)
    result = synth.synthesize(tmp_path / "portfolio", synth.PRESETS["small"], seed=3, start=start)
    preset = synth.PRESETS["small"]
    commits = subprocess.run(
        ["git", "-C", str(result.root), "rev-list", "--count", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    projects_commits = -(-preset.projects // synth.PROJECTS_PER_COMMIT)
    assert int(commits) == result.commits == 2 + projects_commits + preset.approvals
    assert len(result.deployments) == preset.deployments
    assert len(result.failing_deployments) == preset.deployments // 10

    assessment = assess(LintRequest(result.root, today=date(2025, 6, 1)))
    assert _gate_results(assessment) == (result.failing_deployments, preset.deployments)
    # Generated today, its history is recent: the same gates hold on today's clock, so the
    # benchmark measures a live portfolio rather than one whose sign-offs all expired.
    fresh = synth.synthesize(tmp_path / "today", synth.PRESETS["small"], seed=3)
    today = assess(LintRequest(fresh.root))
    assert _gate_results(today) == (fresh.failing_deployments, preset.deployments)
    blocked = sorted(g.deployment for g in assessment.report.gates if not g.passed)
    passed = sorted(g.deployment for g in assessment.report.gates if g.passed)
    assert blocked == result.failing_deployments
    assert len(passed) == preset.deployments - len(blocked)
    errors = {p.rule for p in assessment.report.problems if p.level is Level.ERROR}
    assert errors == {"production-requires-approvals"}
    assert assessment.report.documents == result.files


def _gate_results(assessment: Assessment) -> tuple[list[str], int]:
    blocked = sorted(g.deployment for g in assessment.report.gates if not g.passed)
    return blocked, len(assessment.report.gates)


def test_in_process_signatures_verify_with_git(tmp_path: Path) -> None:
    synth = _synth()
    result = synth.synthesize(tmp_path / "portfolio", synth.PRESETS["small"], seed=5)
    history = subprocess.run(
        ["git", "-C", str(result.root), "rev-list", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    allowed = result.root / ".git" / "synth-allowed-signers"
    assert allowed.is_file()
    for sha in history[:: max(1, len(history) // 20)]:
        check = subprocess.run(
            [
                "git",
                "-C",
                str(result.root),
                "-c",
                f"gpg.ssh.allowedSignersFile={allowed}",
                "verify-commit",
                "--raw",
                sha,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert check.returncode == 0, check.stderr
        assert "Good" in check.stderr


def test_run_measures_every_row_on_the_small_preset(tmp_path: Path) -> None:
    synth = _synth()
    result = synth.synthesize(tmp_path / "portfolio", synth.PRESETS["small"], seed=11)
    spec = importlib.util.spec_from_file_location("bench_run", BENCHMARKS / "run.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = bench
    spec.loader.exec_module(bench)
    rows = bench.run(result.root, commits=10)
    names = [row.name for row in rows]
    assert names[:5] == ["floor", "lint, cold", "lint, warm", "lint, incremental", "report"]
    assert names[-2:] == ["signatures, in-process", "signatures, git verify-commit"]
    lints = [row for row in rows if row.name.startswith("lint")]
    assert {row.exit_code for row in lints} == {1}  # the planted failures block every run
    assert all(row.seconds > 0 and row.peak_rss_mib > 0 for row in rows[:5])
    text = bench.table(rows)
    assert text.splitlines()[2].startswith("| floor |")
    assert "× faster per commit" in text
    if "check-jsonschema" in names:  # like with like: our schema checks over the same files
        assert "schema checks, ours" in names
        assert "Schema checks on the same files: ours are" in text
