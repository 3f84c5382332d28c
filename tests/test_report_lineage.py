"""A version's drift limits and lineage: from the policy and the documents into the report's
records, through the JSON export and aggregation, and onto the page with only safe links."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from browser.report_fixtures import load_example

from govern_as_code.report.aggregate import merge
from govern_as_code.report.bar_charts import metric_comparison
from govern_as_code.report.collect import collect
from govern_as_code.report.export import from_dict, to_dict
from govern_as_code.report.figures import better_direction, drift
from govern_as_code.report.site import write_site
from govern_as_code.results import DriftLimits


def test_the_policy_limits_reach_each_version_and_round_trip() -> None:
    portfolio, status = load_example()
    data = collect(portfolio, replace(status, drift_limits=DriftLimits(0.2, {"psi": 0.25})))
    churn = next(v for v in data.versions if v.id == "churn-xgb@3")
    assert churn.drift_limits == {"feature_drift": 0.2, "psi": 0.25}
    assert churn.code_ref.startswith("https://git.northwind.example/")
    assert churn.data_ref.startswith("s3://")
    again = from_dict(json.loads(json.dumps(to_dict(data))), "x.json")
    assert again == data
    merged = merge([again, data])
    assert {v.id: v.drift_limits for v in merged.versions}["northwind-financial/churn-xgb@3"] == {
        "feature_drift": 0.2,
        "psi": 0.25,
    }
    # With the rule off the report draws no limit it would not enforce.
    off = collect(portfolio, status)
    assert all(v.drift_limits == {} for v in off.versions)
    unlimited = drift(next(v for v in off.versions if v.id == "churn-xgb@3"))
    assert unlimited and all(f.limit is None and f.since is None for f in unlimited)


def test_drift_figures_say_since_when_above_the_limit() -> None:
    portfolio, status = load_example()
    data = collect(portfolio, replace(status, drift_limits=DriftLimits(0.2)))
    figures = {f.metric: f for f in drift(next(v for v in data.versions if v.id == "churn-xgb@3"))}
    assert figures["psi"].since == date(2026, 10, 1) and figures["psi"].latest == 0.31
    assert figures["feature_drift"].since == date(2026, 11, 1)
    assert 'class="threshold" data-value="0.2"' in str(figures["psi"].svg)


@pytest.mark.parametrize(
    ("metric", "way"),
    [
        ("auc", "higher"),
        ("f1", "higher"),
        ("rmse", "lower"),
        ("val_loss", "lower"),
        ("false_decline_rate", "lower"),
        ("mape", "lower"),
        ("precision", "higher"),
        ("recall", "higher"),
    ],
)
def test_better_direction(metric: str, way: str) -> None:
    assert better_direction(metric) == way


def test_comparison_rows_have_their_own_scale_and_the_better_mark() -> None:
    svg = str(
        metric_comparison(
            [("auc", 0.9, 0.8), ("rmse", 4000.0, 5000.0)],
            "c",
            left_label="v2",
            right_label="v1 (production)",
            directions={"auc": "higher", "rmse": "lower"},
        )
    )
    assert svg.count('data-better="left"') == 2
    assert "↑ higher is better" in svg and "↓ lower is better" in svg
    # The larger value of each row spans the full bar width, whatever the units.
    assert svg.count('width="260"') == 2
    assert ">v1 (production)</text>" in svg  # the legend is not clipped


def test_lineage_links_only_safe_urls(tmp_path: Path) -> None:
    portfolio, status = load_example()
    data = collect(portfolio, status)
    hostile = tuple(
        replace(v, code_ref="javascript:alert(1)", data_ref="https://data.example/set")
        if v.id == "churn-xgb@3"
        else v
        for v in data.versions
    )
    write_site(replace(data, versions=hostile), tmp_path)
    html = (tmp_path / "models/churn-xgb.html").read_text("utf-8")
    section = html.split('id="v-3"')[1].split('<section class="version"')[0]
    assert '<span class="mono">javascript:alert(1)</span>' in section
    assert 'href="javascript' not in html
    assert '<a href="https://data.example/set" rel="noopener noreferrer nofollow"' in section
    assert 'href="../deployments.html#d-' in section
