"""Write the static report: one HTML file per page, a stylesheet and an optional script.

The site needs no server and no network: every link is relative, the assets are copied next to
the pages, and the pages work with JavaScript off. Every value from the portfolio goes through
Jinja's autoescaping; only the SVG figures, which the chart modules escape themselves, are `Markup`.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from govern_as_code.errors import GovernError
from govern_as_code.portfolio import Portfolio
from govern_as_code.report.collect import collect
from govern_as_code.report.data import ReportData
from govern_as_code.report.lookup import short, when
from govern_as_code.report.paths import INDEX, root_of
from govern_as_code.report.views import NAV, build_pages
from govern_as_code.resources import data_dir
from govern_as_code.results import PortfolioStatus

ASSETS = ("report.css", "report.js")
PRINT_CSS = "print.css"
# What a CSS string may hold here: a revision, a date and the words around them. Anything else
# (quotes, backslashes, newlines from a crafted ref) could end the string and inject rules.
_CSS_SAFE = re.compile(r"[^A-Za-z0-9 .,():_@/+-]")


@dataclass(frozen=True)
class SiteInfo:
    """What the header and footer of every page say."""

    title: str
    as_of: str
    revision: str
    # The banner (`_banner.html`): a past state, or when and from what the report was made.
    historical: bool = False
    as_of_date: str = ""
    commit: str = ""
    generated: str = ""
    parts: tuple[tuple[str, str], ...] = ()  # an aggregate's (portfolio, commit), in order


def print_css(info: SiteInfo) -> str:
    """The stylesheet that puts this report's revision and date in every printed page's margin.

    Chromium has no `string-set`, so a page's text cannot reach its margin boxes; the values are
    written into this per-site stylesheet instead (the pages' CSP allows only 'self' styles).
    """
    # The banner's words, so a printed page says what state it shows as the screen does.
    if info.historical:
        text = f"Historical view: as of {info.as_of_date} (commit {info.commit})"
    elif info.generated:
        text = f"Generated {info.generated} from commit {info.commit}"
    else:
        text = f"As of {info.revision[:12]}" + (f", {info.as_of}" if info.as_of else "")
    text = _CSS_SAFE.sub(" ", text)
    return (
        "/* Written by gac report for this site: the revision and date in every page's margin. */\n"
        f'@page {{ @top-right {{ content: "{text}"; font-size: 8pt; color: #444; }} }}\n'
    )


def build_site(
    portfolio: Portfolio, status: PortfolioStatus, out: Path, *, title: str | None = None
) -> Path:
    """Write the report of `portfolio` as of `status` into `out`; return its index.html."""
    return write_site(collect(portfolio, status, title), out)


def environment() -> Environment:
    """The templates of `templates/report/`, autoescaped, failing on any undefined name."""
    return Environment(
        loader=FileSystemLoader(data_dir("templates") / "report"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # One process renders one site: a template is compiled once, never stat'ed again for
        # each of tens of thousands of pages and the partials they include.
        auto_reload=False,
        cache_size=-1,
    )


def write_site(data: ReportData, out: Path) -> Path:
    """Render every page of `data` under `out` (created if needed); return its index.html."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise GovernError(
            f"cannot create the report folder {out}: {e.strerror}", "choose another --out folder"
        ) from e
    env = environment()
    info = SiteInfo(
        title=data.name,
        as_of=when(data.as_of) if data.as_of else "",
        revision=data.revision or "working tree",
        historical=data.historical,
        as_of_date=data.as_of.date().isoformat() if data.as_of else "",
        commit=short(data.revision) or "working tree",
        generated=when(data.generated_at) if data.generated_at else "",
        parts=tuple(
            (name, short(rev) or "no commit")
            for name, rev in zip(data.sources, data.source_revisions, strict=False)
        ),
    )
    templates: dict[str, Template] = {}
    folders: set[Path] = set()
    try:
        for page in build_pages(data):
            template = templates.get(page.template)
            if template is None:
                template = templates[page.template] = env.get_template(page.template)
            target = out / page.path
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            html = template.render(
                page=page, view=page.view, site=info, nav=NAV, root=root_of(page.path)
            )
            target.write_text(html, encoding="utf-8")
        assets = out / "assets"
        assets.mkdir(exist_ok=True)
        source = data_dir("templates") / "report" / "assets"
        for name in ASSETS:
            shutil.copyfile(source / name, assets / name)
        (assets / PRINT_CSS).write_text(print_css(info), encoding="utf-8")
    except OSError as e:
        raise GovernError(
            f"cannot write the report into {out}: {e}",
            "check the folder's permissions and free space",
        ) from e
    return out / INDEX
