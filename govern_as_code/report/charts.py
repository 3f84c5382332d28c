"""Inline SVG charts for the static governance report.

Each function returns ``Markup`` that a Jinja template can emit as is: no JavaScript, no
external assets, and it prints. Labels come from user YAML, so every piece of text goes
through ``_e`` before it touches markup and every coordinate through ``_n``. Each chart has
``role="img"`` and a ``<title>``/``<desc>`` pair saying in words what it shows, and values are
always written as text or shapes too, never carried by colour alone.

The ``width``/``height`` attributes only give the intrinsic size; with the ``viewBox`` a report
stylesheet rule such as ``svg.chart { max-width: 100%; height: auto }`` makes them scale.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from markupsafe import Markup, escape

# Okabe–Ito palette: stays distinguishable under the common colour-vision deficiencies.
BLUE: Final = "#0072B2"
ORANGE: Final = "#E69F00"
SKY: Final = "#56B4E9"
GREEN: Final = "#009E73"
VERMILLION: Final = "#D55E00"
PURPLE: Final = "#CC79A7"
INK: Final = "#222222"
MUTED: Final = "#666666"
GRID: Final = "#D9D9D9"
TRACK: Final = "#E6E6E6"
WHITE: Final = "#FFFFFF"

SERIES_COLOURS: Final = (BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY)
TONE_COLOURS: Final[Mapping[str, str]] = {
    "neutral": BLUE,
    "good": GREEN,
    "warning": ORANGE,
    "bad": VERMILLION,
}
# Single-hue sequential ramp (ColorBrewer YlOrBr): lightness alone carries the order, so the
# matrix still reads in greyscale print and for every kind of colour vision.
PRIORITY_COLOURS: Final = ("#FFF7BC", "#FEE391", "#FEC44F", "#EC7014", "#993404")
PRIORITY_NAMES: Final = ("very-low", "low", "medium", "high", "very-high")
MARKER_SHAPES: Final = ("circle", "square", "triangle", "diamond", "triangle-down", "cross")
_DASHES: Final = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 3")

_FONT: Final = "system-ui, -apple-system, 'Segoe UI', sans-serif"
# Characters XML 1.0 forbids even as references; YAML escapes like "\x01" can produce them.
_XML_INVALID: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SCHEME: Final = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_SAFE_SCHEMES: Final = frozenset({"http", "https", "mailto"})


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


def _e(text: object) -> str:
    # A plain str, not Markup: ``"<g>" + Markup(...)`` would escape our own tags again.
    return str(escape(_XML_INVALID.sub("", str(text))))


def _n(x: float) -> str:
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _fmt(v: float) -> str:
    """A number for people: integers as such, otherwise three significant digits."""
    if not math.isfinite(v):
        return "n/a"
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _count(n: int) -> str:
    return "1 project" if n == 1 else f"{n} projects"


def _chart_id(raw: str) -> str:
    cid = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]+", "-", raw.lower())).strip("-")
    if not cid:
        return "chart"
    # Ids starting with a digit need escaping in CSS selectors; avoid that trap for callers.
    return cid if cid[0].isalpha() else f"chart-{cid}"


def _safe_href(href: str | None) -> str | None:
    if not href:
        return None
    # Browsers drop whitespace and controls inside a scheme, so "java\tscript:" is javascript:.
    m = _SCHEME.match(re.sub(r"[\x00-\x20\x7f]", "", href))
    if m and m.group(1).lower() not in _SAFE_SCHEMES:
        return None
    return href


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: float = 11,
    anchor: str = "start",
    cls: str = "",
    fill: str = INK,
    bold: bool = False,
    extra: str = "",
) -> str:
    attrs = f' class="{cls}"' if cls else ""
    attrs += ' font-weight="bold"' if bold else ""
    return (
        f'<text{attrs} x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" text-anchor="{anchor}" '
        f'fill="{fill}"{extra}>{_e(content)}</text>'
    )


def _svg(
    kind: str, cid: str, size: tuple[float, float], title: str, desc: str, body: Sequence[str]
) -> Markup:
    w, h = _n(size[0]), _n(size[1])
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" data-chart="{cid}" '
        f'viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" font-family="{_FONT}">'
        f'<title id="{cid}-title">{_e(title)}</title><desc id="{cid}-desc">{_e(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _no_data(kind: str, cid: str, title: str, size: tuple[float, float] = (240, 40)) -> Markup:
    text = _text(size[0] / 2, size[1] / 2 + 4, "No data", anchor="middle", fill=MUTED)
    return _svg(
        kind, cid, size, title, f"{title}: no data to show.", [f'<g class="no-data">{text}</g>']
    )


def _nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    span = hi - lo
    if not math.isfinite(span) or span <= 0:
        return [lo, hi]
    raw = span / max(count - 1, 1)
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * mag >= raw)
    start = math.floor(lo / step) * step
    steps = max(1, math.ceil(round((hi - start) / step, 9)))
    return [float(f"{start + i * step:.12g}") for i in range(steps + 1)]


def _pad_range(lo: float, hi: float) -> tuple[float, float]:
    if hi > lo:
        return lo, hi
    if lo == 0:
        return 0.0, 1.0
    pad = abs(lo) * 0.1
    return lo - pad, hi + pad


def _check_level(name: str, level: int) -> None:
    if not 1 <= level <= 5:
        raise ValueError(f"{name} must be between 1 and 5, got {level!r}")


def gauge(value: int, total: int, label: str, chart_id: str, *, tone: str = "neutral") -> Markup:
    """A half-ring gauge of ``value`` out of ``total``, written as text "value / total".

    ``tone`` (a key of ``TONE_COLOURS``) only colours the arc; the numbers carry the data.
    A ``total`` of zero or less draws an empty ring.
    """
    if tone not in TONE_COLOURS:
        raise ValueError(f"unknown tone {tone!r}; expected one of {sorted(TONE_COLOURS)}")
    cid = _chart_id(chart_id)
    frac = min(max(value / total, 0.0), 1.0) if total > 0 else 0.0
    cx, cy, r = 100.0, 100.0, 78.0
    arc = f"M {_n(cx - r)} {_n(cy)} A {_n(r)} {_n(r)} 0 0 1"
    body = [
        f'<path class="gauge-track" d="{arc} {_n(cx + r)} {_n(cy)}" fill="none" '
        f'stroke="{TRACK}" stroke-width="18"/>'
    ]
    if frac > 0:
        angle = math.pi * (1 - frac)
        end = f"{_n(cx + r * math.cos(angle))} {_n(cy - r * math.sin(angle))}"
        body.append(
            f'<path class="gauge-value tone-{tone}" d="{arc} {end}" fill="none" '
            f'stroke="{TONE_COLOURS[tone]}" stroke-width="18"/>'
        )
    body.append(
        _text(
            cx,
            cy - 8,
            f"{value} / {total}",
            size=24,
            anchor="middle",
            cls="gauge-number",
            bold=True,
        )
    )
    body.append(_text(cx, cy + 22, _clip(label, 30), size=12, anchor="middle", cls="gauge-label"))
    desc = f"{label}: {value} of {total}"
    desc += f" ({round(frac * 100)}%)." if total > 0 else "."
    desc += f" Status: {tone}." if tone != "neutral" else ""
    return _svg("gauge", cid, (200, 132), label, desc, body)


def _priority(risk: int, value: int) -> int:
    product = risk * value
    return next(i for i, top in enumerate((3, 6, 10, 16, 25)) if product <= top)


def heat_map(
    cells: Mapping[tuple[int, int], Sequence[HeatItem]],
    chart_id: str,
    *,
    x_label: str = "Value",
    y_label: str = "Risk",
    link_for: Callable[[int, int], str | None] | None = None,
    title: str = "Projects by risk and value",
) -> Markup:
    """A 5×5 matrix, keys ``(risk, value)``: risk 1..5 bottom to top, value 1..5 left to right.

    Every cell prints its project count and is shaded by the risk × value priority; non-empty
    cells link to ``link_for(risk, value)`` when it returns a safe URL. Keys outside 1..5 raise
    ``ValueError``.
    """
    for risk, value in cells:
        _check_level("risk", risk)
        _check_level("value", value)
    cid, size, left, top = _chart_id(chart_id), 60.0, 56.0, 12.0
    body: list[str] = []
    summary: list[str] = []
    total = 0
    for risk in range(5, 0, -1):
        for value in range(1, 6):
            items = list(cells.get((risk, value), ()))
            total += len(items)
            level = _priority(risk, value)
            x, y = left + (value - 1) * size, top + (5 - risk) * size
            names = [
                f"{i.title} (feasibility {i.feasibility}/5)"
                if i.feasibility is not None
                else i.title
                for i in items
            ]
            head = f"{y_label} {risk}, {x_label} {value}: {_count(len(items))}"
            if items:
                summary.append(f"{head} ({', '.join(i.title for i in items)})")
            fade = "" if items else ' fill-opacity="0.45"'
            ink = WHITE if level >= 3 and items else (INK if items else MUTED)
            inner = (
                f"<title>{_e(chr(10).join([head, *names]))}</title>"
                f'<rect x="{_n(x + 1)}" y="{_n(y + 1)}" width="{_n(size - 2)}" '
                f'height="{_n(size - 2)}" rx="3" fill="{PRIORITY_COLOURS[level]}"{fade}/>'
                + _text(
                    x + size / 2,
                    y + size / 2 + (6 if items else 4),
                    str(len(items)),
                    size=18 if items else 12,
                    anchor="middle",
                    fill=ink,
                    bold=bool(items),
                )
            )
            href = _safe_href(link_for(risk, value)) if items and link_for else None
            if href is not None:
                inner = f'<a href="{_e(href)}" class="heat-link">{inner}</a>'
            cls = f"heat-cell priority-{PRIORITY_NAMES[level]}" + ("" if items else " empty")
            body.append(
                f'<g class="{cls}" data-risk="{risk}" data-value="{value}" '
                f'data-count="{len(items)}">{inner}</g>'
            )
    body += _grid_axes(left, top, size, x_label, y_label)
    desc = (
        f"{_count(total)} on a 5 by 5 grid of {y_label} (rows, 5 at the top) against "
        f"{x_label} (columns, 5 at the right). "
    )
    desc += "; ".join(summary) + "." if summary else "No projects placed."
    return _svg("heat-map", cid, (left + 5 * size + 12, top + 5 * size + 44), title, desc, body)


def _grid_axes(left: float, top: float, size: float, x_label: str, y_label: str) -> list[str]:
    out = [
        _text(
            left - 8, top + (5 - level) * size + size / 2 + 4, str(level), anchor="end", cls="tick"
        )
        for level in range(1, 6)
    ]
    out += [
        _text(
            left + (level - 0.5) * size,
            top + 5 * size + 16,
            str(level),
            anchor="middle",
            cls="tick",
        )
        for level in range(1, 6)
    ]
    out.append(
        _text(
            left + 2.5 * size,
            top + 5 * size + 36,
            x_label,
            size=12,
            anchor="middle",
            cls="axis-label",
            bold=True,
        )
    )
    mid = top + 2.5 * size
    out.append(
        _text(
            16,
            mid,
            y_label,
            size=12,
            anchor="middle",
            cls="axis-label",
            bold=True,
            extra=f' transform="rotate(-90 16 {_n(mid)})"',
        )
    )
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
    ring with "?". Points sharing a cell fan out around its centre. Levels outside 1..5 raise.
    """
    cid = _chart_id(chart_id)
    if not points:
        return _no_data("bubble", cid, title)
    for p in points:
        _check_level("value", p.value)
        _check_level("risk", p.risk)
        if p.feasibility is not None:
            _check_level("feasibility", p.feasibility)
    size, left, top = 70.0, 56.0, 12.0
    body = [
        f'<rect class="plot-cell" x="{_n(left + c * size)}" y="{_n(top + r * size)}" '
        f'width="{_n(size)}" height="{_n(size)}" fill="none" stroke="{GRID}"/>'
        for r in range(5)
        for c in range(5)
    ]
    shared: dict[tuple[int, int], list[int]] = {}
    for index, p in enumerate(points):
        shared.setdefault((p.value, p.risk), []).append(index)
    placed: list[tuple[float, int, str]] = []
    for index, p in enumerate(points):
        group = shared[(p.value, p.risk)]
        cx = left + (p.value - 0.5) * size
        cy = top + (5.5 - p.risk) * size
        if len(group) > 1:
            angle = -math.pi / 2 + 2 * math.pi * group.index(index) / len(group)
            cx, cy = cx + 18 * math.cos(angle), cy + 18 * math.sin(angle)
        f = p.feasibility
        radius = 5 + 3.5 * f if f is not None else 7.0
        shape = f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(radius)}" ' + (
            f'fill="{SKY}" fill-opacity="0.6" stroke="{BLUE}" stroke-width="1.5"/>'
            if f is not None
            else f'fill="{WHITE}" stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="3 2"/>'
        )
        feas = f"feasibility {f}/5" if f is not None else "feasibility not assessed"
        inner = (
            f"<title>{_e(f'{p.label}: {x_label} {p.value}, {y_label} {p.risk}, {feas}')}</title>"
            + shape
            + _text(
                cx, cy + 3.5, str(f) if f is not None else "?", size=10, anchor="middle", bold=True
            )
            + _text(cx + radius + 3, cy + 4, _clip(p.label, 18), size=10, cls="bubble-label")
        )
        href = _safe_href(p.href)
        if href is not None:
            inner = f'<a href="{_e(href)}" class="bubble-link">{inner}</a>'
        data = f'data-value="{p.value}" data-risk="{p.risk}" data-feasibility="{f or ""}"'
        # Big bubbles first so small ones stay visible and clickable on top of them.
        placed.append((-radius, index, f'<g class="bubble" {data}>{inner}</g>'))
    body += [svg for _, _, svg in sorted(placed)]
    body += _grid_axes(left, top, size, x_label, y_label)
    note = "Bubble size and number = feasibility (1–5); dashed ring = not assessed."
    body.append(_text(left, top + 5 * size + 56, note, size=10, fill=MUTED, cls="legend"))
    desc = f"{len(points)} projects by {x_label} and {y_label}. " + "; ".join(
        f"{p.label}: {x_label} {p.value}, {y_label} {p.risk}, "
        + (f"feasibility {p.feasibility}" if p.feasibility is not None else "feasibility unknown")
        for p in points
    )
    return _svg(
        "bubble", cid, (left + 5 * size + 110, top + 5 * size + 64), title, desc + ".", body
    )


