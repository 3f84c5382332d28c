"""Fuzz the loader, validation, the rules, the gate, the report records and the reporters.

    python benchmarks/fuzz.py [--seed 0] [--count 100000] [--save fuzz-failures]

Starting from the valid documents of example-portfolio/ (plus an Approval, a Policy and a
Waiver written here), each round mutates a few documents (byte-level damage, structural
changes, duplicate keys, deep nesting, odd unicode, huge numbers, tags, anchors) and runs the
portfolio in-process through what `gac validate` and `gac lint` run: the loader over an
in-memory file source, validation, every rule, the deploy gate, the approval checks, the report
records and their export, and every reporter. Every `--git-every`th round goes instead through
the real `assess()` on a small git repository, with the mutated files in its working tree.

A finding is a Problem; a `GovernError` is a clean stop (exit 2). Anything else is a traceback:
each is printed with the file, line and exception, and its inputs are saved under `--save`.
The run is seeded: the same `--seed` and `--count` try the same documents. Exit code 1 means
at least one traceback.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mutations import mutate

from govern_as_code.commands.assess import LintRequest, assess
from govern_as_code.documents.digest import version_digest
from govern_as_code.documents.kinds import (
    MODEL_BY_KIND,
    ApprovalDocument,
    ModelVersionDocument,
)
from govern_as_code.documents.yaml_loader import ParsedFile
from govern_as_code.errors import GovernError
from govern_as_code.gate.judge import judge_approvals
from govern_as_code.gate.options import GateOptions
from govern_as_code.gate.verdict import evaluate
from govern_as_code.portfolio import load_portfolio, loader
from govern_as_code.portfolio.sources import Candidate
from govern_as_code.portfolio.trust import TrustRoot
from govern_as_code.problems import GateResult, LintReport, Problem
from govern_as_code.report.collect import collect
from govern_as_code.report.export import from_dict, to_dict
from govern_as_code.reporters import REPORTER_BY_NAME
from govern_as_code.results import PortfolioStatus
from govern_as_code.rules.base import RuleContext
from govern_as_code.rules.engine import run_rules
from govern_as_code.rules.policy import GATE_RULE, resolve_policy
from govern_as_code.rules.registry import rule_infos

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLE = PROJECT / "example-portfolio"
TODAY = date(2026, 11, 26)
GIT_ENV = {
    "GIT_AUTHOR_NAME": "fuzz",
    "GIT_AUTHOR_EMAIL": "fuzz@example.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T12:00:00+00:00",
    "GIT_COMMITTER_NAME": "fuzz",
    "GIT_COMMITTER_EMAIL": "fuzz@example.invalid",
    "GIT_COMMITTER_DATE": "2026-01-01T12:00:00+00:00",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


class MemorySource:
    """A FileSource over a dict of repo-relative paths to bytes: no disk, no git."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.description = "(fuzz)"

    def candidates(self) -> list[Candidate]:
        """Every file, in path order."""
        return [Candidate(path, len(data)) for path, data in sorted(self.files.items())]

    def read(self, paths: Iterable[str]) -> dict[str, bytes]:
        """The bytes of `paths`."""
        return {p: self.files[p] for p in paths if p in self.files}


def seed_files() -> dict[str, bytes]:
    """The valid documents of example-portfolio/, plus an Approval, a Policy and a Waiver."""
    files = {
        p.relative_to(EXAMPLE).as_posix(): p.read_bytes()
        for p in sorted(EXAMPLE.rglob("*"))
        if p.is_file() and p.suffix in (".yaml", ".yml", ".json")
    }
    version = next(
        d.model
        for d in load_portfolio(MemorySource(files)).of_kind("ModelVersion")
        if isinstance(d.model, ModelVersionDocument) and d.model.spec.status == "production"
    )
    subject = f"{version.spec.model}@{version.spec.version}"
    head = "apiVersion: govern-as-code/v1\n"
    files[f"approvals/{version.spec.model}/{version.spec.version}/risk-review--fuzz.yaml"] = (
        head + f"kind: Approval\nmetadata:\n  id: {subject.replace('@', '-')}-risk\nspec:\n"
        f"  subject: {subject}\n"
        f"  digest: {version_digest(version)}\n  role: risk-review\n  reviewer: elena-rossi\n"
        "  decision: approved\n  comment: fine\n  date: 2026-03-01T10:00:00Z\n"
    ).encode()
    files["policies/fuzz.yaml"] = (
        head + "kind: Policy\nmetadata:\n  id: fuzz\nspec:\n  extends: [default]\n  rules:\n"
        "    drift-threshold:\n      level: warning\n      when: {kind: ModelVersion}\n"
        "      options: {threshold: 0.2}\n    production-requires-approvals:\n"
        "      level: error\n      options:\n        maxAgeDays: 365\n"
    ).encode()
    # The portfolio names the fuzz policy, so policy resolution and `extends:` are fuzzed too.
    files["governance.yaml"] = files["governance.yaml"].replace(
        b"policies: []", b"policies: [policies/fuzz.yaml]"
    )
    if "Waiver" in MODEL_BY_KIND:  # a valid seed only where this version knows the kind
        files["waivers/fuzz.yaml"] = (
            head + f"kind: Waiver\nmetadata:\n  id: fuzz\nspec:\n  rule: drift-threshold\n"
            f"  subject: {subject}\n  reason: known\n  compensatingControls: weekly review\n"
            "  expires: 2026-12-31\n"
        ).encode()
    return files


