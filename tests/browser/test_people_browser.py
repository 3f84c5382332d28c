"""The people pages: reached from the navigation and from every name, each person's roles,
keys, approvals, stages and what waits for them; departed people shown as such; paged."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from browser.conftest import Demo, Watched, check_links
from govern_as_code.report.data import ApprovalRec, KeyRec, PersonRec, ReportData
from govern_as_code.report.site import write_site

pytestmark = pytest.mark.browser


def test_people_are_in_the_navigation_and_listed(watched: Watched, demo: Demo) -> None:
    watched.open(demo.site, "index.html")
    watched.page.locator(".site-nav").get_by_role("link", name="People").click()
    watched.page.wait_for_load_state("load")
    assert watched.page.url.endswith("people/index.html")
    rows = watched.page.locator("tr[data-person]")
    assert rows.count() == len(list((demo.repo / "people").glob("*.yaml"))) >= 10
    rahul = rows.filter(has_text="Rahul Mehta").inner_text()
    assert "business" in rahul and "business-review" in rahul and "1 waiting" in rahul
    assert check_links(watched, demo.site) >= rows.count()
    assert watched.problems == []


def test_a_person_page_lists_what_waits_for_them(watched: Watched, demo: Demo) -> None:
    watched.open(demo.site, "people/rahul-mehta.html")
    page = watched.page
    waiting = page.locator("#waiting")
    assert "Waiting for you 1" in waiting.inner_text()
    item = waiting.locator("li").filter(has_text="txn-anomaly-ae@2")
    assert "business-review" in item.inner_text() and "production" in item.inner_text()
    item.get_by_role("link", name="txn-anomaly-ae@2").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("models/txn-anomaly-ae.html#v-2")
    watched.open(demo.site, "people/rahul-mehta.html")
    facts = page.locator(".facts").first.inner_text()
    assert "business" in facts and "business-review" in facts and "active" in facts
    keys = page.locator("section[aria-labelledby=keys-h]").inner_text()
    assert "SHA256:" in keys and "2025-01-01" in keys and "valid" in keys
    given = page.locator("section[aria-labelledby=given-h] tbody tr")
    signed = [a for a in demo.result.approvals if a.endswith("--rahul-mehta.yaml")]
    assert len(signed) >= 3 and given.count() == len(signed)
    assert all("business-review" in t for t in given.all_inner_texts())
    stages = page.locator("section[aria-labelledby=stages-h]").inner_text()
    assert "Claims severity estimation: Ideation" in stages
    # The finding he can act on is on his page too.
    assert "production-requires-approvals" in page.locator("#findings").inner_text()
    assert check_links(watched, demo.site) > 0
    # Someone nothing waits for says so.
    watched.open(demo.site, "people/li-wei.html")
    assert "No gated version waits" in page.locator("#waiting").inner_text()
    assert watched.problems == []


def test_names_link_to_people_pages(watched: Watched, demo: Demo) -> None:
    watched.open(demo.site, "projects/card-fraud-detection.html")
    facts = watched.page.locator(".facts").first
    owner = facts.locator("dd").nth(2).get_by_role("link")
    assert owner.count() == 1
    name = owner.inner_text()
    owner.click()
    watched.page.wait_for_load_state("load")
    assert watched.page.locator("h1").inner_text().startswith(name)
    watched.open(demo.site, "models/churn-xgb.html")
    reviewers = watched.page.locator("table.sortable td a[href*='people/']")
    assert reviewers.count() >= 1
    assert watched.problems == []


def _people_site(tmp_path: Path, count: int) -> Path:
    people = tuple(
        PersonRec(
            f"p{n:04d}",
            f"Person {n:04d}",
            "risk",
            roles=("risk-review",),
            keys=(
                KeyRec(
                    "ssh",
                    f"SHA256:{n}",
                    datetime(2025, 1, 1, tzinfo=UTC),
                    datetime(2026, 1, 1, tzinfo=UTC),
                ),
            ),
        )
        for n in range(count)
    )
    gone = replace(people[0], status="departed", departed_on=date(2026, 3, 31))
    signed = tuple(
        ApprovalRec(
            f"m@{n}",
            "risk-review",
            "p0001",
            "approved",
            datetime(2026, 1, 1, tzinfo=UTC),
            "current",
            "signed commit",
        )
        for n in range(150)
    )
    data = ReportData(
        name="People",
        people=(gone, *people[1:]),
        approvals=signed,
        assessed_on=date(2026, 6, 1),
    )
    site = tmp_path / "site"
    write_site(data, site)
    return site


def test_departed_people_are_shown_as_such_and_the_list_is_paged(
    watched: Watched, tmp_path: Path
) -> None:
    site = _people_site(tmp_path, 130)
    watched.open(site, "people/index.html")
    page = watched.page
    assert page.locator("tr[data-person]").count() == 100
    assert "Page 1 of 2" in page.locator(".pager").first.inner_text()
    assert "1 departed" in page.locator(".lead").inner_text()
    row = page.locator('tr[data-person="p0000"]').inner_text()
    assert "departed on 2026-03-31" in row
    page.get_by_role("link", name="Next ›").first.click()
    page.wait_for_load_state("load")
    assert page.locator("tr[data-person]").count() == 30
    watched.open(site, "people/p0000.html")
    facts = page.locator(".facts").inner_text()
    assert "departed on 2026-03-31" in facts and "holds no role from that date" in facts
    # The key's window ended before the day the portfolio was assessed.
    keys = page.locator("section[aria-labelledby=keys-h]").inner_text()
    assert "expired" in keys and "2026-01-01" in keys
    assert check_links(watched, site) > 0
    # A prolific reviewer's page lists the latest 100 approvals and says how many there are.
    watched.open(site, "people/p0001.html")
    given = page.locator("section[aria-labelledby=given-h]")
    assert given.locator("tbody tr").count() == 100
    assert "The latest 100 of 150" in given.inner_text()
    assert given.locator("tbody tr").last.inner_text().startswith("m@149")
    assert watched.problems == []