def sparkline(values: Sequence[float], chart_id: str, *, label: str) -> Markup:
    """A word-sized trend line with the last value printed after it; NaN/inf are skipped."""
    cid = _chart_id(chart_id)
    finite = [float(v) for v in values if math.isfinite(v)]
    if not finite:
        return _no_data("sparkline", cid, label, (120, 24))
    lo, hi = min(finite), max(finite)
    n = len(finite)
    coords = [
        (
            2 + 80 * i / (n - 1) if n > 1 else 82.0,
            12.0 if hi == lo else 21 - (v - lo) / (hi - lo) * 18,
        )
        for i, v in enumerate(finite)
    ]
    last = _fmt(finite[-1])
    points = " ".join(f"{_n(x)},{_n(y)}" for x, y in coords)
    body = [
        f'<polyline class="sparkline-line" points="{points}" fill="none" stroke="{BLUE}" '
        f'stroke-width="1.5"/>',
        f'<circle cx="{_n(coords[-1][0])}" cy="{_n(coords[-1][1])}" r="2" fill="{BLUE}"/>',
        _text(86, 16, last, cls="sparkline-last", bold=True),
    ]
    desc = (
        f"{label}: {n} values from {_fmt(finite[0])} to {last} "
        f"(lowest {_fmt(lo)}, highest {_fmt(hi)})."
    )
    return _svg("sparkline", cid, (88 + 7 * len(last), 24), label, desc, body)


