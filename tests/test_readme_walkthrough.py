"""The README's walkthrough, replayed exactly as written: from an empty folder to a blocked,
then approved, then deployed model version, with real SSH-signed commits."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import govern_as_code

README = Path(__file__).resolve().parent.parent / "README.md"


def walkthrough() -> str:
    text = README.read_text("utf-8")
    found = re.search(
        r"<!-- walkthrough:start -->\n```sh\n(.*?)```\n<!-- walkthrough:end -->", text, re.S
    )
    assert found, "README.md lost its walkthrough markers"
    return found.group(1)


def test_the_readme_walkthrough_runs_end_to_end(tmp_path: Path) -> None:
    home, bin_dir = tmp_path / "home", tmp_path / "bin"
    home.mkdir()
    bin_dir.mkdir()
    package_root = Path(govern_as_code.__file__).resolve().parent.parent
    gac = bin_dir / "gac"
    gac.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m govern_as_code "$@"\n')
    gac.chmod(0o755)
    env = {
        "HOME": str(home),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(package_root),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "LC_ALL": "C",
    }
    script = home / "walkthrough.sh"
    script.write_text(walkthrough())
    result = subprocess.run(
        ["bash", "-e", str(script)], cwd=home, env=env, capture_output=True, text=True, check=False
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    blocked, approved = out.split("lint exit code: 1\n")
    assert (
        "gate: deployments/production/churn-prod.yaml churn-xgb@1 -> production: blocked\n"
        "    - missing a current, verified technical-review approval (can give it: alice)\n"
    ) in blocked
    assert "1 error, 0 warnings in 9 documents; gate: 0 passed, 1 blocked" in blocked
    assert "- [ ] **technical-review**: @alice" in approved
    assert re.search(r"approved churn-xgb@1 as final-approval: .* \(signed commit \w+\)", approved)
    assert "churn-xgb@1: candidate -> production\n" in approved
    assert (
        approved.count(
            "gate: deployments/production/churn-prod.yaml churn-xgb@1 -> production: passed"
        )
        == 2
    )
    assert "no problems in 11 documents; gate: 1 passed, 0 blocked" in approved
    assert (
        "VERSION      PROJECT  RISK  STATUS      METRIC    DRIFT  APPROVALS  GATE\n"
        "churn-xgb@1  churn    low   production  auc=0.84         complete   passed\n"
    ) in approved
    trail = approved.split("history of ModelVersion/churn-xgb@1\n")[1].splitlines()
    assert [line.split("  ")[2] for line in trail] == [
        "signed by dan (ssh)",
        "signed by dan (ssh)",
        "signed by alice (ssh)",
        "signed by rita (ssh)",
        "signed by dan (ssh)",
        "signed by dan (ssh)",
    ]
