"""The report's figures, drawn by the chart modules and adapted to the report's records.

`portfolio_charts.py`, `trend_charts.py` and `bar_charts.py` draw; this module decides what
goes into each figure at any portfolio size, and adds what the report needs on top (the project
ids carried by each heat-map cell).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from markupsafe import Markup, escape

from govern_as_code.report import bar_charts, portfolio_charts, trend_charts
from govern_as_code.report.data import ProjectRec, VersionRec
from govern_as_code.report.paths import Link, cell_page, project_page

# Past this many projects a bubble per project would be unreadable: bubbles then stand for
# the projects sharing a risk, value and feasibility, and link to the cell's list.
MAX_BUBBLES: Final = 60
# A heat-map cell names its projects in a data attribute up to this many; bigger cells link to
# their paginated list instead, so the portfolio page stays small at 10,000 projects.
MAX_CELL_IDS: Final = 100
# portfolio_charts.heat_map names every project of a cell in its tooltip and description; past
# this many in one cell the texts are rewritten to name the first few and count the rest.
MAX_NAMED: Final = 10
_CELL: Final = re.compile(r'data-risk="([1-5])" data-value="([1-5])"')
_CELL_TITLE: Final = re.compile(
    r'(<g class="heat-cell[^"]*" data-risk="([1-5])" data-value="([1-5])"[^>]*>'
    r"(?:<a [^>]*>)?<title>)[^<]*(</title>)"
)
_DESC: Final = re.compile(r"(<desc id=\"[^\"]*\">)[^<]*(</desc>)")


def heat_map(projects: Sequence[ProjectRec], root: str) -> Markup:
    """The risk × value matrix; each cell links to its list and carries `data-projects`."""
    cells: dict[tuple[int, int], list[portfolio_charts.HeatItem]] = defaultdict(list)
    ids: dict[tuple[int, int], list[str]] = defaultdict(list)
    for p in projects:
        q = p.qualification
        if q is not None:
            cells[(q.risk, q.value)].append(portfolio_charts.HeatItem(p.id, p.title, q.feasibility))
            ids[(q.risk, q.value)].append(p.id)
    svg = portfolio_charts.heat_map(
        cells,
        "risk-value",
        x_label="Value",
        y_label="Risk",
        link_for=lambda r, v: root + cell_page(r, v),
    )

    def tag(match: re.Match[str]) -> str:
        names = ids.get((int(match.group(1)), int(match.group(2))), [])
        listed = " ".join(names) if len(names) <= MAX_CELL_IDS else ""
        return f'{match.group(0)} data-projects="{escape(listed)}"'

    text = _CELL.sub(tag, str(svg))
    if any(len(items) > MAX_NAMED for items in cells.values()):
        text = _shorten(text, cells)
    return Markup(text)


def _named(items: Sequence[portfolio_charts.HeatItem]) -> str:
    names = ", ".join(i.title for i in items[:MAX_NAMED])
    return names + (f" and {len(items) - MAX_NAMED} more" if len(items) > MAX_NAMED else "")


def _shorten(svg: str, cells: dict[tuple[int, int], list[portfolio_charts.HeatItem]]) -> str:
    """The heat map's texts naming at most `MAX_NAMED` projects per cell (escaped here)."""

    def head(risk: int, value: int) -> str:
        n = len(cells.get((risk, value), []))
        return f"Risk {risk}, Value {value}: {n} project{'s' if n != 1 else ''}"

    def title(match: re.Match[str]) -> str:
        risk, value = int(match.group(2)), int(match.group(3))
        items = cells.get((risk, value), [])
        text = head(risk, value) + (f"\n{_named(items)}" if items else "")
        return f"{match.group(1)}{escape(text)}{match.group(4)}"

    total = sum(len(items) for items in cells.values())
    desc = f"{total} projects on a 5 by 5 grid of Risk (rows, 5 at the top) against Value "
    desc += "(columns, 5 at the right). " + "; ".join(
        f"{head(r, v)} ({_named(items)})" for (r, v), items in sorted(cells.items()) if items
    )
    svg = _CELL_TITLE.sub(title, svg)
    return _DESC.sub(lambda m: f"{m.group(1)}{escape(desc)}.{m.group(2)}", svg, count=1)