def _marker(shape: str, x: float, y: float, colour: str, tip: str = "", s: float = 4.0) -> str:
    title = f"<title>{_e(tip)}</title>" if tip else ""
    paint = f'class="marker marker-{shape}" fill="{colour}" stroke="{WHITE}" stroke-width="1"'
    if shape == "circle":
        return f'<circle {paint} cx="{_n(x)}" cy="{_n(y)}" r="{_n(s)}">{title}</circle>'
    if shape == "square":
        return (
            f'<rect {paint} x="{_n(x - s)}" y="{_n(y - s)}" width="{_n(2 * s)}" '
            f'height="{_n(2 * s)}">{title}</rect>'
        )
    if shape == "cross":
        d = (
            f"M {_n(x - s)} {_n(y - s)} L {_n(x + s)} {_n(y + s)} M {_n(x - s)} {_n(y + s)} "
            f"L {_n(x + s)} {_n(y - s)}"
        )
        return (
            f'<path class="marker marker-cross" d="{d}" fill="none" stroke="{colour}" '
            f'stroke-width="2">{title}</path>'
        )
    corners = {
        "triangle": [(0, -1.25), (-1.15, 0.9), (1.15, 0.9)],
        "triangle-down": [(0, 1.25), (-1.15, -0.9), (1.15, -0.9)],
        "diamond": [(0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)],
    }[shape]
    pts = " ".join(f"{_n(x + dx * s)},{_n(y + dy * s)}" for dx, dy in corners)
    return f'<polygon {paint} points="{pts}">{title}</polygon>'


