"""The dependencies point one way: no core module imports click or the CLI; rules never
import reporters; only git.py runs git."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "govern_as_code"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _core_modules() -> list[Path]:
    # __main__ is the entry point, which is the CLI by definition.
    return [
        p
        for p in PACKAGE.rglob("*.py")
        if "cli" not in p.relative_to(PACKAGE).parts and p.name != "__main__.py"
    ]


def test_core_never_imports_click_or_the_cli() -> None:
    offenders = {
        str(p.relative_to(PACKAGE)): sorted(
            i
            for i in _imports(p)
            if i == "click" or i.startswith("click.") or i.startswith("govern_as_code.cli")
        )
        for p in _core_modules()
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_rules_do_not_import_reporters() -> None:
    for path in (PACKAGE / "rules").glob("*.py"):
        assert not any(i.startswith("govern_as_code.reporters") for i in _imports(path)), path


def test_only_git_module_imports_gitpython() -> None:
    users = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if any(i == "git" or i.startswith("git.") for i in _imports(p))
    ]
    assert users == ["git.py"]
