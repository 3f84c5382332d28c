"""The drawing primitives of the report's inline SVG charts: palette, escaping, numbers, shapes.

Every chart module builds on these. Labels come from user YAML, so every piece of text goes
through ``esc`` before it touches markup and every coordinate through ``num``. Each figure has
``role="img"`` and a ``<title>``/``<desc>`` pair saying in words what it shows, and values are
always written as text or shapes too, never carried by colour alone.

``width``/``height`` only give the intrinsic size; with the ``viewBox`` a stylesheet rule such
as ``svg.chart { max-width: 100%; height: auto }`` makes the charts scale.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
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
DASHES: Final = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 3")

MIDDLE: Final = ' text-anchor="middle"'
END: Final = ' text-anchor="end"'
BOLD: Final = ' font-weight="bold"'
# A white outline behind text that may sit on lines or bubbles, so it stays legible.
HALO: Final = f' paint-order="stroke" stroke="{WHITE}" stroke-width="3" stroke-linejoin="round"'
_FONT: Final = "system-ui, -apple-system, 'Segoe UI', sans-serif"
# Characters XML 1.0 forbids even as references; YAML escapes like "\x01" can produce them.
_XML_INVALID: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SCHEME: Final = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_SAFE_SCHEMES: Final = frozenset({"http", "https", "mailto"})


def esc(text: object) -> str:
    # A plain str, not Markup: ``"<g>" + Markup(...)`` would escape our own tags again.
    return str(escape(_XML_INVALID.sub("", str(text))))


def num(x: float) -> str:
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def usable(v: float | None) -> TypeGuard[float]:
    # Beyond ~1e300 differences overflow to inf, which would leak "inf" into coordinates.
    return v is not None and math.isfinite(v) and abs(v) < 1e300


def fmt_value(v: float | None) -> str:
    if not usable(v):
        return "n/a"
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def count_projects(n: int) -> str:
    return "1 project" if n == 1 else f"{n} projects"


def day_text(d: date) -> str:
    return date(d.year, d.month, d.day).isoformat()


def safe_chart_id(raw: str) -> str:
    cid = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]+", "-", raw.lower())).strip("-")
    if not cid:
        return "chart"
    # Ids starting with a digit need escaping in CSS selectors; spare callers that trap.
    return cid if cid[0].isalpha() else f"chart-{cid}"


def safe_href(href: str | None) -> str | None:
    if not href:
        return None
    # Browsers drop whitespace and controls inside a scheme: "java\tscript:" is javascript:.
    m = _SCHEME.match(re.sub(r"[\x00-\x20\x7f]", "", href))
    return None if m and m.group(1).lower() not in _SAFE_SCHEMES else href


def svg_text(x: float, y: float, content: str, attrs: str = "") -> str:
    return f'<text x="{num(x)}" y="{num(y)}"{attrs}>{esc(content)}</text>'


def svg_line(x1: float, y1: float, x2: float, y2: float, attrs: str) -> str:
    return f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" {attrs}/>'


def svg_rect(x: float, y: float, w: float, h: float, attrs: str) -> str:
    return f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" {attrs}/>'


def svg_points(coords: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{num(x)},{num(y)}" for x, y in coords)


def svg_figure(
    kind: str, cid: str, size: tuple[float, float], title: str, desc: str, body: Sequence[str]
) -> Markup:
    w, h = num(size[0]), num(size[1])
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" data-chart="{cid}" '
        f'viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" font-family="{_FONT}" font-size="11" '
        f'fill="{INK}"><title id="{cid}-title">{esc(title)}</title>'
        f'<desc id="{cid}-desc">{esc(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def no_data(kind: str, cid: str, title: str, size: tuple[float, float] = (240, 40)) -> Markup:
    text = svg_text(size[0] / 2, size[1] / 2 + 4, "No data", f'{MIDDLE} fill="{MUTED}"')
    return svg_figure(
        kind, cid, size, title, f"{title}: no data.", [f'<g class="no-data">{text}</g>']
    )


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    span = hi - lo
    if not math.isfinite(span) or span <= 0:
        return [lo, hi]
    raw = span / max(count - 1, 1)
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * mag >= raw)
    start = math.floor(lo / step) * step
    steps = max(1, math.ceil(round((hi - start) / step, 9)))
    return [float(f"{start + i * step:.12g}") for i in range(steps + 1)]


def pad_range(lo: float, hi: float) -> tuple[float, float]:
    if hi > lo:
        return lo, hi
    pad = abs(lo) * 0.1 or 1.0
    return (0.0, 1.0) if lo == 0 else (lo - pad, hi + pad)


def check_level(name: str, level: int) -> None:
    if not 1 <= level <= 5:
        raise ValueError(f"{name} must be between 1 and 5, got {level!r}")
