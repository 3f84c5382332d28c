"""The layering of DESIGN §4, held by the import-linter contracts in pyproject.toml, plus the
two facts import-linter cannot see: which modules sit at the top of the package, and that no
module but git.py starts a git process."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "govern_as_code"
LEAVES = {"__init__.py", "__main__.py", "errors.py", "problems.py", "results.py", "resources.py"}


def test_import_linter_contracts_are_kept() -> None:
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert command is not None, "import-linter is a test dependency: pip install -e '.[test]'"
    result = subprocess.run(
        [command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_only_the_leaves_and_git_sit_at_the_top() -> None:
    top = {p.name for p in PACKAGE.glob("*.py")}
    assert top == LEAVES | {"git.py"}


def test_every_package_is_a_regular_package() -> None:
    folders = [p for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"]
    assert folders
    assert [f.name for f in folders if not (f / "__init__.py").is_file()] == []


def _runs_git(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.List) and node.elts:
            first = node.elts[0]
            if isinstance(first, ast.Constant) and first.value == "git":
                return True
    return False


def test_only_git_module_starts_git() -> None:
    users = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if _runs_git(p))
    assert users == ["git.py"]
