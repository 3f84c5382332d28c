"""Benchmarks, reported as ratios measured in one run (machines here are noisy).

    python benchmarks/run.py [--versions 20000] [--commits 1000]

1. validate vs the floor: a generated portfolio of N model versions; the floor is reading and
   parsing every file once with the C YAML loader.
2. signature verification: M SSH-signed commits verified in-process against `git
   verify-commit` run over them in a loop.
3. `gac lint` of the example portfolio (the demo repository).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from govern_as_code.commands.assess import LintRequest, assess
from govern_as_code.commands.demo import run_demo
from govern_as_code.commands.validate import validate
from govern_as_code.evidence.signed_commits import SignatureVerifier, cache_file
from govern_as_code.git import Repository

HEADER = "apiVersion: govern-as-code/v1\n"


def generate(root: Path, versions: int) -> None:
    (root / "people").mkdir(parents=True)
    (root / "governance.yaml").write_text(HEADER + "kind: Portfolio\nmetadata: {id: bench}\n")
    (root / "people" / "ann.yaml").write_text(
        HEADER + "kind: Person\nmetadata: {id: ann}\nspec: {name: Ann, email: ann@x.example,"
        " department: data-science, roles: [technical-review]}\n"
    )
    models = max(1, versions // 5)
    for m in range(models):
        project = f"p{m // 10}"
        folder = root / "projects" / project
        if m % 10 == 0:
            folder.mkdir(parents=True)
            (folder / "project.yaml").write_text(
                HEADER + f"kind: Project\nmetadata: {{id: {project}}}\nspec: {{owner: ann}}\n"
            )
        model_dir = folder / "models" / f"m{m}" / "versions"
        model_dir.mkdir(parents=True)
        (model_dir.parent / "model.yaml").write_text(
            HEADER + f"kind: Model\nmetadata: {{id: m{m}}}\nspec: {{project: {project},"
            " task: classification, riskTier: medium}\n"
        )
        for v in range(5):
            (model_dir / f"{v}.yaml").write_text(
                HEADER + f"kind: ModelVersion\nmetadata:\n  id: m{m}@{v}\nspec:\n"
                f'  model: m{m}\n  version: "{v}"\n  created: 2026-01-0{v + 1}\n'
                "  createdBy: ann\n  status: candidate\n  artifact:\n    uri: s3://b/m.bin\n"
                f"    digest: sha256:{'ab' * 32}\n  metrics:\n    performance: {{auc: 0.9}}\n"
                "    drift:\n      - {date: 2026-02-01, psi: 0.1}\n"
                "      - {date: 2026-03-01, psi: 0.12}\n"
            )


def floor(root: Path) -> float:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    start = time.perf_counter()
    for folder, _, files in os.walk(root):
        for name in files:
            yaml.load(Path(folder, name).read_bytes(), Loader=loader)
    return time.perf_counter() - start


def bench_validate(versions: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "p"
        generate(root, versions)
        base = floor(root)
        start = time.perf_counter()
        report = validate(root)
        took = time.perf_counter() - start
        errors = report.summary.errors
        print(
            f"validate {report.documents} documents: {took:.2f} s; parse-only floor"
            f" {base:.2f} s; ratio {took / base:.2f}x ({errors} errors)"
        )


def bench_signatures(commits: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "r"
        repo = Repository.init(root)
        key = Path(tmp) / "k"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
        public = key.with_suffix(".pub").read_text().strip()
        (Path(tmp) / "allowed").write_text(f"ann@x.example {public}\n")
        repo.set_config("gpg.ssh.allowedSignersFile", str(Path(tmp) / "allowed"))
        when = datetime(2026, 1, 1, tzinfo=UTC)
        shas = []
        for i in range(commits):
            (root / "f.txt").write_text(str(i))
            shas.append(
                repo.commit_as(
                    ["f.txt"],
                    f"c{i}",
                    name="Ann",
                    email="ann@x.example",
                    when=when + timedelta(minutes=i),
                    ssh_key=key,
                )
            )
        shutil.rmtree(cache_file(repo.git_dir).parent, ignore_errors=True)
        start = time.perf_counter()
        verifier = SignatureVerifier(repo, [])
        verified = verifier.signatures(shas)
        in_process = time.perf_counter() - start
        verifier.close()
        assert all(v.fingerprint for v in verified.values())
        start = time.perf_counter()
        warm = SignatureVerifier(repo, []).signatures(shas)
        cached = time.perf_counter() - start
        assert len(warm) == commits
        start = time.perf_counter()
        for sha in shas:
            subprocess.run(
                ["git", "-C", str(root), "verify-commit", sha], check=True, capture_output=True
            )
        looped = time.perf_counter() - start
        print(
            f"verify {commits} signed commits: in-process {in_process:.2f} s, cached"
            f" {cached:.2f} s, git verify-commit loop {looped:.2f} s; speed-up"
            f" {looped / in_process:.1f}x (cached {looped / cached:.0f}x)"
        )


def bench_lint() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = run_demo(Path(tmp) / "d")
        start = time.perf_counter()
        assess(LintRequest(result.repo))
        warm = time.perf_counter() - start
        print(
            f"lint the example ({result.assessment.report.summary.documents} documents,"
            f" {result.commits} signed commits): {warm:.2f} s with a warm signature cache"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--versions", type=int, default=20_000)
    parser.add_argument("--commits", type=int, default=1_000)
    args = parser.parse_args()
    bench_validate(args.versions)
    bench_signatures(args.commits)
    bench_lint()


if __name__ == "__main__":
    main()
