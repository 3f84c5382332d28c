"""The report's figures, drawn with `charts.py` and adapted to the report's records.

`charts.py` draws; this module decides what goes into each figure at any portfolio size, and
adds what the report needs on top (the project ids carried by each heat-map cell).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Final

from markupsafe import Markup, escape

from govern_as_code.report import charts
from govern_as_code.report.data import ProjectRec, VersionRec
from govern_as_code.report.paths import cell_page, project_page

# Past this many projects a bubble per project would be unreadable: bubbles then stand for
# the projects sharing a risk, value and feasibility, and link to the cell's list.
MAX_BUBBLES: Final = 60
# A heat-map cell names its projects in a data attribute up to this many; bigger cells link to
# their paginated list instead, so the portfolio page stays small at 10,000 projects.
MAX_CELL_IDS: Final = 100
_CELL: Final = re.compile(r'data-risk="([1-5])" data-value="([1-5])"')


def heat_map(projects: Sequence[ProjectRec], root: str) -> Markup:
    """The risk × value matrix; each cell links to its list and carries `data-projects`."""
    cells: dict[tuple[int, int], list[charts.HeatItem]] = defaultdict(list)
    ids: dict[tuple[int, int], list[str]] = defaultdict(list)
    for p in projects:
        q = p.qualification
        if q is not None:
            cells[(q.risk, q.value)].append(charts.HeatItem(p.id, p.title, q.feasibility))
            ids[(q.risk, q.value)].append(p.id)
    svg = charts.heat_map(
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

    return Markup(_CELL.sub(tag, str(svg)))


def feasibility(projects: Sequence[ProjectRec], root: str) -> Markup:
    """The bubble view: value across, risk up, feasibility as bubble size."""
    scored = [p for p in projects if p.qualification is not None]
    points: list[charts.BubblePoint] = []
    if len(scored) <= MAX_BUBBLES:
        for p in scored:
            q = p.qualification
            assert q is not None
            points.append(
                charts.BubblePoint(
                    p.title, q.value, q.risk, q.feasibility, root + project_page(p.id)
                )
            )
    else:
        groups = Counter(
            (q.value, q.risk, q.feasibility) for p in scored if (q := p.qualification) is not None
        )
        for (value, risk, feas), n in sorted(groups.items()):
            points.append(
                charts.BubblePoint(
                    f"{n} projects" if n > 1 else "1 project",
                    value,
                    risk,
                    feas,
                    root + cell_page(risk, value),
                )
            )
    return charts.bubble_chart(points, "feasibility", title="Feasibility by risk and value")


def gauge(value: int, total: int, label: str, chart_id: str, tone: str = "neutral") -> Markup:
    return charts.gauge(value, total, label, chart_id, tone=tone)


def stage_bars(counts: Sequence[tuple[str, int]]) -> Markup:
    return charts.bar_chart(counts, "projects-by-stage", title="Projects by current stage")


def drift(version: VersionRec) -> Markup | None:
    """The version's drift figures over time, one line per figure; None without any."""
    series: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for point in version.drift:
        for name, value in point.values.items():
            series[name].append((point.date, value))
    if not series:
        return None
    return charts.line_chart(
        series, f"drift-{version.id}", y_label="drift", title=f"Drift of {version.id} over time"
    )


def comparison(version: VersionRec, production: VersionRec, focus: str | None) -> Markup | None:
    """Each metric of `version` beside the production version's, the focus metric marked."""
    names = list(dict.fromkeys([*version.performance, *production.performance]))
    if not names:
        return None
    rows = [(n, version.performance.get(n), production.performance.get(n)) for n in names]
    return charts.metric_comparison(
        rows,
        f"compare-{version.id}",
        left_label=version.id,
        right_label=f"{production.id} (production)",
        focus=focus,
        title=f"{version.id} compared with production {production.id}",
    )
