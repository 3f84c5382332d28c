"""The drift charts, the comparison with production and the lineage of the real demo's versions,
as a risk officer sees them in Chromium."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from typing import Any

import pytest

from browser.conftest import Demo, Watched, check_links

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

# churn-xgb@3's drift observations in the example portfolio: the first of each month.
CHURN_MONTHS = [f"2026-{m:02d}-01" for m in range(2, 12)]


def box(locator: Any) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None
    return dict(found)


def middle(locator: Any) -> float:
    b = box(locator)
    return b["y"] + b["height"] / 2


def test_drift_warning_threshold_line_and_breaches_on_churn_xgb(
    watched: Watched, demo: Demo
) -> None:
    watched.open(demo.site, "models/churn-xgb.html")
    section = watched.page.locator("#v-3")
    warning = section.locator(".drift-warning").first
    assert warning.is_visible()
    assert "psi is 0.31 on 2026-11-01, above the limit 0.2 since 2026-10-01" in (
        warning.inner_text()
    )
    psi = section.locator('figure.drift-figure[data-metric="psi"]')
    assert "above the limit since 2026-10-01" in psi.inner_text()
    # The dashed line sits at 0.2 on the axis: level with the axis's "0.2" label.
    line = psi.locator("line.threshold-line")
    assert line.count() == 1
    tick = psi.locator("text.y-tick", has_text="0.2")
    assert abs(middle(line) - middle(tick)) < 4
    # The two observations above 0.2 are marked as breaches, drawn above the line.
    breaches = psi.locator("g.breach")
    assert [breaches.nth(i).get_attribute("data-date") for i in range(breaches.count())] == [
        "2026-10-01",
        "2026-11-01",
    ]
    for i in range(breaches.count()):
        assert breaches.nth(i).is_visible()
        assert middle(breaches.nth(i)) < middle(line)
    # feature_drift crossed its limit only at the latest observation.
    feature = section.locator('figure.drift-figure[data-metric="feature_drift"]')
    assert "above the limit since 2026-11-01" in feature.inner_text()
    assert watched.problems == []


def test_drift_axes_start_at_zero_name_the_metric_and_tick_on_data_dates(
    watched: Watched, demo: Demo
) -> None:
    watched.open(demo.site, "models/churn-xgb.html")
    figures = watched.page.locator("#v-3 figure.drift-figure")
    # One figure per drift metric, one line in each: psi and feature_drift never share an axis.
    assert figures.count() == 2
    for i in range(figures.count()):
        fig = figures.nth(i)
        metric = fig.get_attribute("data-metric")
        assert fig.locator("polyline.series-line").count() == 1
        assert fig.locator("text.axis-label").text_content() == metric
        ticks = fig.locator("text.y-tick")
        assert ticks.first.text_content() == "0"
        # "0" is the lowest label, level with the x-axis.
        assert middle(ticks.first) == max(middle(ticks.nth(j)) for j in range(ticks.count()))
        dates = fig.locator("text.x-tick").all_text_contents()
        assert 2 <= len(dates) <= 6 and set(dates) <= set(CHURN_MONTHS)
        assert dates[-1] == "2026-11-01"
        legend = fig.locator("text.legend-label").text_content() or ""
        assert legend.startswith(str(metric)) and "…" not in legend


def test_comparison_is_one_row_per_metric_with_the_better_direction(
    watched: Watched, demo: Demo
) -> None:
    watched.open(demo.site, "models/atm-cash-demand.html")
    section = watched.page.locator("#v-2")
    # A retired version's comparison is folded.
    section.locator("details.more > summary", has_text="Compared with").click()
    table = section.locator("table.compare-table")
    assert table.is_visible()
    rows = {
        r.locator("th").inner_text().split()[0]: r.locator("td").all_inner_texts()
        for r in table.locator("tbody tr").all()
    }
    assert set(rows) == {"mape", "rmse", "mae"}
    for cells in rows.values():
        assert cells[3].startswith("↓ lower") and "better: production" in cells[3]
    chart = section.locator("svg.chart-comparison")
    assert chart.locator("g.metric-row").count() == 3
    # Each metric on its own scale: mape (0.104) is drawn as long as rmse (4,680), not as a
    # sliver beside it.
    mape = box(chart.locator('g.metric-row[data-metric="mape"] rect.bar-left'))
    rmse = box(chart.locator('g.metric-row[data-metric="rmse"] rect.bar-left'))
    assert mape["width"] > 50 and abs(mape["width"] - rmse["width"]) < 1
    assert chart.locator('g.metric-row[data-better="right"]').count() == 3
    assert "lower is better" in (chart.text_content() or "")
    # On churn-xgb, higher is better and the challenger wins on every metric.
    watched.open(demo.site, "models/churn-xgb.html")
    cells = watched.page.locator("#v-4 table.compare-table tbody tr td.better").all_inner_texts()
    assert cells and all(c.startswith("↑ higher") and "this version" in c for c in cells)
    legend = watched.page.locator("#v-4 svg.chart-comparison text.legend-label").all_text_contents()
    assert legend == ["churn-xgb@4", "churn-xgb@3 (production)"]


def test_lineage_links_code_run_and_the_deployment_row(watched: Watched, demo: Demo) -> None:
    watched.open(demo.site, "models/churn-xgb.html")
    lineage = watched.page.locator("#v-3 dl.lineage")
    code = lineage.locator("dt:text-is('Code') + dd a")
    assert code.get_attribute("href", timeout=1000) == code.inner_text().strip()
    assert code.inner_text().startswith("https://git.northwind.example/data-science/churn")
    # An s3:// reference is not something a browser can open: shown, not linked.
    data = lineage.locator("dt:text-is('Data') + dd")
    assert data.inner_text().startswith("s3://nw-feature-store/churn/training/")
    assert data.locator("a").count() == 0
    deployed = lineage.locator("dt:text-is('Deployed to') + dd li")
    prod = deployed.filter(has_text="production")
    assert prod.count() == 1
    row_link = prod.locator("a")
    manifest = row_link.inner_text()
    # Since when: the last commit that changed the manifest, as git itself says.
    stamp = subprocess.run(
        ["git", "-C", str(demo.repo), "log", "-1", "--format=%aI", "--", manifest],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    changed = datetime.fromisoformat(stamp).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    assert f"since {changed}" in prod.inner_text()
    gate = prod.locator(".badge").inner_text()
    assert check_links(watched, demo.site) > 0
    row_link.click()
    watched.page.wait_for_load_state("load")
    assert watched.page.url.split("#")[0].endswith("deployments.html")
    target = watched.page.locator(":target")
    assert target.inner_text() == manifest
    assert gate in target.locator("xpath=..").inner_text()
    # An MLflow version names its registry and the run that logged it.
    watched.open(demo.site, "models/card-fraud-gbm.html")
    source = watched.page.locator("#v-10 dl.lineage dt:text-is('Source') + dd")
    assert "MLflow" in source.inner_text()
    assert "run 5e5ece00a4c20a108bf7de0be2c83740" in source.inner_text()
    assert watched.problems == []
