"""The built wheel carries schemas/, policies/, templates/ and the example, and works installed."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("govern_as_code-*.whl")
    return found


def test_wheel_ships_the_data_folders(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "govern_as_code/_data/schemas/project.schema.json",
        "govern_as_code/_data/policies/default.yaml",
        "govern_as_code/_data/example-portfolio/governance.yaml",
    ):
        assert expected in names
    assert any(n.startswith("govern_as_code/_data/templates/") for n in names)


def test_installed_wheel_runs_the_demo_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [str(env_dir / "bin" / "gac"), "demo", "--out", str(tmp_path / "d")],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "blocked on purpose" in result.stdout
    assert "txn-anomaly-ae@2 cannot go to production" in result.stdout
    assert (tmp_path / "d" / "report" / "index.html").is_file()
    same = subprocess.run(
        [str(python), "-m", "govern_as_code", "rules"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "production-requires-approvals" in same.stdout
