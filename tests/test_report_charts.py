"""Structure, escaping and edge cases of the inline SVG charts."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from govern_as_code.report.bar_charts import bar_chart, metric_comparison
from govern_as_code.report.portfolio_charts import (
    BubblePoint,
    HeatItem,
    bubble_chart,
    gauge,
    heat_map,
)
from govern_as_code.report.svg import MARKER_SHAPES
from govern_as_code.report.trend_charts import breach_since, line_chart

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = ("<script>alert(1)</script>", '"onload="x', "]]>", "</svg><b>&amp;")
D1, D2, D3 = date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 15)


def parse(markup: Markup) -> ET.Element:
    assert isinstance(markup, Markup)
    root = ET.fromstring(str(markup))
    assert root.tag == f"{SVG}svg"
    return root


def local(el: ET.Element) -> str:
    return el.tag.removeprefix(SVG)


def by_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [el for el in root.iter() if cls in el.get("class", "").split()]


def one(root: ET.Element, path: str) -> ET.Element:
    found = root.find(path.replace("svg:", SVG))
    assert found is not None, path
    return found


def all_text(root: ET.Element) -> str:
    return "\n".join(root.itertext())


def every_chart(label: str, cid: str = "c") -> list[Markup]:
    """One rendering of each chart with ``label`` in every text slot it has."""
    item = HeatItem(id=label, title=label, feasibility=2)
    return [
        gauge(3, 10, label, cid),
        heat_map(
            {(3, 4): [item]},
            cid,
            x_label=label,
            y_label=label,
            title=label,
            link_for=lambda r, v: f"#{label}",
        ),
        bubble_chart([BubblePoint(label, 2, 3, 4, f"p/{label}")], cid, x_label=label, title=label),
        line_chart({label: [(D1, 0.1), (D2, 0.3)]}, cid, threshold=0.2, y_label=label, title=label),
        bar_chart([(label, 2.0)], cid, title=label),
        metric_comparison(
            [(label, 0.9, 0.8)], cid, left_label=label, right_label=label, title=label, focus=label
        ),
    ]


@pytest.mark.parametrize("index", range(6))
def test_every_chart_is_accessible_scalable_svg(index: int) -> None:
    root = parse(every_chart("Label", "My Chart_1")[index])
    assert root.get("role") == "img"
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox", ""))
    labelled = root.get("aria-labelledby", "").split()
    assert labelled == ["my-chart-1-title", "my-chart-1-desc"]
    found = {el.get("id", ""): local(el) for el in root.iter() if el.get("id")}
    assert found["my-chart-1-title"] == "title" and found["my-chart-1-desc"] == "desc"
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", i) for i in found)
    assert one(root, "svg:desc").text


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_labels_stay_text(hostile: str) -> None:
    for markup in every_chart(hostile):
        root = parse(markup)
        assert "<script" not in str(markup)
        for el in root.iter():
            assert local(el) not in {"script", "b", "foreignObject"}
            assert not any(attr.lower().startswith("on") for attr in el.attrib)
        assert hostile in all_text(root)


@given(st.text(max_size=40))
def test_any_label_gives_well_formed_svg(label: str) -> None:
    for markup in every_chart(label):
        parse(markup)


def test_chart_ids_are_sanitised() -> None:
    root = parse(gauge(1, 2, "x", '9 "A"<b>'))
    assert root.get("aria-labelledby") == "chart-9-a-b-title chart-9-a-b-desc"
    assert parse(gauge(1, 2, "x", "!!!")).get("aria-labelledby") == "chart-title chart-desc"


def test_gauge_prints_value_over_total() -> None:
    root = parse(gauge(3, 10, "Signed off", "g", tone="good"))
    assert [t.text for t in by_class(root, "gauge-number")] == ["3 / 10"]
    assert [t.text for t in by_class(root, "gauge-label")] == ["Signed off"]
    assert "3 of 10 (30%)" in all_text(root)
    assert by_class(root, "tone-good")


def test_gauge_edges() -> None:
    assert not by_class(parse(gauge(0, 0, "none", "g")), "gauge-value")
    full = parse(gauge(12, 10, "over", "g"))
    assert by_class(full, "gauge-value")[0].get("d", "").endswith("178 100")
    with pytest.raises(ValueError, match="tone"):
        gauge(1, 2, "x", "g", tone="purple")


def heat_cells() -> dict[tuple[int, int], list[HeatItem]]:
    return {
        (5, 4): [HeatItem("a", "Alpha", 3), HeatItem("b", "Beta", None)],
        (1, 1): [HeatItem("c", "Gamma")],
    }


def cell(root: ET.Element, risk: int, value: int) -> ET.Element:
    [found] = [
        g
        for g in by_class(root, "heat-cell")
        if g.get("data-risk") == str(risk) and g.get("data-value") == str(value)
    ]
    return found


def test_heat_map_cells_counts_and_links() -> None:
    root = parse(heat_map(heat_cells(), "hm", link_for=lambda r, v: f"risk-{r}-value-{v}.html"))
    cells = by_class(root, "heat-cell")
    assert len(cells) == 25
    assert {(g.get("data-risk"), g.get("data-value")) for g in cells} == {
        (str(r), str(v)) for r in range(1, 6) for v in range(1, 6)
    }
    assert cell(root, 5, 4).get("data-count") == "2"
    assert cell(root, 1, 1).get("data-count") == "1"
    assert sum(g.get("data-count") == "0" for g in cells) == 23
    links = [a.get("href", "") for a in root.iter(f"{SVG}a")]
    assert sorted(links) == ["risk-1-value-1.html", "risk-5-value-4.html"]
    for g in cells:
        assert (g.find(f"{SVG}a") is not None) == (g.get("data-count") != "0")
    tip = cell(root, 5, 4).find(f"{SVG}a/{SVG}title")
    assert (
        tip is not None and tip.text == "Risk 5, Value 4: 2 projects\nAlpha (feasibility 3/5)\nBeta"
    )
    assert "very-high" in cell(root, 5, 5).get("class", "")
    assert "very-low" in cell(root, 1, 1).get("class", "")


def test_heat_map_top_row_is_high_risk() -> None:
    root = parse(heat_map(heat_cells(), "hm"))
    y = {r: float(one(cell(root, r, 1), "svg:rect").get("y", "")) for r in (1, 5)}
    assert y[5] < y[1]


@pytest.mark.parametrize(
    "href", [None, "javascript:alert(1)", " java\tscript:x", "data:text/html,x"]
)
def test_heat_map_drops_missing_or_unsafe_links(href: str | None) -> None:
    root = parse(heat_map(heat_cells(), "hm", link_for=lambda r, v: href))
    assert list(root.iter(f"{SVG}a")) == []


def test_heat_map_rejects_out_of_range_keys() -> None:
    with pytest.raises(ValueError, match="risk"):
        heat_map({(6, 1): []}, "hm")


def test_bubble_chart_sizes_links_and_unknown_feasibility() -> None:
    points = [
        BubblePoint("A", 4, 3, 5, "a.html"),
        BubblePoint("B", 4, 3, 1),
        BubblePoint("C", 1, 1),
    ]
    root = parse(bubble_chart(points, "b"))
    bubbles = by_class(root, "bubble")
    radius = {
        g.get("data-feasibility"): float(one(g, ".//svg:circle").get("r", "")) for g in bubbles
    }
    assert radius["5"] > radius["1"] > 0 and radius[""] > 0
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == ["a.html"]
    assert "?" in all_text(root)
    assert one(parse(bubble_chart([], "b")), ".//svg:text").text == "No data"
    with pytest.raises(ValueError, match="feasibility"):
        bubble_chart([BubblePoint("A", 1, 1, 9)], "b")


def test_line_chart_series_threshold_and_tooltips() -> None:
    series = {"psi": [(D2, 0.3), (D1, 0.12), (D3, math.nan)], "ks": [(D1, 0.05), (D3, math.inf)]}
    root = parse(line_chart(series, "drift", threshold=0.2, y_label="drift"))
    assert len(by_class(root, "series-line")) == 2
    assert len(by_class(root, "threshold-line")) == 1
    assert [t.text for t in by_class(root, "threshold-label")] == ["threshold 0.2"]
    tips = [t.text for t in root.iter(f"{SVG}title")]
    assert "2026-03-01 psi: 0.12" in tips and "2026-03-08 psi: 0.3, above the limit 0.2" in tips
    assert [b.get("data-date") for b in by_class(root, "breach")] == ["2026-03-08"]
    assert "psi: above the limit since 2026-03-08" in all_text(root)
    assert not any("nan" in (t or "").lower() or "inf" in (t or "") for t in tips)
    psi = by_class(root, "series-0")[0]
    xs = [float(p.split(",")[0]) for p in one(psi, "svg:polyline").get("points", "").split()]
    assert xs == sorted(xs) and len(xs) == 2
    shapes = {m.get("class", "").split()[1] for m in by_class(root, "marker")}
    assert shapes == {f"marker-{MARKER_SHAPES[0]}", f"marker-{MARKER_SHAPES[1]}"}
    assert "nan" not in str(line_chart(series, "d")).lower()


def test_line_chart_axes_start_at_zero_and_ticks_fall_on_data() -> None:
    months = [date(2026, m, 1) for m in range(1, 13)]
    values = [0.5 + m / 100 for m in range(12)]
    root = parse(line_chart({"psi": list(zip(months, values, strict=True))}, "x", y_label="psi"))
    assert next(t.text for t in by_class(root, "y-tick")) == "0"
    assert [t.text for t in by_class(root, "axis-label")] == ["psi"]
    x_ticks = [t.text for t in by_class(root, "x-tick")]
    assert 2 <= len(x_ticks) <= 6 and x_ticks[-1] == "2026-12-01"
    assert set(x_ticks) <= {m.isoformat() for m in months}
    long = "a drift figure with a rather long descriptive name"
    legend = parse(line_chart({long: [(D1, 1.0)]}, "x"))
    assert long in [t.text for t in by_class(legend, "legend-label")]


def test_breach_since_is_the_latest_unbroken_run() -> None:
    pts = [(D1, 0.3), (D2, 0.1), (D3, 0.25), (date(2026, 3, 22), 0.4)]
    assert breach_since(pts, 0.2) == D3
    assert breach_since([*pts, (date(2026, 3, 29), 0.1)], 0.2) is None
    assert breach_since([(D1, 0.2)], 0.2) is None  # at the limit is within it


def test_line_chart_without_threshold_single_point_and_flat() -> None:
    root = parse(line_chart({"a": [(D1, 1.0)]}, "x"))
    assert by_class(root, "threshold") == []
    assert len(by_class(root, "marker")) == 2  # the point plus its legend sample
    flat = parse(line_chart({"a": [(D1, 0.0), (D2, 0.0)], "b": []}, "x"))
    assert len(by_class(flat, "series-line")) == 1
    assert "b (no data)" in all_text(flat)


@pytest.mark.parametrize(
    "series",
    [{}, {"a": []}, {"a": [(D1, math.nan)], "b": [(D2, -math.inf)]}],
)
def test_line_chart_no_data(series: dict[str, list[tuple[date, float]]]) -> None:
    root = parse(line_chart(series, "x", threshold=0.2, y_label="psi"))
    assert by_class(root, "no-data") and "No data" in all_text(root)
    assert root.get("role") == "img"


def test_bar_chart_values_and_scale() -> None:
    root = parse(bar_chart([("idea", 2), ("production", 4), ("bad", math.nan)], "b"))
    rows = by_class(root, "bar-row")
    assert [(g.get("data-label"), g.get("data-value")) for g in rows] == [
        ("idea", "2"),
        ("production", "4"),
        ("bad", "n/a"),
    ]
    widths = [float(r.get("width", "")) for r in by_class(root, "bar")]
    assert widths[1] == pytest.approx(2 * widths[0])
    capped = parse(bar_chart([("a", 2), ("b", 40)], "b", max_value=8))
    assert [float(r.get("width", "")) for r in by_class(capped, "bar")] == [75, 300]
    assert "40" in [t.text for t in by_class(capped, "bar-value")]
    assert "No data" in all_text(parse(bar_chart([], "b")))


def test_metric_comparison_pairs_hatch_and_missing() -> None:
    rows = [("AUC", 0.91, 0.89), ("F1", None, 0.7)]
    root = parse(metric_comparison(rows, "cmp", left_label="v2", right_label="prod", focus="AUC"))
    assert len(by_class(root, "bar-left")) == 1 and len(by_class(root, "bar-right")) == 2
    assert [p.get("id") for p in root.iter(f"{SVG}pattern")] == ["cmp-hatch"]
    assert all(r.get("fill") == "url(#cmp-hatch)" for r in by_class(root, "bar-right"))
    assert "n/a" in [t.text for t in by_class(root, "bar-value")]
    assert by_class(root, "focus")[0].get("data-metric") == "AUC"
    assert "metric to focus" in all_text(root)


def test_output_is_deterministic_and_compact() -> None:
    def render() -> list[str]:
        return [str(m) for m in every_chart("x")]

    first = render()
    assert first == render()
    numbers = re.findall(
        r'(?:x|y|x1|x2|y1|y2|cx|cy|r|width|height|points|d)="([^"]*)"', "".join(first)
    )
    assert numbers and not any(re.search(r"\d\.\d{3}", n) for n in numbers)


@pytest.mark.parametrize(
    "build",
    [
        lambda: bar_chart([("a", 1e308), ("b", -1e308)], "b"),
    ],
)
def test_extreme_values_do_not_leak_inf(build: Callable[[], Markup]) -> None:
    text = str(build()).lower()
    parse(build())
    assert "inf" not in text and "nan" not in text
