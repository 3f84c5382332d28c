"""The subset Prism serves equals GitHub's description on everything but the three patches."""

from __future__ import annotations

from pathlib import Path

import pytest

from forge.spec import GHES, UPSTREAM, patched_subset, subset_module, upstream


@pytest.mark.parametrize(("source", "prefix"), [(UPSTREAM, ""), (GHES, "/api/v3")])
def test_the_subset_equals_upstream_once_patches_are_undone(source: Path, prefix: str) -> None:
    module = subset_module()
    spec = upstream(source)
    cut = module.cut(spec, prefix)
    patched = module.patch(cut)
    assert module.unpatch(patched, cut) == cut
    for path, method in module.OPERATIONS:
        assert cut["paths"][prefix + path][method] == spec["paths"][path][method]
    for section, entries in cut["components"].items():
        for name, value in entries.items():
            assert value == spec["components"][section][name], (section, name)
    kept = {k: v for k, v in spec.items() if k not in module.DROPPED}
    assert {k: v for k, v in cut.items() if k not in module.DROPPED} == kept


def test_the_three_patches() -> None:
    subset = patched_subset()
    examples = subset["components"]["examples"]
    teams = examples["pull-request"]["value"]["requested_teams"]
    assert teams and all(team["type"] == "organization" for team in teams)
    pulls = subset["paths"]["/repos/{owner}/{repo}/pulls/{pull_number}"]["get"]["responses"]
    assert "application/vnd.github+json" in pulls["200"]["content"]
    reviews = subset["paths"]["/repos/{owner}/{repo}/pulls/{pull_number}/reviews"]["get"]
    assert "Link" not in reviews["responses"]["200"].get("headers", {})
    upstream_reviews = upstream()["paths"]["/repos/{owner}/{repo}/pulls/{pull_number}/reviews"]
    assert "Link" in upstream_reviews["get"]["responses"]["200"]["headers"]


def test_the_subset_keeps_only_the_operations_the_tool_uses() -> None:
    subset = patched_subset()
    operations = {
        (path, method)
        for path, item in subset["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert operations == set(subset_module().OPERATIONS)
    assert len(subset["paths"]) < len(upstream()["paths"]) / 100
