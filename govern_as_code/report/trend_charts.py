"""Time-series charts: drift and other figures over time, each series with its own marker.

Drawn with the primitives of ``svg.py``; each returns ``Markup`` a template emits as is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date

from markupsafe import Markup

from govern_as_code.report.svg import (
    BOLD,
    DASHES,
    END,
    GRID,
    HALO,
    INK,
    MARKER_SHAPES,
    MIDDLE,
    MUTED,
    SERIES_COLOURS,
    VERMILLION,
    WHITE,
    day_text,
    esc,
    fmt_value,
    nice_ticks,
    no_data,
    num,
    pad_range,
    safe_chart_id,
    svg_figure,
    svg_line,
    svg_points,
    svg_rect,
    svg_text,
    usable,
)


def _marker(shape: str, x: float, y: float, colour: str, tip: str = "", s: float = 4.0) -> str:
    title = f"<title>{esc(tip)}</title>" if tip else ""
    paint = f'class="marker marker-{shape}" fill="{colour}" stroke="{WHITE}" stroke-width="1"'
    if shape == "circle":
        return f'<circle {paint} cx="{num(x)}" cy="{num(y)}" r="{num(s)}">{title}</circle>'
    if shape == "square":
        return svg_rect(x - s, y - s, 2 * s, 2 * s, paint)[:-2] + f">{title}</rect>"
    if shape == "cross":
        # "M a b" followed by a second pair is an implicit lineto: two strokes, one path.
        down, up = [(x - s, y - s), (x + s, y + s)], [(x - s, y + s), (x + s, y - s)]
        d = f"M {svg_points(down)} M {svg_points(up)}"
        return (
            f'<path class="marker marker-cross" d="{d}" fill="none" stroke="{colour}" '
            f'stroke-width="2">{title}</path>'
        )
    corners = {
        "triangle": [(0, -1.25), (-1.15, 0.9), (1.15, 0.9)],
        "triangle-down": [(0, 1.25), (-1.15, -0.9), (1.15, -0.9)],
        "diamond": [(0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)],
    }[shape]
    pts = svg_points([(x + dx * s, y + dy * s) for dx, dy in corners])
    return f'<polygon {paint} points="{pts}">{title}</polygon>'


def breach_since(points: Sequence[tuple[date, float]], limit: float) -> date | None:
    """The first date of the unbroken run of points above `limit` that reaches the latest one.

    None when the latest point is within the limit: an old breach since recovered is history.
    """
    since = None
    for day, value in sorted(points, key=lambda p: p[0].toordinal()):
        since = (since or day) if value > limit else None
    return since


def _x_ticks(days: Sequence[int], most: int = 6) -> list[int]:
    """Tick days taken from the data itself, at most `most`, always ending on the latest.

    Evenly spaced calendar ticks would fall between observations (a mid-month date on monthly
    data); every k-th observation counted back from the latest keeps each tick on a data point.
    """
    step = max(1, math.ceil(len(days) / most))
    return sorted(days[::-1][::step])


def line_chart(
    series: Mapping[str, Sequence[tuple[date, float]]],
    chart_id: str,
    *,
    threshold: float | None = None,
    y_label: str = "",
    title: str = "",
) -> Markup:
    """A time chart (e.g. one drift figure) with ticks on data dates and an optional limit.

    The y-axis starts at 0 (or below, for negative values) so a rise is never exaggerated.
    Each series gets its own colour, dash and marker shape (``MARKER_SHAPES``), one
    ``polyline.series-line`` and a ``<title>`` per point such as "2026-03-01 psi: 0.12". With a
    ``threshold`` a dashed ``line.threshold-line`` is drawn at it, every point above it is a
    ``marker breach`` and, when the latest points are above it, the chart says since when.
    NaN and inf points are skipped; with nothing left a small "No data" figure is returned.
    """
    cid = safe_chart_id(chart_id)
    name = title or (f"{y_label} over time" if y_label else "Values over time")
    clean = {
        label: sorted(((d, float(v)) for d, v in pts if usable(v)), key=lambda p: p[0].toordinal())
        for label, pts in series.items()
    }
    values = [v for pts in clean.values() for _, v in pts]
    if not values:
        return no_data("line", cid, name)
    limit = threshold if usable(threshold) else None
    bounds = [0.0, *values, *([limit] if limit is not None else [])]
    ticks = nice_ticks(*pad_range(min(bounds), max(bounds)))
    y0, y1 = ticks[0], ticks[-1]
    days = sorted({d.toordinal() for pts in clean.values() for d, _ in pts})
    d0, d1 = days[0], days[-1]
    left, top, pw, ph = 60.0, 16.0, 520.0, 200.0

    def sx(day: int) -> float:
        return left + pw / 2 if d1 == d0 else left + (day - d0) / (d1 - d0) * pw

    def sy(v: float) -> float:
        return top + ph - (v - y0) / (y1 - y0) * ph

    body: list[str] = []
    for t in ticks:
        body.append(svg_line(left, sy(t), left + pw, sy(t), f'class="grid" stroke="{GRID}"'))
        body.append(
            svg_text(left - 6, sy(t) + 4, fmt_value(t), f' class="tick y-tick" font-size="10"{END}')
        )
    for day in _x_ticks(days):
        body.append(svg_line(sx(day), top + ph, sx(day), top + ph + 4, f'stroke="{MUTED}"'))
        body.append(
            svg_text(
                sx(day),
                top + ph + 16,
                date.fromordinal(day).isoformat(),
                f' class="tick x-tick" font-size="10"{MIDDLE}',
            )
        )
    body.append(
        f'<path class="axis" d="M {num(left)} {num(top)} V {num(top + ph)} H '
        f'{num(left + pw)}" fill="none" stroke="{MUTED}"/>'
    )
    if y_label:
        mid = top + ph / 2
        body.append(
            svg_text(
                14,
                mid,
                y_label,
                f' class="axis-label"{MIDDLE} transform="rotate(-90 14 {num(mid)})"',
            )
        )
    if limit is not None:
        text = f"threshold {fmt_value(limit)}"
        body.append(
            f'<g class="threshold" data-value="{fmt_value(limit)}"><title>{esc(text)}</title>'
            + svg_line(
                left,
                sy(limit),
                left + pw,
                sy(limit),
                f'class="threshold-line" stroke="{INK}" stroke-width="1.5" stroke-dasharray="6 4"',
            )
            + svg_text(
                left + pw - 4,
                sy(limit) - 5,
                text,
                f' class="threshold-label" font-size="10"{END}{HALO}',
            )
            + "</g>"
        )
    summary: list[str] = []
    legend_y = top + ph + 36
    widest = 0.0
    for i, (label, pts) in enumerate(clean.items()):
        # Colour/dash and marker cycle out of step, so up to 36 series stay distinguishable.
        colour, dash, shape = SERIES_COLOURS[i % 6], DASHES[i % 6], MARKER_SHAPES[(i + i // 6) % 6]
        stroke = f'fill="none" stroke="{colour}" stroke-width="2"'
        stroke += f' stroke-dasharray="{dash}"' if dash else ""
        since = breach_since(pts, limit) if limit is not None else None
        if pts:
            coords = [(sx(d.toordinal()), sy(v)) for d, v in pts]
            marks = "".join(
                _point(shape, x, y, colour, d, label, v, limit)
                for (d, v), (x, y) in zip(pts, coords, strict=True)
            )
            body.append(
                f'<g class="series series-{i}" data-series="{esc(label)}"><polyline '
                f'class="series-line" points="{svg_points(coords)}" {stroke}/>{marks}</g>'
            )
            last_day, last = pts[-1]
            note = f"{label}: {len(pts)} points, latest {fmt_value(last)} on {day_text(last_day)}"
            if limit is not None:
                note += f", {sum(v > limit for _, v in pts)} above the threshold"
            if since is not None:
                note += f", above the limit since {day_text(since)}"
            summary.append(note)
        else:
            summary.append(f"{label}: no data")
        legend = label + ("" if pts else " (no data)")
        if since is not None:
            legend += f": above the limit since {day_text(since)}"
        # One legend entry per row, never clipped: the figure widens for a long name.
        widest = max(widest, 30 + len(legend) * 6.6)
        body.append(
            f'<g class="legend-item{" breached" if since else ""}">'
            + svg_line(left, legend_y - 4, left + 24, legend_y - 4, stroke)
            + _marker(shape, left + 12, legend_y - 4, colour)
            + svg_text(left + 30, legend_y, legend, f' class="legend-label"{BOLD if since else ""}')
            + "</g>"
        )
        legend_y += 18
    desc = f"{name}: {len(clean)} series from {date.fromordinal(d0)} to {date.fromordinal(d1)}"
    desc += f", threshold {fmt_value(limit)}. " if limit is not None else ". "
    size = (max(left + pw + 36, left + widest + 12), legend_y - 6)
    return svg_figure("line", cid, size, name, desc + "; ".join(summary) + ".", body)


def _point(
    shape: str, x: float, y: float, colour: str, d: date, label: str, v: float, limit: float | None
) -> str:
    tip = f"{day_text(d)} {label}: {fmt_value(v)}"
    if limit is None or v <= limit:
        return _marker(shape, x, y, colour, tip)
    # A breach is drawn twice over, ring and colour, so it reads in greyscale print too.
    tip += f", above the limit {fmt_value(limit)}"
    return (
        f'<g class="breach" data-date="{day_text(d)}">'
        f'<circle cx="{num(x)}" cy="{num(y)}" r="8" fill="none" stroke="{VERMILLION}" '
        f'stroke-width="2"/>' + _marker(shape, x, y, VERMILLION, tip) + "</g>"
    )