def _usable(v: float | None) -> bool:
    # Beyond ~1e300 differences overflow to inf, which would put "inf" into coordinates.
    return v is not None and math.isfinite(v) and abs(v) < 1e300


def _day(d: date) -> str:
    return date(d.year, d.month, d.day).isoformat()


def line_chart(
    series: Mapping[str, Sequence[tuple[date, float]]],
    chart_id: str,
    *,
    threshold: float | None = None,
    y_label: str = "",
    title: str = "",
) -> Markup:
    """A multi-series time chart (e.g. drift) with date ticks and an optional dashed threshold.

    Each series gets its own colour, dash pattern and marker shape (see ``MARKER_SHAPES``), one
    ``polyline.series-line`` and a ``<title>`` per point such as "2026-03-01 psi: 0.12".
    NaN/inf points are skipped; with nothing left a small "No data" figure is returned.
    """
    cid = _chart_id(chart_id)
    name = title or (f"{y_label} over time" if y_label else "Values over time")
    clean = {
        label: sorted(((d, float(v)) for d, v in pts if _usable(v)), key=lambda p: p[0].toordinal())
        for label, pts in series.items()
    }
    values = [v for pts in clean.values() for _, v in pts]
    if not values:
        return _no_data("line", cid, name)
    limit = threshold if threshold is not None and _usable(threshold) else None
    bounds = [*values, limit] if limit is not None else values
    ticks = _nice_ticks(*_pad_range(min(bounds), max(bounds)))
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
        y = _n(sy(t))
        body.append(
            f'<line class="grid" x1="{_n(left)}" y1="{y}" x2="{_n(left + pw)}" y2="{y}" '
            f'stroke="{GRID}"/>'
        )
        body.append(_text(left - 6, sy(t) + 4, _fmt(t), size=10, anchor="end", cls="tick"))
    step = (d1 - d0) / 5
    for day in days if len(days) <= 6 else sorted({d0 + round(i * step) for i in range(6)}):
        x = _n(sx(day))
        body.append(
            f'<line class="tick-mark" x1="{x}" y1="{_n(top + ph)}" x2="{x}" '
            f'y2="{_n(top + ph + 4)}" stroke="{MUTED}"/>'
        )
        body.append(
            _text(
                sx(day),
                top + ph + 16,
                date.fromordinal(day).isoformat(),
                size=10,
                anchor="middle",
                cls="tick",
            )
        )
    body.append(
        f'<path class="axis" d="M {_n(left)} {_n(top)} V {_n(top + ph)} H '
        f'{_n(left + pw)}" fill="none" stroke="{MUTED}"/>'
    )
    if y_label:
        mid = top + ph / 2
        body.append(
            _text(
                14,
                mid,
                y_label,
                size=11,
                anchor="middle",
                cls="axis-label",
                extra=f' transform="rotate(-90 14 {_n(mid)})"',
            )
        )
    if limit is not None:
        ty, text = _n(sy(limit)), f"threshold {_fmt(limit)}"
        body.append(
            f'<g class="threshold"><title>{_e(text)}</title><line class="threshold-line" '
            f'x1="{_n(left)}" y1="{ty}" x2="{_n(left + pw)}" y2="{ty}" stroke="{INK}" '
            f'stroke-width="1.5" stroke-dasharray="6 4"/>'
            + _text(
                left + pw - 4, sy(limit) - 5, text, size=10, anchor="end", cls="threshold-label"
            )
            + "</g>"
        )
    summary: list[str] = []
    for i, (label, pts) in enumerate(clean.items()):
        # Colour, dash and marker cycle with different periods, so up to 36 series stay unique.
        colour, dash = SERIES_COLOURS[i % 6], _DASHES[i % 6]
        shape = MARKER_SHAPES[(i + i // 6) % 6]
        stroke = f'fill="none" stroke="{colour}" stroke-width="2"' + (
            f' stroke-dasharray="{dash}"' if dash else ""
        )
        if pts:
            coords = [(sx(d.toordinal()), sy(v)) for d, v in pts]
            line = " ".join(f"{_n(x)},{_n(y)}" for x, y in coords)
            marks = "".join(
                _marker(shape, x, y, colour, f"{_day(d)} {label}: {_fmt(v)}")
                for (d, v), (x, y) in zip(pts, coords, strict=True)
            )
            body.append(
                f'<g class="series series-{i}" data-series="{_e(label)}">'
                f'<polyline class="series-line" points="{line}" {stroke}/>{marks}</g>'
            )
            note = f"{label}: {len(pts)} points, latest {_fmt(pts[-1][1])} on {_day(pts[-1][0])}"
            if limit is not None:
                note += f", {sum(v > limit for _, v in pts)} above the threshold"
            summary.append(note)
        else:
            summary.append(f"{label}: no data")
        lx, ly = left + (i % 3) * 180, top + ph + 36 + (i // 3) * 18
        body.append(
            f'<g class="legend-item"><line x1="{_n(lx)}" y1="{_n(ly - 4)}" '
            f'x2="{_n(lx + 24)}" y2="{_n(ly - 4)}" {stroke}/>'
            + _marker(shape, lx + 12, ly - 4, colour)
            + _text(lx + 30, ly, _clip(label + ("" if pts else " (no data)"), 24))
            + "</g>"
        )
    desc = f"{name}: {len(clean)} series from {_day(date.fromordinal(d0))} to "
    desc += f"{_day(date.fromordinal(d1))}"
    desc += f", threshold {_fmt(limit)}. " if limit is not None else ". "
    size = (left + pw + 36, top + ph + 36 + math.ceil(len(clean) / 3) * 18)
    return _svg("line", cid, size, name, desc + "; ".join(summary) + ".", body)


def _hscale(
    values: Sequence[float | None], x: float, width: float, top: float | None = None
) -> Callable[[float], float]:
    usable = [v for v in values if v is not None and _usable(v)]
    lo = min([0.0, *usable])
    hi = top if top is not None else max([0.0, *usable])
    hi = hi if hi > lo else lo + 1
    return lambda v: x + (min(max(v, lo), hi) - lo) / (hi - lo) * width


def _hbar(scale: Callable[[float], float], v: float | None, y: float, h: float, paint: str) -> str:
    zero = scale(0.0)
    if v is None or not _usable(v):
        return _text(zero + 4, y + h - 3, "n/a", size=10, fill=MUTED, cls="bar-value")
    end = scale(v)
    return (
        f'<rect {paint} x="{_n(min(zero, end))}" y="{_n(y)}" width="{_n(abs(end - zero))}" '
        f'height="{_n(h)}"/>'
        + _text(max(zero, end) + 4, y + h - 3, _fmt(v), size=10, cls="bar-value")
    )


def bar_chart(
    bars: Sequence[tuple[str, float]],
    chart_id: str,
    *,
    max_value: float | None = None,
    title: str = "",
) -> Markup:
    """Horizontal bars (e.g. projects per stage), each labelled with its value.

    ``max_value`` fixes the end of the scale (longer bars are clipped, their label stays
    true); by default the largest value is used. Negative values extend left of a zero line.
    """
    cid = _chart_id(chart_id)
    name = title or "Bar chart"
    if not bars:
        return _no_data("bar", cid, name)
    bar_x, bar_w, top, row = 158.0, 300.0, 6.0, 24.0
    top_value = max_value if max_value is not None and _usable(max_value) else None
    scale = _hscale([v for _, v in bars], bar_x, bar_w, top_value)
    body: list[str] = []
    for i, (label, v) in enumerate(bars):
        y, text = top + i * row, _fmt(v) if _usable(v) else "n/a"
        body.append(
            f'<g class="bar-row" data-label="{_e(label)}" data-value="{text}">'
            f"<title>{_e(f'{label}: {text}')}</title>"
            + _text(bar_x - 8, y + 16, _clip(label, 24), anchor="end", cls="bar-label")
            + _hbar(scale, v, y + 4, 16, f'class="bar" fill="{BLUE}"')
            + "</g>"
        )
    if scale(0.0) > bar_x:
        body.append(
            f'<line class="zero" x1="{_n(scale(0.0))}" y1="{_n(top)}" '
            f'x2="{_n(scale(0.0))}" y2="{_n(top + len(bars) * row)}" stroke="{INK}"/>'
        )
    desc = f"{name}: " + "; ".join(f"{label} {_fmt(v)}" for label, v in bars) + "."
    return _svg("bar", cid, (bar_x + bar_w + 64, 2 * top + len(bars) * row), name, desc, body)


def metric_comparison(
    rows: Sequence[tuple[str, float | None, float | None]],
    chart_id: str,
    *,
    left_label: str,
    right_label: str,
    title: str = "",
    focus: str | None = None,
) -> Markup:
    """Paired bars per metric: ``left_label`` solid, ``right_label`` hatched (e.g. production).

    A missing value prints "n/a". The row whose name equals ``focus`` (Dataiku's "metric to
    focus") is bold and captioned "metric to focus".
    """
    cid = _chart_id(chart_id)
    name = title or f"{left_label} compared with {right_label}"
    if not rows:
        return _no_data("comparison", cid, name)
    bar_x, bar_w, top, row = 158.0, 300.0, 30.0, 44.0
    hatch = f"{cid}-hatch"
    solid, hatched = f'fill="{BLUE}"', f'fill="url(#{hatch})" stroke="{ORANGE}"'
    body = [
        f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{ORANGE}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{WHITE}" stroke-width="2.5"/></pattern></defs>',
        f'<g class="legend"><rect x="{_n(bar_x)}" y="8" width="12" height="12" {solid}/>'
        + _text(bar_x + 16, 18, _clip(left_label, 20))
        + f'<rect x="{_n(bar_x + 160)}" y="8" width="12" height="12" {hatched}/>'
        + _text(bar_x + 176, 18, _clip(right_label, 20))
        + "</g>",
    ]
    scale = _hscale([v for _, a, b in rows for v in (a, b)], bar_x, bar_w)
    for i, (metric, a, b) in enumerate(rows):
        y, is_focus = top + i * row, focus is not None and metric == focus
        tip = f"{metric}: {left_label} {_fmt(a) if _usable(a) else 'n/a'}, "  # type: ignore[arg-type]
        tip += f"{right_label} {_fmt(b) if _usable(b) else 'n/a'}"  # type: ignore[arg-type]
        parts = [
            f"<title>{_e(tip)}</title>",
            _text(
                bar_x - 8,
                y + 23,
                _clip(metric, 24),
                anchor="end",
                cls="metric-label",
                bold=is_focus,
            ),
            _hbar(scale, a, y + 4, 14, f'class="bar bar-left" {solid}'),
            _hbar(scale, b, y + 22, 14, f'class="bar bar-right" {hatched}'),
        ]
        if is_focus:
            parts.append(
                _text(bar_x - 8, y + 35, "metric to focus", size=9, anchor="end", fill=MUTED)
            )
        cls = "metric-row focus" if is_focus else "metric-row"
        body.append(f'<g class="{cls}" data-metric="{_e(metric)}">{"".join(parts)}</g>')
    desc = (
        f"{name}. "
        + "; ".join(
            f"{m}: {left_label} {_fmt(a) if a is not None else 'n/a'}, "
            f"{right_label} {_fmt(b) if b is not None else 'n/a'}"
            for m, a, b in rows
        )
        + "."
    )
    desc += f" Metric to focus: {focus}." if focus else ""
    return _svg(
        "comparison", cid, (bar_x + bar_w + 64, top + len(rows) * row + 6), name, desc, body
    )