def feasibility(projects: Sequence[ProjectRec], root: str) -> tuple[Markup, list[Link]]:
    """The bubble view (value across, risk up, feasibility as size) and its numbered key.

    Bubbles are labelled with a number, not a title: titles beside neighbouring bubbles run
    into each other. The key lists the projects by those numbers, as links.
    """
    scored = [p for p in projects if p.qualification is not None]
    points: list[portfolio_charts.BubblePoint] = []
    key: list[Link] = []
    if len(scored) <= MAX_BUBBLES:
        for n, p in enumerate(scored, 1):
            q = p.qualification
            assert q is not None
            points.append(
                portfolio_charts.BubblePoint(
                    str(n), q.value, q.risk, q.feasibility, root + project_page(p.id)
                )
            )
            key.append(Link(project_page(p.id), p.title))
    else:
        # One bubble per cell, sized by the cell's median feasibility: five sizes fanned out
        # in each of 25 cells would hide each other.
        cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        for p in scored:
            if (q := p.qualification) is not None:
                cells[(q.value, q.risk)].append(q.feasibility)
        for (value, risk), scores in sorted(cells.items()):
            median = sorted(scores)[len(scores) // 2]
            points.append(
                portfolio_charts.BubblePoint(
                    f"×{len(scores)}", value, risk, median, root + cell_page(risk, value)
                )
            )
    return portfolio_charts.bubble_chart(
        points, "feasibility", title="Feasibility by risk and value"
    ), key


@dataclass(frozen=True)
class Gauge:
    """A gauge and its caption; the page prints the caption, larger than the SVG could."""

    svg: Markup
    label: str
    note: str = ""


def gauge(
    value: int, total: int, label: str, chart_id: str, tone: str = "neutral", note: str = ""
) -> Gauge:
    """A half-ring gauge of `value` out of `total`, with the caption the page prints."""
    return Gauge(portfolio_charts.gauge(value, total, label, chart_id, tone=tone), label, note)


@dataclass(frozen=True)
class DriftFigure:
    """One drift figure of a version over time, its limit, and since when it is above it."""

    metric: str
    svg: Markup
    latest: float
    latest_on: date
    limit: float | None
    since: date | None  # the start of the breach that reaches the latest observation


def drift(version: VersionRec) -> tuple[DriftFigure, ...]:
    """The version's drift figures, one chart per figure, each with its policy limit.

    One chart each, never several on one axis: figures of different scales (a PSI of 0.3, a
    KS of 0.05, a count of 1,200) would flatten each other, and each has its own limit.
    """
    series: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for point in version.drift:
        for name, value in point.values.items():
            series[name].append((point.date, value))
    out = []
    for n, (name, points) in enumerate(series.items()):
        points.sort(key=lambda p: p[0].toordinal())
        limit = version.drift_limits.get(name)
        out.append(
            DriftFigure(
                metric=name,
                svg=trend_charts.line_chart(
                    {name: points},
                    # The number keeps ids apart when two names slug alike ("a b", "a-b").
                    f"drift-{version.id}-{n}-{name}",
                    threshold=limit,
                    y_label=name,
                    title=f"Drift of {version.id}: {name} over time",
                ),
                latest=points[-1][1],
                latest_on=points[-1][0],
                limit=limit,
                since=None if limit is None else trend_charts.breach_since(points, limit),
            )
        )
    return tuple(out)


# Metric names where a smaller value is the better one; any other metric is "higher is better".
# Matched as whole words of the name ("val_loss", "rmse", "false_decline_rate").
_LOWER_IS_BETTER: Final = re.compile(
    r"(?:^|[^a-z])(?:loss|logloss|error|err|rmse|mse|mae|mape|smape|rmsle|brier|"
    r"fpr|fnr|false[_ -]?[a-z]+|miss[_ -]?rate|"
    r"latency|cost|perplexity|ece|calibration[_ -]?error|wer|cer)(?:$|[^a-z])",
    re.IGNORECASE,
)


def better_direction(metric: str) -> str:
    """ "lower" if a smaller value of `metric` is better (errors, losses, rates of mistakes)."""
    return "lower" if _LOWER_IS_BETTER.search(metric) else "higher"


def comparison(version: VersionRec, production: VersionRec, focus: str | None) -> Markup | None:
    """Each metric of `version` beside the production version's, one row and scale each."""
    names = list(dict.fromkeys([*version.performance, *production.performance]))
    if not names:
        return None
    rows = [(n, version.performance.get(n), production.performance.get(n)) for n in names]
    return bar_charts.metric_comparison(
        rows,
        f"compare-{version.id}",
        left_label=version.id,
        right_label=f"{production.id} (production)",
        focus=focus,
        title=f"{version.id} compared with production {production.id}",
        directions={n: better_direction(n) for n in names},
    )
