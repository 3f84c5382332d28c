"""Bar charts: horizontal bars with their values, and paired bars comparing two versions.

Drawn with the primitives of ``svg.py``; each returns ``Markup`` a template emits as is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from markupsafe import Markup

from govern_as_code.report.svg import (
    BLUE,
    BOLD,
    END,
    INK,
    MUTED,
    ORANGE,
    WHITE,
    clip,
    esc,
    fmt_value,
    no_data,
    safe_chart_id,
    svg_figure,
    svg_line,
    svg_rect,
    svg_text,
    usable,
)


def _hscale(
    values: Sequence[float | None], x: float, width: float, top: float | None = None
) -> Callable[[float], float]:
    finite = [v for v in values if usable(v)]
    lo = min([0.0, *finite])
    hi = top if top is not None else max([0.0, *finite])
    hi = hi if hi > lo else lo + 1
    return lambda v: x + (min(max(v, lo), hi) - lo) / (hi - lo) * width


def _hbar(scale: Callable[[float], float], v: float | None, y: float, h: float, paint: str) -> str:
    zero = scale(0.0)
    if not usable(v):
        return svg_text(
            zero + 4, y + h - 3, "n/a", f' class="bar-value" font-size="10" fill="{MUTED}"'
        )
    end = scale(v)
    return svg_rect(min(zero, end), y, abs(end - zero), h, paint) + svg_text(
        max(zero, end) + 4, y + h - 3, fmt_value(v), ' class="bar-value" font-size="10"'
    )


def _zero_line(scale: Callable[[float], float], start: float, y1: float, y2: float) -> list[str]:
    # Only when negatives moved zero off the left edge; there the bars' own start marks it.
    zero = scale(0.0)
    return [svg_line(zero, y1, zero, y2, f'class="zero" stroke="{INK}"')] if zero > start else []


def bar_chart(
    bars: Sequence[tuple[str, float]],
    chart_id: str,
    *,
    max_value: float | None = None,
    title: str = "",
) -> Markup:
    """Horizontal bars (e.g. projects per stage), each followed by its value as text.

    ``max_value`` fixes the end of the scale (longer bars are clipped, their label stays
    true); by default the largest value is used. Negative values extend left of a zero line.
    """
    cid = safe_chart_id(chart_id)
    name = title or "Bar chart"
    if not bars:
        return no_data("bar", cid, name)
    bar_x, bar_w, top, row = 158.0, 300.0, 6.0, 24.0
    scale = _hscale([v for _, v in bars], bar_x, bar_w, max_value if usable(max_value) else None)
    body: list[str] = []
    for i, (label, v) in enumerate(bars):
        y = top + i * row
        body.append(
            f'<g class="bar-row" data-label="{esc(label)}" data-value="{fmt_value(v)}">'
            f"<title>{esc(f'{label}: {fmt_value(v)}')}</title>"
            + svg_text(bar_x - 8, y + 16, clip(label, 24), f' class="bar-label"{END}')
            + _hbar(scale, v, y + 4, 16, f'class="bar" fill="{BLUE}"')
            + "</g>"
        )
    body += _zero_line(scale, bar_x, top, top + len(bars) * row)
    desc = f"{name}: " + "; ".join(f"{label} {fmt_value(v)}" for label, v in bars) + "."
    return svg_figure("bar", cid, (bar_x + bar_w + 64, 2 * top + len(bars) * row), name, desc, body)


def better_of(direction: str, a: float | None, b: float | None) -> str:
    """ "left", "right" or "" (equal, unknown or missing): which value is the better one."""
    if not usable(a) or not usable(b) or a == b or direction not in ("higher", "lower"):
        return ""
    return "left" if (a > b) == (direction == "higher") else "right"


def metric_comparison(
    rows: Sequence[tuple[str, float | None, float | None]],
    chart_id: str,
    *,
    left_label: str,
    right_label: str,
    title: str = "",
    focus: str | None = None,
    directions: Mapping[str, str] | None = None,
) -> Markup:
    """Paired bars per metric: ``left_label`` solid blue, ``right_label`` hatched orange.

    Typically this version against the production one. Each metric is one row on its own
    scale from 0, so an AUC of 0.86 stays readable beside a lift of 4.2 or an error of 1,200;
    the values are printed, and ``directions`` ("higher" or "lower" is better, per metric) puts
    the direction and a "better" mark on the row. A missing value prints "n/a". The row named
    ``focus`` (Dataiku's "metric to focus") is bold and captioned "metric to focus".
    """
    cid = safe_chart_id(chart_id)
    name = title or f"{left_label} compared with {right_label}"
    if not rows:
        return no_data("comparison", cid, name)
    ways = directions or {}
    bar_x, bar_w, top, row = 200.0, 260.0, 46.0, 48.0
    hatch = f"{cid}-hatch"
    solid, hatched = f'fill="{BLUE}"', f'fill="url(#{hatch})" stroke="{ORANGE}"'
    body = [
        f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{ORANGE}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{WHITE}" stroke-width="2.5"/></pattern></defs>',
        # Stacked, never clipped: version ids and "(production)" are long.
        '<g class="legend">'
        + svg_rect(bar_x, 6, 12, 12, solid)
        + svg_text(bar_x + 16, 16, left_label, ' class="legend-label"')
        + svg_rect(bar_x, 24, 12, 12, hatched)
        + svg_text(bar_x + 16, 34, right_label, ' class="legend-label"')
        + "</g>",
    ]
    notes = []
    for i, (metric, a, b) in enumerate(rows):
        y, is_focus = top + i * row, focus is not None and metric == focus
        way = ways.get(metric, "")
        better = better_of(way, a, b)
        # Each row its own scale: metrics of different units never squash each other.
        scale = _hscale([a, b], bar_x, bar_w)
        tip = f"{metric}: {left_label} {fmt_value(a)}, {right_label} {fmt_value(b)}"
        caption = f"{way} is better" if way else ""
        if better:
            winner = left_label if better == "left" else right_label
            caption += f", {winner} better"
            tip += f"; {way} is better: {winner} is better"
        parts = [
            f"<title>{esc(tip)}</title>",
            svg_text(
                bar_x - 8,
                y + 18,
                clip(metric, 28),
                f' class="metric-label"{END}' + (BOLD if is_focus else ""),
            ),
            _hbar(scale, a, y + 4, 14, f'class="bar bar-left" {solid}'),
            _hbar(scale, b, y + 22, 14, f'class="bar bar-right" {hatched}'),
        ]
        if way:
            arrow = "↑" if way == "higher" else "↓"
            parts.append(
                svg_text(
                    bar_x - 8,
                    y + 31,
                    f"{arrow} {way} is better",
                    f' class="direction" font-size="9" fill="{MUTED}"{END}',
                )
            )
        if better:
            by = y + 4 if better == "left" else y + 22
            parts.append(
                svg_text(bar_x + bar_w + 40, by + 11, "✓ better", ' class="better" font-size="10"')
            )
        if is_focus:
            parts.append(
                svg_text(
                    bar_x - 8, y + 42, "metric to focus", f' font-size="9" fill="{MUTED}"{END}'
                )
            )
        cls = "metric-row focus" if is_focus else "metric-row"
        body.append(
            f'<g class="{cls}" data-metric="{esc(metric)}" data-better="{better}">'
            f"{''.join(parts)}</g>"
        )
        notes.append(
            tip
            if not caption
            else f"{metric}: {left_label} {fmt_value(a)}, {right_label} {fmt_value(b)} ({caption})"
        )
    desc = f"{name}, each metric on its own scale from 0. " + "; ".join(notes) + "."
    desc += f" Metric to focus: {focus}." if focus else ""
    longest = max(len(left_label), len(right_label))
    size = (max(bar_x + bar_w + 100, bar_x + 24 + longest * 6.6), top + len(rows) * row + 6)
    return svg_figure("comparison", cid, size, name, desc, body)
