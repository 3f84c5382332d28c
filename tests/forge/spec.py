"""GitHub's OpenAPI description (npm @octokit/openapi) and the Prism subset cut from it.

The npm packages are installed by scripts/test.sh into node_modules/ under the checkout, from
a cache under .cache/npm, so no test reaches the internet.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
UPSTREAM = NODE_MODULES / "@octokit" / "openapi" / "generated" / "api.github.com.json"
GHES = NODE_MODULES / "@octokit" / "openapi" / "generated" / "ghes-3.19.json"
WEBHOOK_EXAMPLES = NODE_MODULES / "@octokit" / "webhooks-examples" / "api.github.com" / "index.json"
PRISM = NODE_MODULES / ".bin" / "prism"


def _require(path: Path) -> Path:
    # Missing npm packages are a broken setup, never a skip.
    assert path.exists(), f"{path} is missing: run `bash scripts/test.sh` (it runs npm ci)"
    return path


@functools.cache
def subset_module() -> ModuleType:
    """scripts/prism/subset.py, imported from the checkout."""
    path = ROOT / "scripts" / "prism" / "subset.py"
    spec = importlib.util.spec_from_file_location("prism_subset", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def upstream(path: Path = UPSTREAM) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(_require(path).read_text("utf-8"))
    return result


@functools.cache
def patched_subset(prefix: str = "") -> dict[str, Any]:
    """The subset Prism serves: the cut, patched for the three facts of subset.py."""
    module = subset_module()
    source = upstream(GHES) if prefix else upstream()
    result: dict[str, Any] = module.patch(module.cut(source, prefix))
    return result


@functools.cache
def webhook_examples(event: str, action: str) -> list[dict[str, Any]]:
    events = json.loads(_require(WEBHOOK_EXAMPLES).read_text("utf-8"))
    found = [e for e in events if e["name"] == event]
    assert found, event
    return [x for x in found[0]["examples"] if x.get("action") == action]
