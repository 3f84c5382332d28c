"""The static report: its pages, links, heat map, paging and escaping, without a browser."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser.hostile_portfolio import HOSTILE, JS_URL, load_hostile
from browser.report_fixtures import heat_cells, internal_links, load_example, load_many

from govern_as_code.documents.kinds import ProjectDocument
from govern_as_code.portfolio import Portfolio
from govern_as_code.report.paths import AttachmentView, ExternalLink, file_stem, safe_url
from govern_as_code.report.site import build_site
from govern_as_code.results import PortfolioStatus

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "report"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Portfolio, PortfolioStatus, Path]:
    portfolio, status = load_example()
    site = tmp_path_factory.mktemp("site")
    index = build_site(portfolio, status, site)
    assert index == site / "index.html"
    return portfolio, status, site


def _text(site: Path, page: str) -> str:
    return (site / page).read_text("utf-8")


def test_every_page_of_the_example_exists(example: tuple[Portfolio, PortfolioStatus, Path]) -> None:
    portfolio, _, site = example
    expected = [
        "index.html",
        "initiatives/index.html",
        "projects/index.html",
        "models/index.html",
        "deployments.html",
        "audit.html",
        "assets/report.css",
        "assets/report.js",
    ]
    expected += [f"projects/{d.id}.html" for d in portfolio.of_kind("Project")]
    expected += [f"models/{d.id}.html" for d in portfolio.of_kind("Model")]
    expected += [f"initiatives/{d.id}.html" for d in portfolio.of_kind("Initiative")]
    assert len(expected) > 30
    assert [p for p in expected if not (site / p).is_file()] == []


def test_every_internal_link_and_anchor_resolves(
    example: tuple[Portfolio, PortfolioStatus, Path],
) -> None:
    _, _, site = example
    links = list(internal_links(site))
    assert len(links) > 500
    missing = [
        (str(page.relative_to(site)), href)
        for page, href, target, _ in links
        if not target.is_file()
    ]
    assert missing == []
    outside = [href for _, href, target, _ in links if site.resolve() not in target.parents]
    assert outside == []
    ids: dict[Path, str] = {}
    for page, href, target, fragment in links:
        if fragment:
            html = ids.setdefault(target, target.read_text("utf-8"))
            assert f'id="{fragment}"' in html, (page, href)


def test_pages_are_self_contained_and_accessible(
    example: tuple[Portfolio, PortfolioStatus, Path],
) -> None:
    _, _, site = example
    for page in site.rglob("*.html"):
        html = page.read_text("utf-8")
        assert html.startswith('<!DOCTYPE html>\n<html lang="en">'), page
        assert html.count("<h1") == 1, page
        assert "Content-Security-Policy" in html
        for tag in re.findall(r'<[a-z]+ [^>]*(?:src|href)="(?:https?|mailto):[^>]*>', html):
            assert tag.startswith("<a ") and 'rel="noopener noreferrer' in tag, tag
        assert not re.search(r'<(?:script|link)[^>]+(?:src|href)="(?:https?:)?//', html), page
        assert not re.search(r"<th(?=[\s>])(?![^>]*scope=)[^>]*>", html), page
        for svg in re.findall(r"<svg[^>]*>", html):
            assert 'role="img"' in svg and "aria-labelledby" in svg, page


def test_heat_map_cells_hold_their_projects(
    example: tuple[Portfolio, PortfolioStatus, Path],
) -> None:
    portfolio, _, site = example
    expected: dict[tuple[int, int], list[str]] = {}
    for doc, project in portfolio.models("Project", ProjectDocument):
        q = project.spec.qualification
        if q is not None:
            expected.setdefault((q.risk, q.value), []).append(doc.id)
    cells = heat_cells(_text(site, "index.html"))
    assert len(cells) == 25
    for key, (count, ids) in cells.items():
        assert sorted(ids) == sorted(expected.get(key, [])), key
        assert count == len(ids)
    # Each non-empty cell links to the list of exactly its projects.
    for (risk, value), ids in expected.items():
        page = _text(site, f"projects/list/risk-{risk}-value-{value}.html")
        assert f'href="projects/list/risk-{risk}-value-{value}.html"' in _text(site, "index.html")
        assert sorted(re.findall(r'<tr data-project="([^"]+)"', page)) == sorted(ids)
    assert 'data-project="customer-lifetime-value"' in _text(site, "projects/list/unqualified.html")


def test_portfolio_counts(example: tuple[Portfolio, PortfolioStatus, Path]) -> None:
    _, _, site = example
    html = _text(site, "index.html")
    counts = dict(
        (label, int(value))
        for value, label in re.findall(
            r'class="count__value">(\d+)</span>\s*<span class="count__label">(?:<a[^>]*>)?([^<]+)',
            html,
        )
    )
    assert counts["Projects"] == 12
    assert counts["Models"] == 14
    assert counts["Overdue revalidations"] == 1
    assert counts["Deployments blocked"] == 1
    assert counts["Pending approvals"] >= 1
    assert "claims-severity-lgbm@2" in html.split('id="overdue"')[1]
    assert 'churn-xgb@3</a> <span class="muted">— the deploy gate blocks it' in html


def test_deployments_show_the_gate(example: tuple[Portfolio, PortfolioStatus, Path]) -> None:
    _, _, site = example
    rows = re.findall(
        r'<tr data-gate="([^"]+)">\s*<th scope="row"[^>]*>([^<]+)</th>(.*?)</tr>',
        _text(site, "deployments.html"),
        re.S,
    )
    gate = {path: state for state, path, _ in rows}
    assert gate["k8s/serving/churn-xgb.yaml"] == "blocked"
    assert gate["deployments/production/card-fraud-gbm.yaml"] == "passed"
    assert gate["deployments/staging/churn-xgb.yaml"] == "not gated"
    assert gate["deployments/production/atm-cash-demand.yaml"] == "no gate result"
    blocked = next(body for state, _, body in rows if state == "blocked")
    assert "no approval from role risk-review" in blocked and "foreign manifest" in blocked


def test_audit_is_newest_first_with_evidence(
    example: tuple[Portfolio, PortfolioStatus, Path],
) -> None:
    _, _, site = example
    html = _text(site, "audit.html")
    times = re.findall(r'<td class="nowrap">(\d{4}-\d\d-\d\d \d\d:\d\d UTC)</td>', html)
    assert len(times) > 20 and times == sorted(times, reverse=True)
    assert "SHA256:Xf2kq9rT1pLmN0vW" in html and "0123456789" in html
    assert "signed commit" in html
    # Without history no commit vouches for a stage completion: the page says so.
    stages = [r for r in re.findall(r"<tr data-kind=\"stage\".*?</tr>", html, re.S)]
    assert stages and all("✕</span> unsigned" in r and "no commit" in r for r in stages)


def test_model_page(example: tuple[Portfolio, PortfolioStatus, Path]) -> None:
    _, _, site = example
    html = _text(site, "models/churn-xgb.html")
    assert re.search(
        r'<tr class="version-row status-production">\s*<th scope="row">'
        r'<a href="#v-3">churn-xgb@3</a>',
        html,
    )
    assert "★</span> production" in html and "⚑</span> challenger" in html
    assert 'class="chart chart-line"' in html  # drift
    assert html.count('class="chart chart-comparison"') == 4  # every version but production
    assert "metric to focus" in html
    assert "stale" in html and 'key <span class="mono">SHA256:Xf2kq9rT1pLmN0vW</span>' in html
    registry = _text(site, "models/index.html")
    assert "mlflow" in registry and "huggingface" in registry


def test_project_page(example: tuple[Portfolio, PortfolioStatus, Path]) -> None:
    _, _, site = example
    html = _text(site, "projects/churn-prediction.html")
    assert (
        '<a href="https://wiki.northwind.example/retail/retention/playbook" '
        'rel="noopener noreferrer nofollow" class="external">'
    ) in html
    assert '<span class="attachment-title">Model card: churn-xgb</span>' in html
    assert "docs/churn-model-card.md" in html
    assert "Sofía Álvarez" in html and "completed by" in html
    assert 'href="../models/churn-xgb.html"' in html
    assert 'href="../initiatives/customer-retention.html"' in html  # breadcrumb


def test_250_projects_are_paginated(tmp_path: Path) -> None:
    portfolio, status = load_many(tmp_path / "repo", 250)
    site = tmp_path / "site"
    build_site(portfolio, status, site)
    pages = ["projects/index.html", "projects/index/page-2.html", "projects/index/page-3.html"]
    seen: list[str] = []
    for n, page in enumerate(pages):
        html = _text(site, page)
        rows = re.findall(r'<tr data-project="([^"]+)"', html)
        assert len(rows) == (100 if n < 2 else 50)
        seen += rows
        assert f"Page {n + 1} of 3" in html
        assert ('rel="prev"' in html) == (n > 0) and ('rel="next"' in html) == (n < 2)
    assert sorted(seen) == sorted(f"p{n:04d}" for n in range(250))
    assert not (site / "projects/index/page-4.html").exists()
    for page in site.rglob("*.html"):
        assert page.read_text("utf-8").count("<tr data-project=") <= 100
    index = _text(site, "index.html")
    # Past 60 projects the feasibility view draws one bubble per heat-map cell, not per project.
    assert index.count('<g class="bubble"') == 25 and "×10" in index
    assert len(index) < 150_000
    initiative = _text(site, "initiatives/growth/page-3.html")
    assert initiative.count("<tr data-project=") == 50
    assert [href for _, href, target, _ in internal_links(site) if not target.is_file()] == []


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:x",
        "jav&#x09;ascript:x",
        "data:text/html,<script>x</script>",
        "vbscript:x",
        "//evil.example",
        "/etc/passwd",
        "docs/readme.md",
        "https:",
        "https://\x00evil",
        "",
        None,
    ],
)
def test_unsafe_urls_are_never_links(url: str | None) -> None:
    assert safe_url(url) is None
    assert AttachmentView.of("t", url, None).href is None
    assert ExternalLink.of(url).href is None


@pytest.mark.parametrize("url", ["https://a.example/x?y=<z>", "http://a.example", "mailto:a@b.c"])
def test_safe_urls_are_links(url: str) -> None:
    assert safe_url(url) == url
    assert AttachmentView.of("t", url, None) == AttachmentView("t", url, url)


def test_an_attachment_path_is_text() -> None:
    assert AttachmentView.of("Card", None, "docs/card.md") == AttachmentView(
        "Card", None, "docs/card.md"
    )


def test_file_names_cannot_collide() -> None:
    assert file_stem("index") == "_index"
    assert file_stem("retail/churn") == "retail--churn"
    assert file_stem("a/../../x") == "a--..--..--x"
    assert "/" not in file_stem("../../etc/passwd")


class _Dangerous(HTMLParser):
    """Every element or attribute through which the page could run a script."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and not names.get("src", "").endswith("assets/report.js"):
            self.found.append(f"<script {attrs}>")
        if tag in ("img", "iframe", "object", "embed", "textarea", "foreignobject"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}")
            if (
                name in ("href", "src", "xlink:href", "action")
                and value is not None
                and re.sub(r"[\x00-\x20]", "", value).lower().startswith(("javascript:", "data:"))
            ):
                self.found.append(f"{tag} {name}={value}")


def test_hostile_content_is_escaped(tmp_path: Path) -> None:
    portfolio, status = load_hostile(tmp_path / "repo")
    site = tmp_path / "site"
    build_site(portfolio, status, site)
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        html = page.read_text("utf-8")
        parser = _Dangerous()
        parser.feed(html)
        assert parser.found == [], page
        assert "{{ 7*7 }}" in html or "49" not in html  # no template injection
    project = _text(site, "projects/pwn.html")
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in project
    assert JS_URL in project  # shown, as text
    assert HOSTILE not in project


def test_templates_never_mark_content_safe() -> None:
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text("utf-8")
        assert not re.search(r"\|\s*safe|autoescape\s+false|Markup\(", text), template