@dataclass
class Tally:
    """What a run found."""

    documents: int = 0
    rounds: int = 0
    git_rounds: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    stops: Counter[str] = field(default_factory=Counter)
    mutations: Counter[str] = field(default_factory=Counter)
    tracebacks: list[str] = field(default_factory=list)


class SeedParses:
    """While active, the loader parses each unmutated seed file once and reuses the result.

    Most files of a round are unchanged seeds; parsing them again every round would spend the
    run's time on inputs already known to be fine. Mutated bytes are never in the cache, so
    every mutated document still goes through the real parser.
    """

    def __init__(self, seeds: dict[str, bytes]) -> None:
        self.seeds = set(seeds.values())
        self.cache: dict[tuple[bytes, bool], ParsedFile] = {}
        self.original = loader.parse_bytes

    def parse(self, raw: bytes, *, is_json: bool = False) -> ParsedFile:
        """`parse_bytes`, remembered for seed bytes."""
        if raw not in self.seeds:
            return self.original(raw, is_json=is_json)
        key = (raw, is_json)
        if key not in self.cache:
            self.cache[key] = self.original(raw, is_json=is_json)
        return self.cache[key]

    def __enter__(self) -> SeedParses:
        loader.parse_bytes = self.parse
        return self

    def __exit__(self, *_: object) -> None:
        loader.parse_bytes = self.original


def lint_in_memory(files: dict[str, bytes], today: date) -> list[Problem]:
    """What `gac validate` and `gac lint` compute for these files, without git or disk."""
    portfolio = load_portfolio(MemorySource(files))
    trust = TrustRoot.from_portfolio(portfolio)
    context = RuleContext(portfolio, trust, today)
    # The same steps, in the same order, as commands/assess.py `_finish`.
    policy = resolve_policy(trust)
    options = policy.options_of(GATE_RULE, GateOptions)
    problems = run_rules(context, policy)
    gates = []
    for deployment in portfolio.deployments():
        if not trust.settings.gates(deployment.environment, deployment.path):
            continue
        subject = deployment.subject or ""
        verdict = evaluate(context, subject, options) if subject else None
        reasons = tuple(verdict.reasons) if verdict else ("names no model version",)
        gates.append(
            GateResult(deployment.path, deployment.environment, subject, not reasons, reasons)
        )
    report = LintReport(tuple(problems), len(portfolio.documents), rule_infos(), tuple(gates))
    subjects = sorted(
        {
            d.model.spec.subject
            for d in portfolio.of_kind("Approval")
            if isinstance(d.model, ApprovalDocument)
        }
    )
    checks = tuple(
        j.as_check() for s in subjects for j in judge_approvals(context, s, options.maxAgeDays)
    )
    status = PortfolioStatus(report, checks)
    from_dict(to_dict(collect(portfolio, status)), "(fuzz export)")
    for reporter in REPORTER_BY_NAME.values():
        reporter.render(report, color=True)
    return problems


class GitPortfolio:
    """A small git repository of the seed files; rounds write mutated files into its worktree."""

    def __init__(self, folder: Path, files: dict[str, bytes]) -> None:
        self.root = folder / "portfolio"
        self.files = files
        self._write(files)
        env = {**os.environ, **GIT_ENV}
        for args in (
            ["init", "-q", "-b", "main"],
            ["add", "-A"],
            ["commit", "-q", "--no-gpg-sign", "-m", "seed"],
        ):
            subprocess.run(["git", "-C", str(self.root), *args], env=env, check=True)

    def _write(self, files: dict[str, bytes]) -> None:
        for path, data in files.items():
            target = self.root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    def lint(self, changed: dict[str, bytes], today: date) -> list[Problem]:
        """The real `assess()` with `changed` in the working tree; the tree is restored after."""
        self._write(changed)
        try:
            return list(assess(LintRequest(self.root, today=today)).report.problems)
        finally:
            for path in changed:
                if path in self.files:
                    (self.root / path).write_bytes(self.files[path])
                else:
                    (self.root / path).unlink()


