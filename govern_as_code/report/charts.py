"""Inline SVG charts for the static governance report.

Each function returns ``Markup`` that a Jinja template can emit as is: no JavaScript, no
external assets, and it prints. Labels come from user YAML, so every piece of text goes
through ``_e`` before it touches markup and every coordinate through ``_n``. Each chart has
``role="img"`` and a ``<title>``/``<desc>`` pair saying in words what it shows, and values are
always written as text or shapes too, never carried by colour alone.

``width``/``height`` only give the intrinsic size; with the ``viewBox`` a stylesheet rule such
as ``svg.chart { max-width: 100%; height: auto }`` makes the charts scale.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final, TypeGuard

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

_MID: Final = ' text-anchor="middle"'
_END: Final = ' text-anchor="end"'
_BOLD: Final = ' font-weight="bold"'
# A white outline behind text that may sit on lines or bubbles, so it stays legible.
_HALO: Final = f' paint-order="stroke" stroke="{WHITE}" stroke-width="3" stroke-linejoin="round"'
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


def _usable(v: float | None) -> TypeGuard[float]:
    # Beyond ~1e300 differences overflow to inf, which would leak "inf" into coordinates.
    return v is not None and math.isfinite(v) and abs(v) < 1e300


def _fmt(v: float | None) -> str:
    if not _usable(v):
        return "n/a"
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _count(n: int) -> str:
    return "1 project" if n == 1 else f"{n} projects"


def _day(d: date) -> str:
    return date(d.year, d.month, d.day).isoformat()


def _chart_id(raw: str) -> str:
    cid = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]+", "-", raw.lower())).strip("-")
    if not cid:
        return "chart"
    # Ids starting with a digit need escaping in CSS selectors; spare callers that trap.
    return cid if cid[0].isalpha() else f"chart-{cid}"


def _safe_href(href: str | None) -> str | None:
    if not href:
        return None
    # Browsers drop whitespace and controls inside a scheme: "java\tscript:" is javascript:.
    m = _SCHEME.match(re.sub(r"[\x00-\x20\x7f]", "", href))
    return None if m and m.group(1).lower() not in _SAFE_SCHEMES else href


def _text(x: float, y: float, content: str, attrs: str = "") -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}"{attrs}>{_e(content)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, attrs: str) -> str:
    return f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" {attrs}/>'


def _rect(x: float, y: float, w: float, h: float, attrs: str) -> str:
    return f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" {attrs}/>'


def _pts(coords: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in coords)


def _svg(
    kind: str, cid: str, size: tuple[float, float], title: str, desc: str, body: Sequence[str]
) -> Markup:
    w, h = _n(size[0]), _n(size[1])
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" data-chart="{cid}" '
        f'viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" font-family="{_FONT}" font-size="11" '
        f'fill="{INK}"><title id="{cid}-title">{_e(title)}</title>'
        f'<desc id="{cid}-desc">{_e(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _no_data(kind: str, cid: str, title: str, size: tuple[float, float] = (240, 40)) -> Markup:
    text = _text(size[0] / 2, size[1] / 2 + 4, "No data", f'{_MID} fill="{MUTED}"')
    return _svg(kind, cid, size, title, f"{title}: no data.", [f'<g class="no-data">{text}</g>'])


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
    pad = abs(lo) * 0.1 or 1.0
    return (0.0, 1.0) if lo == 0 else (lo - pad, hi + pad)


def _check_level(name: str, level: int) -> None:
    if not 1 <= level <= 5:
        raise ValueError(f"{name} must be between 1 and 5, got {level!r}")


def gauge(value: int, total: int, label: str, chart_id: str, *, tone: str = "neutral") -> Markup:
    """A half-ring gauge of ``value`` out of ``total``, printed as the text "value / total".

    ``tone`` (a key of ``TONE_COLOURS``) only colours the arc and is named in the description;
    the numbers carry the data. A ``total`` of zero or less draws an empty ring.
    """
    if tone not in TONE_COLOURS:
        raise ValueError(f"unknown tone {tone!r}; expected one of {sorted(TONE_COLOURS)}")
    cid = _chart_id(chart_id)
    frac = min(max(value / total, 0.0), 1.0) if total > 0 else 0.0
    cx, cy, r = 100.0, 100.0, 78.0
    arc = f"M {_n(cx - r)} {_n(cy)} A {_n(r)} {_n(r)} 0 0 1"
    paint = 'fill="none" stroke-width="18"'
    body = [f'<path class="gauge-track" d="{arc} {_n(cx + r)} {_n(cy)}" stroke="{TRACK}" {paint}/>']
    if frac > 0:
        end = (
            f"{_n(cx + r * math.cos(math.pi * (1 - frac)))} {_n(cy - r * math.sin(math.pi * frac))}"
        )
        colour = TONE_COLOURS[tone]
        body.append(
            f'<path class="gauge-value tone-{tone}" d="{arc} {end}" stroke="{colour}" {paint}/>'
        )
    number = f' class="gauge-number" font-size="24"{_MID}{_BOLD}'
    body.append(_text(cx, cy - 8, f"{value} / {total}", number))
    body.append(_text(cx, cy + 22, _clip(label, 30), f' class="gauge-label" font-size="12"{_MID}'))
    desc = f"{label}: {value} of {total}" + (f" ({round(frac * 100)}%)." if total > 0 else ".")
    desc += f" Status: {tone}." if tone != "neutral" else ""
    return _svg("gauge", cid, (200, 132), label, desc, body)


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
        _check_level("risk", risk)
        _check_level("value", value)
    cid, size, left, top = _chart_id(chart_id), 60.0, 56.0, 12.0
    body: list[str] = []
    summary: list[str] = []
    for risk in range(5, 0, -1):
        for value in range(1, 6):
            items = list(cells.get((risk, value), ()))
            n, level = len(items), _priority(risk, value)
            x, y = left + (value - 1) * size, top + (5 - risk) * size
            head = f"{y_label} {risk}, {x_label} {value}: {_count(n)}"
            names = [
                i.title + (f" (feasibility {i.feasibility}/5)" if i.feasibility is not None else "")
                for i in items
            ]
            if items:
                summary.append(f"{head} ({', '.join(i.title for i in items)})")
            fill = f'fill="{PRIORITY_COLOURS[level]}"' + ("" if n else ' fill-opacity="0.35"')
            ink = (WHITE if level >= 3 else INK) if n else MUTED
            look = f' font-size="18"{_BOLD}' if n else ' font-size="12"'
            inner = (
                f"<title>{_e(chr(10).join([head, *names]))}</title>"
                + _rect(x + 1, y + 1, size - 2, size - 2, f'rx="3" {fill}')
                + _text(
                    x + size / 2,
                    y + size / 2 + (6 if n else 4),
                    str(n),
                    f'{_MID} fill="{ink}"{look}',
                )
            )
            href = _safe_href(link_for(risk, value)) if n and link_for else None
            if href is not None:
                inner = f'<a href="{_e(href)}" class="heat-link">{inner}</a>'
            cls = f"heat-cell priority-{PRIORITY_NAMES[level]}" + ("" if n else " empty")
            body.append(
                f'<g class="{cls}" data-risk="{risk}" data-value="{value}" '
                f'data-count="{n}">{inner}</g>'
            )
    body += _grid_axes(left, top, size, x_label, y_label)
    total = sum(len(items) for items in cells.values())
    desc = (
        f"{_count(total)} on a 5 by 5 grid of {y_label} (rows, 5 at the top) against "
        f"{x_label} (columns, 5 at the right). "
    )
    desc += "; ".join(summary) + "." if summary else "No projects placed."
    return _svg("heat-map", cid, (left + 5 * size + 12, top + 5 * size + 44), title, desc, body)


def _grid_axes(left: float, top: float, size: float, x_label: str, y_label: str) -> list[str]:
    bottom, mid = top + 5 * size, top + 2.5 * size
    out = [
        _text(left - 8, bottom - (k - 0.5) * size + 4, str(k), f' class="tick"{_END}')
        for k in range(1, 6)
    ]
    out += [
        _text(left + (k - 0.5) * size, bottom + 16, str(k), f' class="tick"{_MID}')
        for k in range(1, 6)
    ]
    axis = f' class="axis-label" font-size="12"{_MID}{_BOLD}'
    out.append(_text(left + 2.5 * size, bottom + 36, x_label, axis))
    out.append(_text(16, mid, y_label, f'{axis} transform="rotate(-90 16 {_n(mid)})"'))
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
        _rect(left + c * size, top + r * size, size, size, f'fill="none" stroke="{GRID}"')
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
            f"<title>{_e(f'{p.label}: {x_label} {p.value}, {y_label} {p.risk}, {feas}')}"
            f'</title><circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(radius)}" {paint} '
            'stroke-width="1.5"/>'
            + _text(cx, cy + 3.5, "?" if f is None else str(f), f' font-size="10"{_MID}{_BOLD}')
            + _text(
                cx + radius + 3,
                cy + 4,
                _clip(p.label, 18),
                f' class="bubble-label" font-size="10"{_HALO}',
            )
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
    body.append(
        _text(left, top + 5 * size + 56, note, f' class="legend" font-size="10" fill="{MUTED}"')
    )
    desc = f"{len(points)} projects by {x_label} and {y_label}: " + "; ".join(
        f"{p.label} at {x_label} {p.value}, {y_label} {p.risk}, feasibility "
        + (str(p.feasibility) if p.feasibility is not None else "not assessed")
        for p in points
    )
    size_ = (left + 5 * size + 110, top + 5 * size + 64)
    return _svg("bubble", cid, size_, title, desc + ".", body)


def sparkline(values: Sequence[float], chart_id: str, *, label: str) -> Markup:
    """A word-sized trend line with the last value printed after it; NaN/inf are skipped."""
    cid = _chart_id(chart_id)
    finite = [float(v) for v in values if _usable(v)]
    if not finite:
        return _no_data("sparkline", cid, label, (120, 24))
    lo, hi, n = min(finite), max(finite), len(finite)
    coords = [
        (
            2 + 80 * i / (n - 1) if n > 1 else 82.0,
            12.0 if hi == lo else 21 - (v - lo) / (hi - lo) * 18,
        )
        for i, v in enumerate(finite)
    ]
    last = _fmt(finite[-1])
    body = [
        f'<polyline class="sparkline-line" points="{_pts(coords)}" fill="none" stroke="{BLUE}" '
        'stroke-width="1.5"/>',
        f'<circle cx="{_n(coords[-1][0])}" cy="{_n(coords[-1][1])}" r="2" fill="{BLUE}"/>',
        _text(86, 16, last, f' class="sparkline-last"{_BOLD}'),
    ]
    desc = f"{label}: {n} values from {_fmt(finite[0])} to {last}"
    desc += f" (lowest {_fmt(lo)}, highest {_fmt(hi)})."
    return _svg("sparkline", cid, (88 + 7 * len(last), 24), label, desc, body)


def _marker(shape: str, x: float, y: float, colour: str, tip: str = "", s: float = 4.0) -> str:
    title = f"<title>{_e(tip)}</title>" if tip else ""
    paint = f'class="marker marker-{shape}" fill="{colour}" stroke="{WHITE}" stroke-width="1"'
    if shape == "circle":
        return f'<circle {paint} cx="{_n(x)}" cy="{_n(y)}" r="{_n(s)}">{title}</circle>'
    if shape == "square":
        return _rect(x - s, y - s, 2 * s, 2 * s, paint)[:-2] + f">{title}</rect>"
    if shape == "cross":
        # "M a b" followed by a second pair is an implicit lineto: two strokes, one path.
        d = f"M {_pts([(x - s, y - s), (x + s, y + s)])} M {_pts([(x - s, y + s), (x + s, y - s)])}"
        return (
            f'<path class="marker marker-cross" d="{d}" fill="none" stroke="{colour}" '
            f'stroke-width="2">{title}</path>'
        )
    corners = {
        "triangle": [(0, -1.25), (-1.15, 0.9), (1.15, 0.9)],
        "triangle-down": [(0, 1.25), (-1.15, -0.9), (1.15, -0.9)],
        "diamond": [(0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)],
    }[shape]
    pts = _pts([(x + dx * s, y + dy * s) for dx, dy in corners])
    return f'<polygon {paint} points="{pts}">{title}</polygon>'


def line_chart(
    series: Mapping[str, Sequence[tuple[date, float]]],
    chart_id: str,
    *,
    threshold: float | None = None,
    y_label: str = "",
    title: str = "",
) -> Markup:
    """A multi-series time chart (e.g. drift) with date ticks and an optional dashed threshold.

    Each series gets its own colour, dash and marker shape (``MARKER_SHAPES``), one
    ``polyline.series-line`` and a ``<title>`` per point such as "2026-03-01 psi: 0.12". NaN and
    inf points are skipped; with nothing left a small "No data" figure is returned.
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
    limit = threshold if _usable(threshold) else None
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
        body.append(_line(left, sy(t), left + pw, sy(t), f'class="grid" stroke="{GRID}"'))
        body.append(_text(left - 6, sy(t) + 4, _fmt(t), f' class="tick" font-size="10"{_END}'))
    # Every date when there are few, else six evenly spaced ones so labels never collide.
    step = (d1 - d0) / 5
    for day in days if len(days) <= 6 else sorted({d0 + round(i * step) for i in range(6)}):
        body.append(_line(sx(day), top + ph, sx(day), top + ph + 4, f'stroke="{MUTED}"'))
        body.append(
            _text(
                sx(day),
                top + ph + 16,
                date.fromordinal(day).isoformat(),
                f' class="tick" font-size="10"{_MID}',
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
                14, mid, y_label, f' class="axis-label"{_MID} transform="rotate(-90 14 {_n(mid)})"'
            )
        )
    if limit is not None:
        text = f"threshold {_fmt(limit)}"
        body.append(
            f'<g class="threshold"><title>{_e(text)}</title>'
            + _line(
                left,
                sy(limit),
                left + pw,
                sy(limit),
                f'class="threshold-line" stroke="{INK}" stroke-width="1.5" stroke-dasharray="6 4"',
            )
            + _text(
                left + pw - 4,
                sy(limit) - 5,
                text,
                f' class="threshold-label" font-size="10"{_END}{_HALO}',
            )
            + "</g>"
        )
    summary: list[str] = []
    for i, (label, pts) in enumerate(clean.items()):
        # Colour/dash and marker cycle out of step, so up to 36 series stay distinguishable.
        colour, dash, shape = SERIES_COLOURS[i % 6], _DASHES[i % 6], MARKER_SHAPES[(i + i // 6) % 6]
        stroke = f'fill="none" stroke="{colour}" stroke-width="2"'
        stroke += f' stroke-dasharray="{dash}"' if dash else ""
        if pts:
            coords = [(sx(d.toordinal()), sy(v)) for d, v in pts]
            marks = "".join(
                _marker(shape, x, y, colour, f"{_day(d)} {label}: {_fmt(v)}")
                for (d, v), (x, y) in zip(pts, coords, strict=True)
            )
            body.append(
                f'<g class="series series-{i}" data-series="{_e(label)}"><polyline '
                f'class="series-line" points="{_pts(coords)}" {stroke}/>{marks}</g>'
            )
            note = f"{label}: {len(pts)} points, latest {_fmt(pts[-1][1])} on {_day(pts[-1][0])}"
            if limit is not None:
                note += f", {sum(v > limit for _, v in pts)} above the threshold"
            summary.append(note)
        else:
            summary.append(f"{label}: no data")
        lx, ly = left + (i % 3) * 180, top + ph + 36 + (i // 3) * 18
        body.append(
            '<g class="legend-item">'
            + _line(lx, ly - 4, lx + 24, ly - 4, stroke)
            + _marker(shape, lx + 12, ly - 4, colour)
            + _text(lx + 30, ly, _clip(label + ("" if pts else " (no data)"), 24))
            + "</g>"
        )
    desc = f"{name}: {len(clean)} series from {date.fromordinal(d0)} to {date.fromordinal(d1)}"
    desc += f", threshold {_fmt(limit)}. " if limit is not None else ". "
    size = (left + pw + 36, top + ph + 36 + math.ceil(len(clean) / 3) * 18)
    return _svg("line", cid, size, name, desc + "; ".join(summary) + ".", body)


def _hscale(
    values: Sequence[float | None], x: float, width: float, top: float | None = None
) -> Callable[[float], float]:
    usable = [v for v in values if _usable(v)]
    lo = min([0.0, *usable])
    hi = top if top is not None else max([0.0, *usable])
    hi = hi if hi > lo else lo + 1
    return lambda v: x + (min(max(v, lo), hi) - lo) / (hi - lo) * width


def _hbar(scale: Callable[[float], float], v: float | None, y: float, h: float, paint: str) -> str:
    zero = scale(0.0)
    if not _usable(v):
        return _text(
            zero + 4, y + h - 3, "n/a", f' class="bar-value" font-size="10" fill="{MUTED}"'
        )
    end = scale(v)
    return _rect(min(zero, end), y, abs(end - zero), h, paint) + _text(
        max(zero, end) + 4, y + h - 3, _fmt(v), ' class="bar-value" font-size="10"'
    )


def _zero_line(scale: Callable[[float], float], start: float, y1: float, y2: float) -> list[str]:
    # Only when negatives moved zero off the left edge; there the bars' own start marks it.
    zero = scale(0.0)
    return [_line(zero, y1, zero, y2, f'class="zero" stroke="{INK}"')] if zero > start else []


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
    cid = _chart_id(chart_id)
    name = title or "Bar chart"
    if not bars:
        return _no_data("bar", cid, name)
    bar_x, bar_w, top, row = 158.0, 300.0, 6.0, 24.0
    scale = _hscale([v for _, v in bars], bar_x, bar_w, max_value if _usable(max_value) else None)
    body: list[str] = []
    for i, (label, v) in enumerate(bars):
        y = top + i * row
        body.append(
            f'<g class="bar-row" data-label="{_e(label)}" data-value="{_fmt(v)}">'
            f"<title>{_e(f'{label}: {_fmt(v)}')}</title>"
            + _text(bar_x - 8, y + 16, _clip(label, 24), f' class="bar-label"{_END}')
            + _hbar(scale, v, y + 4, 16, f'class="bar" fill="{BLUE}"')
            + "</g>"
        )
    body += _zero_line(scale, bar_x, top, top + len(bars) * row)
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
    """Paired bars per metric: ``left_label`` solid blue, ``right_label`` hatched orange.

    Typically this version against the production one. A missing value prints "n/a". The row
    named ``focus`` (Dataiku's "metric to focus") is bold and captioned "metric to focus".
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
        '<g class="legend">'
        + _rect(bar_x, 8, 12, 12, solid)
        + _text(bar_x + 16, 18, _clip(left_label, 20))
        + _rect(bar_x + 160, 8, 12, 12, hatched)
        + _text(bar_x + 176, 18, _clip(right_label, 20))
        + "</g>",
    ]
    scale = _hscale([v for _, a, b in rows for v in (a, b)], bar_x, bar_w)
    for i, (metric, a, b) in enumerate(rows):
        y, is_focus = top + i * row, focus is not None and metric == focus
        tip = f"{metric}: {left_label} {_fmt(a)}, {right_label} {_fmt(b)}"
        parts = [
            f"<title>{_e(tip)}</title>",
            _text(
                bar_x - 8,
                y + 23,
                _clip(metric, 24),
                f' class="metric-label"{_END}' + (_BOLD if is_focus else ""),
            ),
            _hbar(scale, a, y + 4, 14, f'class="bar bar-left" {solid}'),
            _hbar(scale, b, y + 22, 14, f'class="bar bar-right" {hatched}'),
        ]
        if is_focus:
            parts.append(
                _text(bar_x - 8, y + 35, "metric to focus", f' font-size="9" fill="{MUTED}"{_END}')
            )
        cls = "metric-row focus" if is_focus else "metric-row"
        body.append(f'<g class="{cls}" data-metric="{_e(metric)}">{"".join(parts)}</g>')
    body += _zero_line(scale, bar_x, top, top + len(rows) * row)
    desc = (
        f"{name}. "
        + "; ".join(f"{m}: {left_label} {_fmt(a)}, {right_label} {_fmt(b)}" for m, a, b in rows)
        + "."
    )
    desc += f" Metric to focus: {focus}." if focus else ""
    size = (bar_x + bar_w + 64, top + len(rows) * row + 6)
    return _svg("comparison", cid, size, name, desc, body)
