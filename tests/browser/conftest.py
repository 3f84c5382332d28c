"""Shared browser fixtures: one headless Chromium per session, pages that record errors and
refuse the network, and the real `gac demo` repository with its report, built once."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from govern_as_code.commands.demo import DemoResult, run_demo
from govern_as_code.report.site import build_site

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = (
    os.environ.get("GAC_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The demo's clock, fixed so what is overdue or stale on its report never depends on the day.
DEMO_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


class Watched:
    """A page whose console errors, page errors and off-disk requests are recorded."""

    def __init__(self, page: sync_api.Page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on(
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))

    def open(self, site: Path, path: str) -> None:
        self.page.goto((site / path).as_uri())
        self.page.wait_for_load_state("load")


@pytest.fixture(scope="session")
def browser() -> Iterator[sync_api.Browser]:
    # Never skipped: scripts/test.sh installs Debian's chromium.
    assert CHROMIUM is not None, "no chromium on PATH: install it (apt-get install chromium)"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def new_context(
    browser: sync_api.Browser,
    outside: list[str],
    *,
    scripts: bool = True,
    width: int = 1280,
    height: int = 900,
) -> sync_api.BrowserContext:
    """A fresh context that serves file:// only; any other request is refused and recorded."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, java_script_enabled=scripts
    )

    def route(r: sync_api.Route) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return context


@pytest.fixture
def watched(browser: sync_api.Browser) -> Iterator[Watched]:
    outside: list[str] = []
    context = new_context(browser, outside)
    yield Watched(context.new_page())
    context.close()
    assert outside == []


def check_links(w: Watched, site: Path) -> int:
    """Every link of the open page leads to a file of the site and, if any, to an anchor."""
    hrefs: list[str] = w.page.eval_on_selector_all(
        "a[href]", "els => els.map(e => new URL(e.getAttribute('href'), document.baseURI).href)"
    )
    checked = 0
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme != "file":
            assert parts.scheme in ("http", "https", "mailto"), href
            continue
        target = Path(unquote(parts.path))
        assert target.is_file(), href
        assert site.resolve() in target.resolve().parents, href
        if parts.fragment:
            assert f'id="{parts.fragment}"' in target.read_text("utf-8"), href
        checked += 1
    return checked


@dataclass(frozen=True)
class Demo:
    result: DemoResult
    site: Path  # the report of the demo as `gac demo` writes it

    @property
    def repo(self) -> Path:
        return self.result.repo


def _write_report(assessment: object, out: Path) -> Path:
    from govern_as_code.commands.assess import Assessment

    assert isinstance(assessment, Assessment)
    return build_site(assessment.portfolio, assessment.status, out)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The real demo: signed history, lint, report; built once for every browser test."""
    result = run_demo(tmp_path_factory.mktemp("demo"), now=DEMO_NOW, write_report=_write_report)
    assert result.report_index is not None
    return Demo(result, result.report_index.parent)