def _where(error: BaseException) -> str:
    """The deepest frame in this project, not in a library it calls: file:line."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if f.filename.startswith(str(PROJECT))] or frames
    last = ours[-1]
    name = last.filename
    if name.startswith(str(PROJECT)):
        name = Path(name).relative_to(PROJECT).as_posix()
    return f"{name}:{last.lineno}"


def _save(save: Path, number: int, changed: dict[str, bytes], names: list[str], text: str) -> Path:
    folder = save / f"failure-{number:04d}"
    for path, data in changed.items():
        target = folder / "files" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (folder / "mutations.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    (folder / "traceback.txt").write_text(text, encoding="utf-8")
    return folder


def _mutate_round(
    rng: random.Random, seeds: dict[str, bytes], paths: list[str], size: int, first: int
) -> tuple[dict[str, bytes], list[str]]:
    """`size` mutated documents: mostly seeds mutated in place, some copied to new paths."""
    changed: dict[str, bytes] = {}
    names: list[str] = []
    for n in range(size):
        path = rng.choice(paths)
        if rng.random() < 0.05:  # the same document again, under a new path
            new_path = f"extra/{first + n}{rng.choice(('.yaml', '.yml', '.json'))}"
            changed[new_path], name = mutate(seeds[path], rng)
            names.append(f"{new_path} (from {path}): {name}")
        else:
            changed[path], name = mutate(changed.get(path, seeds[path]), rng)
            names.append(f"{path}: {name}")
    return changed, names


def run(
    seed: int,
    count: int,
    save: Path,
    *,
    batch: int = 25,
    git_every: int = 200,
    only_round: int | None = None,
    quiet: bool = False,
) -> Tally:
    """Mutate `count` documents, `batch` per portfolio; returns the tally.

    Each round has its own generator, seeded by (`seed`, round), so `only_round` replays one
    round of a longer run exactly.
    """
    seeds = seed_files()
    paths = sorted(seeds)
    tally = Tally()
    rounds = range((count + batch - 1) // batch)
    with tempfile.TemporaryDirectory(prefix="gac-fuzz-") as tmp, SeedParses(seeds):
        repo = GitPortfolio(Path(tmp), seeds) if git_every else None
        for number in rounds if only_round is None else [only_round]:
            rng = random.Random(f"{seed}:{number}")
            size = min(batch, count - number * batch)
            changed, names = _mutate_round(rng, seeds, paths, size, number * batch)
            tally.rounds += 1
            tally.documents += size
            tally.mutations.update(m for name in names for m in name.rsplit(": ", 1)[1].split("+"))
            use_git = repo is not None and number % git_every == git_every - 1
            try:
                if use_git:
                    assert repo is not None
                    tally.git_rounds += 1
                    problems = repo.lint(changed, TODAY)
                else:
                    problems = lint_in_memory({**seeds, **changed}, TODAY)
                tally.problems.update(p.rule for p in problems)
            except GovernError as e:
                tally.stops[e.message.split(":")[0][:60]] += 1
            except (Exception, RecursionError) as e:
                text = f"round {number} of --seed {seed}\n" + "".join(traceback.format_exception(e))
                folder = _save(save, len(tally.tracebacks) + 1, changed, names, text)
                line = (
                    f"{_where(e)}: {type(e).__name__}: {' '.join(str(e).split())[:200]}"
                    f" (round {number}, inputs in {folder})"
                )
                tally.tracebacks.append(line)
                if not quiet:
                    print(f"TRACEBACK {line}", file=sys.stderr, flush=True)
            if not quiet and tally.rounds % 200 == 0:
                print(f"... {tally.documents} documents", file=sys.stderr, flush=True)
    return tally


def report(tally: Tally, seconds: float) -> str:
    """The run's figures, for people."""
    lines = [
        f"documents tried: {tally.documents} in {tally.rounds} portfolios"
        f" ({tally.git_rounds} through assess() on a git repository), {seconds:.0f}s",
        f"problems found: {sum(tally.problems.values())}",
    ]
    lines += [f"  {rule}: {n}" for rule, n in tally.problems.most_common()]
    lines.append(f"clean stops (exit 2): {sum(tally.stops.values())}")
    lines += [f"  {reason}: {n}" for reason, n in tally.stops.most_common(10)]
    lines.append("mutations: " + ", ".join(f"{m} {n}" for m, n in sorted(tally.mutations.items())))
    lines.append(f"tracebacks: {len(tally.tracebacks)}")
    lines += [f"  {t}" for t in tally.tracebacks]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the fuzzer; exit code 1 if any traceback was found."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int, default=100_000, help="documents to mutate")
    parser.add_argument("--batch", type=int, default=25, help="documents mutated per portfolio")
    parser.add_argument(
        "--git-every", type=int, default=200, help="every Nth portfolio goes through assess()"
    )
    parser.add_argument(
        "--round", type=int, default=None, help="replay only this round (give the run's --count)"
    )
    parser.add_argument("--save", type=Path, default=Path("fuzz-failures"))
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    rounds = (args.count + args.batch - 1) // args.batch
    if args.round is not None and not 0 <= args.round < rounds:
        parser.error(f"--round must be from 0 to {rounds - 1} for --count {args.count}")
    if args.save.exists():
        shutil.rmtree(args.save)
    started = time.perf_counter()
    tally = run(
        args.seed,
        args.count,
        args.save,
        batch=args.batch,
        git_every=args.git_every,
        only_round=args.round,
        quiet=args.quiet,
    )
    print(report(tally, time.perf_counter() - started))
    return 1 if tally.tracebacks else 0


if __name__ == "__main__":
    sys.exit(main())
