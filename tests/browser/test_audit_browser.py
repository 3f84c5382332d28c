"""The audit trail and the stage evidence as a reader sees them, on the real demo.

The demo signs every commit with its author's key, so its completions and changes verify;
a clone with an unsigned commit and an uncommitted edit shows what "unsigned" looks like.
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from browser.conftest import DEMO_NOW, Demo, Watched, check_links, new_context
from govern_as_code.commands.assess import LintRequest, assess
from govern_as_code.report.site import build_site

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

FACETS = ("kind", "person", "project", "state")
GOVERNANCE_KINDS = ("promotion", "retirement", "deployment", "qualification", "policy")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def _times(w: Watched) -> list[datetime]:
    texts = w.page.locator("#audit-table tbody tr td:first-child").all_inner_texts()
    return [datetime.strptime(t, "%Y-%m-%d %H:%M UTC").replace(tzinfo=UTC) for t in texts]


def _visible_rows(w: Watched) -> list[dict[str, str]]:
    found: list[dict[str, str]] = w.page.eval_on_selector_all(
        "#audit-table tbody tr[data-facet-item]",
        """rows => rows.filter(r => !r.hidden && r.offsetParent !== null).map(r => ({
            kind: r.dataset.facetKind, person: r.dataset.facetPerson,
            project: r.dataset.facetProject, state: r.dataset.facetState,
            text: r.innerText}))""",
    )
    return found


def _build(repo: Path, out: Path, at: str | None = None) -> Path:
    assessment = assess(LintRequest(repo, at=at, today=DEMO_NOW.date(), report_history=True))
    build_site(assessment.portfolio, assessment.status, out)
    return out


def test_rows_are_newest_first_across_pages(watched: Watched, demo: Demo) -> None:
    watched.open(demo.site, "audit.html")
    first = _times(watched)
    assert len(first) == 100
    assert first == sorted(first, reverse=True)
    assert "newest first" in watched.page.locator("p.lead").inner_text()
    watched.page.get_by_role("link", name="Next ›").first.click()
    second = _times(watched)
    assert second and second == sorted(second, reverse=True) and second[0] <= first[-1]
    assert check_links(watched, demo.site) > 0
    assert watched.problems == []


def test_each_filter_narrows_to_matching_rows(watched: Watched, demo: Demo) -> None:
    watched.open(demo.site, "audit.html")
    total = len(_visible_rows(watched))
    assert watched.page.locator("form.facets").is_visible()
    for facet in FACETS:
        select = watched.page.locator(f'form.facets select[data-facet="{facet}"]')
        options = [o for o in select.locator("option").all_inner_texts() if o != "All"]
        assert options, facet
        for choice in options[:3]:
            select.select_option(label=choice)
            rows = _visible_rows(watched)
            assert rows and len(rows) <= total, (facet, choice)
            assert all(r[facet] == choice for r in rows), (facet, choice)
            if len(options) > 1:
                assert len(rows) < total, (facet, choice)
            shown = watched.page.locator("form.facets output").inner_text()
            assert shown == f"{len(rows)} of {total} shown"
        select.select_option(value="")
        assert len(_visible_rows(watched)) == total
    # Two filters together: rows must match both.
    watched.page.select_option('select[data-facet="kind"]', label="stage completion")
    watched.page.select_option('select[data-facet="state"]', label="verified")
    rows = _visible_rows(watched)
    assert all(r["kind"] == "stage completion" and r["state"] == "verified" for r in rows)
    assert watched.problems == []


def test_without_script_the_full_table_shows(browser: sync_api.Browser, demo: Demo) -> None:
    outside: list[str] = []
    context = new_context(browser, outside, scripts=False)
    page = context.new_page()
    page.goto((demo.site / "audit.html").as_uri())
    assert not page.locator("form.facets").is_visible()
    assert page.locator("#audit-table tbody tr:visible").count() == 100
    context.close()
    assert outside == []


def test_governance_changes_have_rows_with_their_commits(watched: Watched, demo: Demo) -> None:
    commits = set(_git(demo.repo, "log", "--format=%H").split())
    seen: dict[str, list[str]] = {}
    pages = ["audit.html", *sorted(f"audit/{p.name}" for p in (demo.site / "audit").glob("*"))]
    for path in pages:
        watched.open(demo.site, path)
        for row in watched.page.locator("#audit-table tbody tr").all():
            kind = row.get_attribute("data-kind") or ""
            if kind not in GOVERNANCE_KINDS:
                continue
            if kind not in seen:
                commit = row.locator("td:nth-child(6) .mono[title^='commit ']")
                full = (commit.get_attribute("title") or "").removeprefix("commit ")
                assert full in commits and commit.inner_text() == full[:10], (kind, full)
                assert "verified" in row.locator("td:nth-child(7)").inner_text()
            seen.setdefault(kind, []).append(row.inner_text())
    assert any("to production" in t for t in seen["promotion"])
    assert any(re.search(r"@\d+ to (production|staging)", t) for t in seen["deployment"])
    assert {"policy", "qualification"} <= set(seen)
    assert watched.problems == []


def test_commit_links_go_to_the_forge(watched: Watched, demo: Demo, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(demo.repo), str(clone)], check=True)
    _git(clone, "remote", "set-url", "origin", "git@github.com:northwind/portfolio.git")
    site = _build(clone, tmp_path / "site")
    watched.open(site, "audit.html")
    link = watched.page.locator("#audit-table tbody tr[data-kind='deployment'] td a.external")
    href = link.first.get_attribute("href") or ""
    sha = href.rpartition("/")[2]
    assert href == f"https://github.com/northwind/portfolio/commit/{sha}"
    assert sha in _git(clone, "log", "--format=%H") and link.first.inner_text() == sha[:10]


def test_demo_stage_completions_show_signer_and_verified(watched: Watched, demo: Demo) -> None:
    verified = 0
    for page in sorted((demo.site / "projects").glob("*.html")):
        watched.open(demo.site, f"projects/{page.name}")
        for evidence in watched.page.locator(".stage__evidence").all():
            text = " ".join(evidence.inner_text().split())
            assert "unsigned" not in text, (page.name, text)
            if text.startswith("✓ verified"):
                assert re.search(r"signed by \S.* with key SHA256:", text), text
                verified += 1
            else:
                assert "not by the completer" in text, text
    assert verified > 0
    assert watched.problems == []


def _complete_stage(project: Path, stage: str, was: str, by: str) -> None:
    text = project.read_text("utf-8")
    old = f"- id: {stage}\n      status: {was}\n"
    assert old in text
    new = (
        f"- id: {stage}\n      status: complete\n      completedBy: {by}\n"
        "      completedOn: 2026-11-19T10:00:00Z\n"
    )
    project.write_text(text.replace(old, new), "utf-8")


def test_unsigned_and_uncommitted_completions_say_unsigned(
    watched: Watched, demo: Demo, tmp_path: Path
) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(demo.repo), str(clone)], check=True)
    project = clone / "projects/customer-lifetime-value/project.yaml"
    _complete_stage(project, "ideation", "in-progress", "priya-natarajan")
    _git(
        clone,
        "-c",
        "commit.gpgsign=false",
        "-c",
        "user.name=Priya Natarajan",
        "-c",
        "user.email=priya@example.com",
        "commit",
        "-q",
        "-am",
        "Complete ideation, unsigned",
    )
    _complete_stage(project, "qualification", "not-started", "priya-natarajan")  # not committed
    site = _build(clone, tmp_path / "site")
    watched.open(site, "projects/customer-lifetime-value.html")
    items = watched.page.locator("ol.stages > li")
    texts = {
        items.nth(i).locator(".stage__title").inner_text(): " ".join(
            items.nth(i).inner_text().split()
        )
        for i in range(items.count())
    }
    assert "✕ unsigned" in texts["Ideation"] and "is not signed" in texts["Ideation"]
    assert "✕ unsigned" in texts["Qualification"]
    assert "not committed" in texts["Qualification"]
    watched.open(site, "audit.html")
    watched.page.select_option('select[data-facet="state"]', label="unsigned")
    rows = _visible_rows(watched)
    assert len(rows) == 2 and all(r["kind"] == "stage completion" for r in rows)
    assert all(r["project"] == "Customer lifetime value" for r in rows)


def test_history_rows_respect_the_as_of_date(watched: Watched, demo: Demo, tmp_path: Path) -> None:
    # A moment half-way through the demo's history.
    stamps = sorted(
        datetime.fromisoformat(t) for t in _git(demo.repo, "log", "--format=%cI").split()
    )
    at = stamps[len(stamps) // 2].astimezone(UTC).date().isoformat()
    site = _build(demo.repo, tmp_path / "site", at=at)
    watched.open(site, "audit.html")
    limit = datetime.fromisoformat(at).replace(tzinfo=UTC).replace(hour=23, minute=59)
    rows = watched.page.locator("#audit-table tbody tr").all()
    history = [r for r in rows if (r.get_attribute("data-kind") or "") in GOVERNANCE_KINDS]
    assert history
    for row in history:
        when = datetime.strptime(row.locator("td").first.inner_text(), "%Y-%m-%d %H:%M UTC")
        assert when.replace(tzinfo=UTC) <= limit
    assert watched.problems == []
