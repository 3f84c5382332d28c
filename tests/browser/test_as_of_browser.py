"""A historical report (`gac report --at`) as a reader sees it: said on every page, no future."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from browser.conftest import Demo, Watched
from govern_as_code.cli.main import cli

pytestmark = pytest.mark.browser

AS_OF = "2026-06-30"
ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_YEAR = re.compile(r"\b(" + "|".join(MONTHS) + r")[a-z]* (\d{4})\b")


def _report(demo: Demo, out: Path, *extra: str) -> Path:
    result = CliRunner().invoke(
        cli, ["report", "--repo", str(demo.repo), "--out", str(out), *extra]
    )
    assert result.exit_code == 0, result.output
    return out


def _pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html"))


def _later_dates(text: str, limit: date) -> list[str]:
    found = [m.group(0) for m in ISO.finditer(text) if date(*map(int, m.groups())) > limit]
    for m in MONTH_YEAR.finditer(text):
        month = MONTHS.index(m.group(1)[:3]) + 1
        if (int(m.group(2)), month) > (limit.year, limit.month):
            found.append(m.group(0))
    return found


@pytest.fixture(scope="module")
def june(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The demo's repository is shared: the site goes to a folder of this test's own.
    return _report(demo, tmp_path_factory.mktemp("june") / "site", "--at", AS_OF)


def test_every_page_says_it_is_a_past_state_and_shows_nothing_later(
    watched: Watched, june: Path, demo: Demo
) -> None:
    head = demo.result.assessment.status.revision
    pages = _pages(june)
    assert len(pages) > 20  # projects, models, versions, deployments, audit...
    for path in pages:
        watched.open(june, path)
        banner = watched.page.locator(".report-banner")
        assert banner.count() == 1, path
        text = banner.inner_text()
        assert re.fullmatch(
            rf"Historical view: as of {AS_OF} \(commit [0-9a-f]{{10}}\)\. .*", text
        ), (path, text)
        assert head is None or head[:10] not in text  # the commit of June, not today's
        body = watched.page.locator("body").inner_text()
        assert f"as of {AS_OF}" in body
        later = _later_dates(body, date.fromisoformat(AS_OF))
        assert later == [], f"{path} shows dates after {AS_OF}: {later}"
    assert watched.problems == []


def test_the_current_report_says_when_and_from_which_commit(
    watched: Watched, demo: Demo, tmp_path: Path
) -> None:
    site = _report(demo, tmp_path / "now")
    head = demo.result.assessment.status.revision
    assert head is not None
    for path in ("index.html", "deployments.html"):
        watched.open(site, path)
        text = watched.page.locator(".report-banner").inner_text()
        assert re.fullmatch(
            rf"Generated \d{{4}}-\d{{2}}-\d{{2}} \d{{2}}:\d{{2}} UTC from commit {head[:10]}\.",
            text,
        ), text
        assert "Historical view" not in watched.page.locator("body").inner_text()
    assert watched.problems == []
