"""The report in a real headless Chromium, opened from file:// as a user would open it.

Chromium is found on PATH (or at $GAC_CHROMIUM); without it these tests are skipped. Network
access is refused for every page, so a page that wanted anything from outside would fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from browser.conftest import Watched, check_links, new_context
from browser.hostile_portfolio import load_hostile
from browser.report_fixtures import ROOT, load_example
from govern_as_code.documents.kinds import ProjectDocument
from govern_as_code.portfolio import Portfolio
from govern_as_code.report.site import build_site

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "build" / "screenshots"
PAGE_TYPES = [
    "index.html",
    "initiatives/index.html",
    "initiatives/fraud-reduction.html",
    "projects/index.html",
    "projects/churn-prediction.html",
    "projects/list/risk-2-value-4.html",
    "projects/list/unqualified.html",
    "models/index.html",
    "models/churn-xgb.html",
    "models/card-fraud-gbm.html",
    "deployments.html",
    "audit.html",
]


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Portfolio, Path]:
    portfolio, status = load_example()
    site = tmp_path_factory.mktemp("site")
    build_site(portfolio, status, site)
    return portfolio, site


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_page_loads_cleanly_and_links_resolve(
    watched: Watched, example: tuple[Portfolio, Path], path: str
) -> None:
    _, site = example
    watched.open(site, path)
    assert watched.problems == []
    assert watched.page.locator("h1").count() == 1
    assert watched.page.evaluate("document.documentElement.lang") == "en"
    # The stylesheet and the script were allowed by the page's own CSP from file://.
    background = watched.page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(244, 246, 249)"
    tables = watched.page.locator("table.sortable tbody tr").count()
    if tables > 2:
        assert watched.page.locator("button.sort-button").count() > 0
    assert check_links(watched, site) > 10
    for svg in watched.page.locator("svg.chart").all():
        assert svg.get_attribute("role") == "img" and svg.get_attribute("aria-labelledby")


def test_navigation_reaches_every_section(
    watched: Watched, example: tuple[Portfolio, Path]
) -> None:
    _, site = example
    watched.open(site, "projects/churn-prediction.html")
    for label, heading in [
        ("Portfolio", "Northwind Financial"),
        ("Initiatives", "Initiatives"),
        ("Projects", "All projects"),
        ("Models", "Model registry"),
        ("Deployments", "Deployments"),
        ("Audit", "Audit trail"),
    ]:
        watched.page.get_by_role("navigation", name="Sections").get_by_role(
            "link", name=label, exact=True
        ).click()
        assert watched.page.locator("h1").inner_text().startswith(heading)
        current = watched.page.locator('.site-nav a[aria-current="page"]').inner_text()
        assert current == label
    watched.open(site, "models/churn-xgb.html")
    watched.page.locator(".crumbs").get_by_role("link", name="Models").click()
    assert watched.page.locator("h1").inner_text() == "Model registry"
    assert watched.problems == []


def test_heat_map_cells_hold_the_right_projects(
    watched: Watched, example: tuple[Portfolio, Path]
) -> None:
    portfolio, site = example
    expected: dict[tuple[int, int], set[str]] = {}
    for doc, project in portfolio.models("Project", ProjectDocument):
        q = project.spec.qualification
        if q is not None:
            expected.setdefault((q.risk, q.value), set()).add(doc.id)
    watched.open(site, "index.html")
    cells = watched.page.eval_on_selector_all(
        "g.heat-cell",
        """els => els.map(e => [
        +e.dataset.risk, +e.dataset.value, +e.dataset.count, e.dataset.projects])""",
    )
    assert len(cells) == 25
    for risk, value, count, ids in cells:
        assert set(ids.split()) == expected.get((risk, value), set()), (risk, value)
        assert count == len(expected.get((risk, value), ()))
    # Following a cell's link lists exactly that cell's projects.
    watched.page.locator('g.heat-cell[data-risk="2"][data-value="4"] a').click()
    assert watched.page.url.endswith("projects/list/risk-2-value-4.html")
    rows = watched.page.eval_on_selector_all(
        "tr[data-project]", "els => els.map(e => e.dataset.project)"
    )
    assert set(rows) == expected[(2, 4)]
    assert watched.problems == []


def test_tables_sort_and_filter_and_work_without_script(
    browser: sync_api.Browser, watched: Watched, example: tuple[Portfolio, Path]
) -> None:
    _, site = example
    watched.open(site, "projects/index.html")
    rows = watched.page.locator("tbody tr[data-project]")
    total = rows.count()
    watched.page.locator("thead th").first.locator("button").click()
    names = [
        n.strip()
        for n in watched.page.eval_on_selector_all(
            "tbody tr[data-project] th a", "els => els.map(e => e.textContent)"
        )
    ]
    assert names == sorted(names, key=str.lower)
    watched.page.get_by_label("Filter this page").fill("churn")
    assert watched.page.locator("tbody tr[data-project]:visible").count() == 1
    assert watched.problems == []

    context = new_context(browser, [], scripts=False)
    page = context.new_page()
    page.goto((site / "projects/index.html").as_uri())
    assert page.locator("tbody tr[data-project]").count() == total
    assert page.locator("button.sort-button").count() == 0
    context.close()


def test_screenshots(watched: Watched, example: tuple[Portfolio, Path]) -> None:
    _, site = example
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path, name in [
        ("index.html", "portfolio.png"),
        ("models/churn-xgb.html", "model.png"),
        ("projects/churn-prediction.html", "project.png"),
        ("deployments.html", "deployments.png"),
    ]:
        watched.open(site, path)
        watched.page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
        assert (SCREENSHOTS / name).stat().st_size > 10_000
    watched.page.emulate_media(media="print")
    watched.open(site, "index.html")
    assert watched.page.locator(".site-nav").is_hidden()
    assert watched.problems == []


def test_hostile_content_never_runs(browser: sync_api.Browser, tmp_path: Path) -> None:
    portfolio, status = load_hostile(tmp_path / "repo")
    site = tmp_path / "site"
    build_site(portfolio, status, site)
    outside: list[str] = []
    context = new_context(browser, outside)
    page = context.new_page()
    w = Watched(page)
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(pages) >= 10
    for path in pages:
        w.open(site, path)
        for link in page.locator("a").all():  # hover and focus must not run anything either
            link.focus()
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert page.locator('a[href^="javascript:" i], [href^="javascript:" i]').count() == 0
        assert page.locator("img, iframe, textarea, script:not([src])").count() == 0, path
        assert (
            page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(
            e => [...e.attributes].map(a => a.name)).filter(n => n.startsWith('on'))""")
            == []
        )
    assert w.problems == []
    assert outside == []
    page.goto((site / "projects/pwn.html").as_uri())
    assert "<script>window.__pwned=1</script>" in page.locator("main").inner_text()
    context.close()
