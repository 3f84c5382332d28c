"""Cut GitHub's OpenAPI description down to the operations govern-as-code uses, for Prism.

The stock description (npm @octokit/openapi) takes Prism about 17 s and 350 MB to load, and
three of its facts get in the way of a mock run with `--errors`. The subset keeps only the
operations below and every component they reference, and patches exactly these three facts:

1. Its examples for `pulls/get`, `commits/{sha}/pulls` and `requested_reviewers` list
   `requested_teams` without the `type` their own schema (`team-simple`) requires, so Prism
   answers 500. The patch adds `"type": "organization"` to those teams.
2. Responses list only `application/json`, so the `Accept: application/vnd.github+json` that
   GitHub documents gets 406. The patch lists the same media object under that type too.
3. Its `Link` headers are a static example pointing at api.github.com. The patch drops them
   from the mocked responses; pagination is tested against a local server instead.

`tests/forge/test_prism_subset.py` checks that, with these patches undone, the subset equals
upstream. Usage: python scripts/prism/subset.py SPEC.json OUT.json [--prefix /api/v3]
"""

from __future__ import annotations

import copy
import json
import sys
from typing import Any

OPERATIONS = (
    ("/repos/{owner}/{repo}/commits/{commit_sha}/pulls", "get"),
    ("/repos/{owner}/{repo}/pulls/{pull_number}", "get"),
    ("/repos/{owner}/{repo}/pulls/{pull_number}/reviews", "get"),
    ("/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", "post"),
)
VENDOR_JSON = "application/vnd.github+json"
# Top-level parts that only describe what the subset leaves out (webhooks reference schemas
# the cut does not keep).
DROPPED = ("paths", "components", "x-webhooks", "webhooks")
PATCHED_EXAMPLES = ("pull-request", "pull-request-simple-items", "pull-request-review-request")


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            found.add(ref)
        for value in node.values():
            found |= _refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


def cut(spec: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The unpatched subset: the operations, every component they reach, nothing else."""
    paths: dict[str, Any] = {}
    for path, method in OPERATIONS:
        item = spec["paths"][path]
        kept = paths.setdefault(prefix + path, {k: v for k, v in item.items() if k == "parameters"})
        kept[method] = copy.deepcopy(item[method])
    components: dict[str, dict[str, Any]] = {}
    pending = _refs(paths)
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _, _, section, name = ref.split("/", 3)
        value = spec["components"][section][name]
        components.setdefault(section, {})[name] = copy.deepcopy(value)
        pending |= _refs(value)
    out = {k: copy.deepcopy(v) for k, v in spec.items() if k not in DROPPED}
    out["paths"] = paths
    out["components"] = {s: dict(sorted(v.items())) for s, v in sorted(components.items())}
    return out


def _responses(subset: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for item in subset["paths"].values():
        for method, operation in item.items():
            if method != "parameters":
                found.extend(operation["responses"].values())
    found.extend(subset["components"].get("responses", {}).values())
    return found


def patch(subset: dict[str, Any]) -> dict[str, Any]:
    """Apply the three patches described in the module docstring."""
    patched = copy.deepcopy(subset)
    for name in PATCHED_EXAMPLES:
        example = patched["components"]["examples"].get(name)
        if example is None:
            continue
        values = example["value"] if isinstance(example["value"], list) else [example["value"]]
        for value in values:
            for team in value.get("requested_teams") or []:
                team.setdefault("type", "organization")
    for response in _responses(patched):
        content = response.get("content")
        if content and "application/json" in content and VENDOR_JSON not in content:
            content[VENDOR_JSON] = copy.deepcopy(content["application/json"])
        headers = response.get("headers")
        if headers and "Link" in headers:
            del headers["Link"]
            if not headers:
                del response["headers"]
    return patched


def unpatch(patched: dict[str, Any], upstream_subset: dict[str, Any]) -> dict[str, Any]:
    """Undo the three patches, using the upstream cut only to learn where they were made."""
    undone = copy.deepcopy(patched)
    for name in PATCHED_EXAMPLES:
        example = undone["components"]["examples"].get(name)
        original = upstream_subset["components"]["examples"].get(name)
        if example is None or original is None:
            continue
        values = example["value"] if isinstance(example["value"], list) else [example["value"]]
        before = original["value"] if isinstance(original["value"], list) else [original["value"]]
        for value, old in zip(values, before, strict=False):
            for team, old_team in zip(
                value.get("requested_teams") or [], old.get("requested_teams") or [], strict=False
            ):
                if "type" not in old_team and team.get("type") == "organization":
                    del team["type"]
    for response, old in zip(_responses(undone), _responses(upstream_subset), strict=True):
        content = response.get("content")
        if content and VENDOR_JSON in content and VENDOR_JSON not in old.get("content", {}):
            del content[VENDOR_JSON]
        if "Link" in old.get("headers", {}):
            response.setdefault("headers", {})["Link"] = copy.deepcopy(old["headers"]["Link"])
    return undone


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    prefix = argv[argv.index("--prefix") + 1] if "--prefix" in argv else ""
    with open(argv[0], encoding="utf-8") as handle:
        spec = json.load(handle)
    with open(argv[1], "w", encoding="utf-8") as handle:
        json.dump(patch(cut(spec, prefix)), handle, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
