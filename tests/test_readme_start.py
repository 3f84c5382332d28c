"""The README's "Start a portfolio" section, replayed exactly as a new user would type it.

The shell blocks are read from README.md and run with bash: the first (init, first commit,
lint) must exit 0; the second (a version and a production deployment) must exit 1 and name
the approvals that are missing.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from init_helpers import ADA, identity_env
from signing_helpers import make_ssh_key

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Start a portfolio"


def section_blocks(title: str) -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"\n{title}\n")
    end = readme.find("\n## ", start + len(title) + 2)
    section = readme[start : end if end != -1 else None]
    return re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)


def environment(tmp_path: Path) -> dict[str, str]:
    key = make_ssh_key(tmp_path, "ada")
    env = identity_env(
        tmp_path / "home",
        {**ADA, "user.signingkey": str(key.public_path), "gpg.format": "ssh"},
    )
    tools = tmp_path / "bin"
    tools.mkdir()
    wrapper = tools / "gac"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m govern_as_code "$@"\n', "utf-8")
    wrapper.chmod(0o755)
    env["PATH"] = f"{tools}{os.pathsep}{env['PATH']}"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env.pop("NO_COLOR", None)
    return env


def run(block: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-u", "-o", "pipefail", "-c", block],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_the_readme_start_section_end_to_end(tmp_path: Path) -> None:
    first, second = section_blocks(SECTION)
    assert first.startswith("gac init acme-portfolio")
    env = environment(tmp_path)
    work = tmp_path / "work"
    work.mkdir()

    started = run(first, work, env)
    assert started.returncode == 0, started.stdout + started.stderr
    assert started.stdout.endswith("no problems in 4 documents\n")
    portfolio = work / "acme-portfolio"
    log = subprocess.run(
        ["git", "-C", str(portfolio), "log", "--format=%s"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert log.stdout == "Start the governance portfolio\n"

    deployed = run(second, portfolio, env)
    assert deployed.returncode == 1, deployed.stdout + deployed.stderr
    out = deployed.stdout
    assert "gate: deployments/production/churn-xgb.yaml churn-xgb@1 -> production: blocked" in out
    for role in ("technical-review", "risk-review"):
        assert (
            f"missing a current, verified {role} approval (can give it: nobody holds this role)"
            in out
        )
    # Only the gate blocks: the documents the README has you write are themselves valid.
    rules = set(re.findall(r"^\S+: error ([\w-]+):", out, flags=re.MULTILINE))
    assert rules == {"production-requires-approvals"}, out
    version = (portfolio / "projects/churn/models/churn-xgb/versions/1.yaml").read_text("utf-8")
    digest = subprocess.run(
        ["gac", "digest", "--file", "churn-xgb-1.pkl"],
        cwd=portfolio,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert f'digest: "{digest}"' in version
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", digest)
