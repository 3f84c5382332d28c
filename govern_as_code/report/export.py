"""The portable JSON export of a portfolio, and the report aggregated from many exports.

Each portfolio repo's CI runs `gac export`; an organisation with many repos collects the files
and builds one report from them, with no repo needing access to another. The export holds the
same records the report is drawn from (`data.py`), so an aggregated report is built by the very
code that builds a single one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from pydantic import TypeAdapter, ValidationError

from govern_as_code import __version__
from govern_as_code.errors import GovernError
from govern_as_code.portfolio import Portfolio
from govern_as_code.report.aggregate import merge
from govern_as_code.report.collect import collect
from govern_as_code.report.data import ReportData
from govern_as_code.report.site import write_site
from govern_as_code.results import PortfolioStatus

FORMAT: Final = "govern-as-code/export/v1"
_ADAPTER: Final = TypeAdapter(ReportData)
_HINT: Final = "produce it again with `gac export` of a compatible govern-as-code version"


def export_portfolio(portfolio: Portfolio, status: PortfolioStatus) -> dict[str, Any]:
    """The portfolio and its computed state as a JSON-serialisable dict (`FORMAT`).

    Documents appear by kind with their essential fields, deployments with the gate's verdict,
    approvals with the state of their evidence, and a summary of the lint problems.
    """
    return to_dict(collect(portfolio, status))


def to_dict(data: ReportData) -> dict[str, Any]:
    """`data` in the export format; `from_dict` reads it back."""
    body: dict[str, Any] = json.loads(_ADAPTER.dump_json(data))
    return {"format": FORMAT, "generator": f"govern-as-code {__version__}", **body}


def from_dict(raw: object, origin: str) -> ReportData:
    """Read one export; any deviation from the format is a `GovernError` naming `origin`."""
    if not isinstance(raw, dict):
        raise GovernError(
            f"{origin} is not a govern-as-code export: it holds no JSON object", _HINT
        )
    found = raw.get("format")
    if found != FORMAT:
        raise GovernError(f"{origin} is not a {FORMAT} export (its format is {found!r})", _HINT)
    body = {k: v for k, v in raw.items() if k not in ("format", "generator")}
    try:
        return _ADAPTER.validate_python(body)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        more = f" and {e.error_count() - 1} more problems" if e.error_count() > 1 else ""
        raise GovernError(
            f"{origin} is not a valid export: at {where}: {first['msg']}{more}", _HINT
        ) from e


def read_export(path: Path) -> ReportData:
    """One export file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise GovernError(
            f"cannot read the export {path}: {e.strerror or e}",
            "check the path given to the report",
        ) from e
    except UnicodeDecodeError as e:
        raise GovernError(
            f"{path} is not a govern-as-code export: it is not UTF-8 text", _HINT
        ) from e
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise GovernError(
            f"{path} is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}", _HINT
        ) from e
    return from_dict(raw, str(path))


def load_exports(paths: Sequence[Path], *, title: str | None = None) -> ReportData:
    """The exports at `paths` as one portfolio; each one's ids are prefixed by its name.

    Counting one portfolio twice would inflate every figure of the report without a trace, so
    the same file (under any path) or two exports of one portfolio at one revision stop it.
    """
    if not paths:
        raise GovernError("no export files were given", "name one or more `gac export` files")
    seen: dict[Path, Path] = {}
    for path in paths:
        real = path.resolve()
        if real in seen:
            same = "" if seen[real] == path else f" (also given as {seen[real]})"
            raise GovernError(
                f"the export {path} is given twice{same}: it would be counted twice",
                "name each --from-export file once",
            )
        seen[real] = path
    parts = [read_export(p) for p in paths]
    origin: dict[tuple[str, str | None], Path] = {}
    for path, part in zip(paths, parts, strict=True):
        key = (part.name, part.revision)
        if key in origin:
            at = f" at revision {part.revision}" if part.revision else " (no revision)"
            raise GovernError(
                f"{origin[key]} and {path} are exports of the same portfolio {part.name!r}{at}:"
                " it would be counted twice",
                "keep one of them, or export the other portfolio again",
            )
        origin[key] = path
    return merge(parts, title)


def build_site_from_exports(paths: Sequence[Path], out: Path, *, title: str | None = None) -> Path:
    """One report of several portfolio repos from their exports; returns its index.html."""
    return write_site(load_exports(paths, title=title), out)
