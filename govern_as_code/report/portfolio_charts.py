"""Portfolio-level charts: a gauge of a count, the risk × value heat map, the feasibility bubbles.

Drawn with the primitives of ``svg.py``; each returns ``Markup`` a template emits as is.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from govern_as_code.report.svg import (
    BLUE,
    BOLD,
    END,
    GRID,
    HALO,
    INK,
    MIDDLE,
    MUTED,
    PRIORITY_COLOURS,
    PRIORITY_NAMES,
    SKY,
    TONE_COLOURS,
    TRACK,
    WHITE,
    check_level,
    clip,
    count_projects,
    esc,
    no_data,
    num,
    safe_chart_id,
    safe_href,
    svg_figure,
    svg_rect,
    svg_text,
)


@dataclass(frozen=True)
class HeatItem:
    """One project placed on the risk × value matrix."""

    id: str
    title: str
    feasibility: int | None = None


@dataclass(frozen=True)
class BubblePoint:
    """One project on the feasibility view; ``href`` (if safe) makes the bubble a link."""

    label: str
    value: int
    risk: int
    feasibility: int | None = None
    href: str | None = None


def gauge(value: int, total: int, label: str, chart_id: str, *, tone: str = "neutral") -> Markup:
    """A half-ring gauge of ``value`` out of ``total``, printed as the text "value / total".

    ``tone`` (a key of ``TONE_COLOURS``) only colours the arc and is named in the description;
    the numbers carry the data. A ``total`` of zero or less draws an empty ring.
    """
    if tone not in TONE_COLOURS:
        raise ValueError(f"unknown tone {tone!r}; expected one of {sorted(TONE_COLOURS)}")
    cid = safe_chart_id(chart_id)
    frac = min(max(value / total, 0.0), 1.0) if total > 0 else 0.0
    cx, cy, r = 100.0, 100.0, 78.0
    arc = f"M {num(cx - r)} {num(cy)} A {num(r)} {num(r)} 0 0 1"
    paint = 'fill="none" stroke-width="18"'
    body = [
        f'<path class="gauge-track" d="{arc} {num(cx + r)} {num(cy)}" stroke="{TRACK}" {paint}/>'
    ]
    if frac > 0:
        ex, ey = cx + r * math.cos(math.pi * (1 - frac)), cy - r * math.sin(math.pi * frac)
        end = f"{num(ex)} {num(ey)}"
        colour = TONE_COLOURS[tone]
        body.append(
            f'<path class="gauge-value tone-{tone}" d="{arc} {end}" stroke="{colour}" {paint}/>'
        )
    number = f' class="gauge-number" font-size="24"{MIDDLE}{BOLD}'
    body.append(svg_text(cx, cy - 8, f"{value} / {total}", number))
    body.append(
        svg_text(cx, cy + 22, clip(label, 30), f' class="gauge-label" font-size="12"{MIDDLE}')
    )
    desc = f"{label}: {value} of {total}" + (f" ({round(frac * 100)}%)." if total > 0 else ".")
    desc += f" Status: {tone}." if tone != "neutral" else ""
    return svg_figure("gauge", cid, (200, 132), label, desc, body)


def _priority(risk: int, value: int) -> int:
    return next(i for i, top in enumerate((3, 6, 10, 16, 25)) if risk * value <= top)


def heat_map(
    cells: Mapping[tuple[int, int], Sequence[HeatItem]],
    chart_id: str,
    *,
    x_label: str = "Value",
    y_label: str = "Risk",
    link_for: Callable[[int, int], str | None] | None = None,
    title: str = "Projects by risk and value",
) -> Markup:
    """A 5×5 matrix keyed ``(risk, value)``: risk 1..5 bottom to top, value 1..5 left to right.

    Every cell prints its project count, is shaded by the risk × value priority and carries
    ``data-risk``/``data-value``/``data-count``; non-empty cells link to ``link_for(risk,
    value)`` when that returns a safe URL. Keys outside 1..5 raise ``ValueError``.
    """
    for risk, value in cells:
        check_level("risk", risk)
        check_level("value", value)
    cid, size, left, top = safe_chart_id(chart_id), 60.0, 56.0, 12.0
    body: list[str] = []
    summary: list[str] = []
    for risk in range(5, 0, -1):
        for value in range(1, 6):
            items = list(cells.get((risk, value), ()))
            n, level = len(items), _priority(risk, value)
            x, y = left + (value - 1) * size, top + (5 - risk) * size
            head = f"{y_label} {risk}, {x_label} {value}: {count_projects(n)}"
            names = [
                i.title + (f" (feasibility {i.feasibility}/5)" if i.feasibility is not None else "")
                for i in items
            ]
            if items:
                summary.append(f"{head} ({', '.join(i.title for i in items)})")
            fill = f'fill="{PRIORITY_COLOURS[level]}"' + ("" if n else ' fill-opacity="0.35"')
            ink = (WHITE if level >= 3 else INK) if n else MUTED
            look = f' font-size="18"{BOLD}' if n else ' font-size="12"'
            inner = (
                f"<title>{esc(chr(10).join([head, *names]))}</title>"
                + svg_rect(x + 1, y + 1, size - 2, size - 2, f'rx="3" {fill}')
                + svg_text(
                    x + size / 2,
                    y + size / 2 + (6 if n else 4),
                    str(n),
                    f'{MIDDLE} fill="{ink}"{look}',
                )
            )
            href = safe_href(link_for(risk, value)) if n and link_for else None
            if href is not None:
                inner = f'<a href="{esc(href)}" class="heat-link">{inner}</a>'
            cls = f"heat-cell priority-{PRIORITY_NAMES[level]}" + ("" if n else " empty")
            body.append(
                f'<g class="{cls}" data-risk="{risk}" data-value="{value}" '
                f'data-count="{n}">{inner}</g>'
            )
    body += _grid_axes(left, top, size, x_label, y_label)
    total = sum(len(items) for items in cells.values())
    desc = (
        f"{count_projects(total)} on a 5 by 5 grid of {y_label} (rows, 5 at the top) against "
        f"{x_label} (columns, 5 at the right). "
    )
    desc += "; ".join(summary) + "." if summary else "No projects placed."
    return svg_figure(
        "heat-map", cid, (left + 5 * size + 12, top + 5 * size + 44), title, desc, body
    )


def _grid_axes(left: float, top: float, size: float, x_label: str, y_label: str) -> list[str]:
    bottom, mid = top + 5 * size, top + 2.5 * size
    out = [
        svg_text(left - 8, bottom - (k - 0.5) * size + 4, str(k), f' class="tick"{END}')
        for k in range(1, 6)
    ]
    out += [
        svg_text(left + (k - 0.5) * size, bottom + 16, str(k), f' class="tick"{MIDDLE}')
        for k in range(1, 6)
    ]
    axis = f' class="axis-label" font-size="12"{MIDDLE}{BOLD}'
    out.append(svg_text(left + 2.5 * size, bottom + 36, x_label, axis))
    out.append(svg_text(16, mid, y_label, f'{axis} transform="rotate(-90 16 {num(mid)})"'))
    return out


def bubble_chart(
    points: Sequence[BubblePoint],
    chart_id: str,
    *,
    x_label: str = "Value",
    y_label: str = "Risk",
    title: str = "Feasibility by risk and value",
) -> Markup:
    """Feasibility view: x = value, y = risk (both 1..5), bubble radius = feasibility (1..5).

    The feasibility is also printed inside each bubble; an unassessed one is a small dashed
    ring with "?". Points sharing a cell fan out around its centre. Levels outside 1..5 raise
    ``ValueError``; an empty sequence gives a "No data" figure.
    """
    cid = safe_chart_id(chart_id)
    if not points:
        return no_data("bubble", cid, title)
    for p in points:
        check_level("value", p.value)
        check_level("risk", p.risk)
        if p.feasibility is not None:
            check_level("feasibility", p.feasibility)
    size, left, top = 70.0, 56.0, 12.0
    body = [
        svg_rect(left + c * size, top + r * size, size, size, f'fill="none" stroke="{GRID}"')
        for r in range(5)
        for c in range(5)
    ]
    shared: dict[tuple[int, int], list[int]] = {}
    for index, p in enumerate(points):
        shared.setdefault((p.value, p.risk), []).append(index)
    placed: list[tuple[float, int, str]] = []
    for index, p in enumerate(points):
        group, f = shared[(p.value, p.risk)], p.feasibility
        cx, cy = left + (p.value - 0.5) * size, top + (5.5 - p.risk) * size
        if len(group) > 1:
            angle = -math.pi / 2 + 2 * math.pi * group.index(index) / len(group)
            cx, cy = cx + 20 * math.cos(angle), cy + 20 * math.sin(angle)
        radius = 5 + 3.5 * f if f is not None else 7.0
        paint = (
            f'fill="{SKY}" fill-opacity="0.6" stroke="{BLUE}"'
            if f is not None
            else f'fill="{WHITE}" stroke="{MUTED}" stroke-dasharray="3 2"'
        )
        feas = f"feasibility {f}/5" if f is not None else "feasibility not assessed"
        inner = (
            f"<title>{esc(f'{p.label}: {x_label} {p.value}, {y_label} {p.risk}, {feas}')}"
            f'</title><circle cx="{num(cx)}" cy="{num(cy)}" r="{num(radius)}" {paint} '
            'stroke-width="1.5"/>'
            + svg_text(cx, cy + 3.5, "?" if f is None else str(f), f' font-size="10"{MIDDLE}{BOLD}')
            + svg_text(
                cx + radius + 3,
                cy + 4,
                clip(p.label, 18),
                f' class="bubble-label" font-size="10"{HALO}',
            )
        )
        href = safe_href(p.href)
        if href is not None:
            inner = f'<a href="{esc(href)}" class="bubble-link">{inner}</a>'
        data = f'data-value="{p.value}" data-risk="{p.risk}" data-feasibility="{f or ""}"'
        # Big bubbles first so small ones stay visible and clickable on top of them.
        placed.append((-radius, index, f'<g class="bubble" {data}>{inner}</g>'))
    body += [svg for _, _, svg in sorted(placed)]
    body += _grid_axes(left, top, size, x_label, y_label)
    note = "Bubble size and number = feasibility (1–5); dashed ring = not assessed."
    body.append(
        svg_text(left, top + 5 * size + 56, note, f' class="legend" font-size="10" fill="{MUTED}"')
    )
    desc = f"{len(points)} projects by {x_label} and {y_label}: " + "; ".join(
        f"{p.label} at {x_label} {p.value}, {y_label} {p.risk}, feasibility "
        + (str(p.feasibility) if p.feasibility is not None else "not assessed")
        for p in points
    )
    size_ = (left + 5 * size + 110, top + 5 * size + 64)
    return svg_figure("bubble", cid, size_, title, desc + ".", body)
