"""What a risk officer sees of the findings in the real demo's report: on the first screen,
on each page the finding concerns, in the health columns and in the sign-off matrix."""

from __future__ import annotations

import re

import pytest

from browser.conftest import Demo, Watched, check_links

pytestmark = pytest.mark.browser


def _finding(w: Watched, rule: str, about: str) -> str:
    items = w.page.locator("#findings .finding").filter(has_text=rule).filter(has_text=about)
    assert items.count() >= 1, f"no {rule} finding about {about}"
    return items.first.inner_text()


def test_first_screen_shows_what_is_blocked_drifting_and_overdue(
    watched: Watched, demo: Demo
) -> None:
    watched.open(demo.site, "index.html")
    page = watched.page
    panel = page.locator("#attention")
    assert panel.is_visible()
    expected = {
        "blocked": ("txn-anomaly-ae@2", "Rahul Mehta"),
        "drift over threshold": ("churn-xgb@3", "Amira Haddad"),
        "revalidation overdue": ("claims-severity-lgbm@2", "Jonas Weber"),
    }
    for kind, (subject, actor) in expected.items():
        item = panel.locator(f'.attention__item[data-kind="{kind}"]')
        assert item.count() == 1, kind
        text = item.inner_text()
        assert kind in text and subject in text and "Who must act:" in text and actor in text
        # Above the fold of a 1280×900 screen: the whole item, with its actors.
        box = item.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 900, (kind, box)
        assert item.get_by_role("link", name=subject).is_visible()
        assert item.get_by_role("link", name=actor).is_visible()
    summary = panel.locator(".attention__summary").inner_text()
    assert (
        "1 blocked" in summary and "1 drifting" in summary and "1 revalidation overdue" in summary
    )
    assert watched.problems == []


def test_drift_finding_on_the_model_page_with_rule_hint_and_owner(
    watched: Watched, demo: Demo
) -> None:
    watched.open(demo.site, "models/churn-xgb.html")
    text = _finding(watched, "drift-threshold", "churn-xgb@3")
    assert "warning" in text
    assert "drift psi is 0.31" in text and "above the threshold 0.2" in text
    assert "What to do: investigate the drift and retrain" in text
    assert re.search(r"Who can act: Amira Haddad — the model's owner", text)
    # The version's own section lists it too, under its own heading.
    section = watched.page.locator("#v-3-findings")
    assert "drift-threshold" in section.inner_text() and "this version" in section.inner_text()
    assert watched.page.locator("#v-4-findings").count() == 0  # a healthy version lists none
    # The finding's actor links to her page, which lists the same finding.
    link = watched.page.locator("#findings .finding__who a", has_text="Amira Haddad").first
    link.click()
    watched.page.wait_for_load_state("load")
    assert watched.page.url.endswith("people/amira-haddad.html")
    assert "drift-threshold" in watched.page.locator("#findings").inner_text()
    # The project and the initiative carry it too; the health column says it in words.
    watched.open(demo.site, "projects/churn-prediction.html")
    _finding(watched, "drift-threshold", "churn-xgb@3")
    watched.open(demo.site, "models/index.html")
    row = watched.page.locator('tr[data-model="churn-xgb"]')
    assert "drift over threshold" in row.inner_text()
    assert watched.problems == []


def test_revalidation_finding_on_model_page_and_deployment_health(
    watched: Watched, demo: Demo
) -> None:
    watched.open(demo.site, "models/claims-severity-lgbm.html")
    text = _finding(watched, "revalidation-due", "claims-severity-lgbm@2")
    assert "error" in text and "overdue for revalidation" in text
    assert "What to do: revalidate the version" in text
    assert "Jonas Weber" in text
    watched.open(demo.site, "deployments.html")
    row = watched.page.locator("tr[data-gate]").filter(has_text="claims-severity-lgbm@2")
    cells = row.locator("td")
    # The gate passed, but the row's health does not hide the overdue revalidation.
    gate, health = cells.nth(4).inner_text(), cells.nth(5).inner_text()
    assert "passed" in gate
    assert "revalidation overdue" in health
    assert "Who can act: Jonas Weber — the model's owner: revalidate the version" in health
    blocked = watched.page.locator("tr[data-gate]").filter(has_text="txn-anomaly-ae@2")
    blocked_health = blocked.locator("td").nth(5).inner_text()
    assert "blocked" in blocked_health
    assert (
        "Who can act: Rahul Mehta, Sofía Álvarez — eligible to give the missing" in blocked_health
    )
    healthy = watched.page.locator("tr[data-gate]").filter(has_text="atm-cash-demand@3")
    assert "healthy" in healthy.locator("td").nth(5).inner_text()
    assert watched.problems == []


def test_signoff_matrix_names_the_missing_role_and_who_can_give_it(
    watched: Watched, demo: Demo
) -> None:
    watched.open(demo.site, "models/txn-anomaly-ae.html")
    matrix = watched.page.locator('table.signoff-matrix[data-subject="txn-anomaly-ae@2"]')
    assert matrix.is_visible()
    roles = matrix.locator("tbody th").all_inner_texts()
    assert roles == ["technical-review", "risk-review", "business-review", "final-approval"]
    business = matrix.locator('tr[data-role="business-review"]').inner_text()
    assert "missing" in business
    assert "Can give it: Rahul Mehta, Sofía Álvarez" in business
    technical = matrix.locator('tr[data-role="technical-review"]').inner_text()
    assert "given" in technical and "Amira Haddad" in technical and "data-science" in technical
    assert "signed commit" in technical and "key SHA256:" in technical and "commit " in technical
    final = matrix.locator('tr[data-role="final-approval"]').inner_text()
    assert "to sign again" in final and "Inês Carvalho" in final
    hint = watched.page.locator("#v-2 p.hint").filter(has_text="deploy gate requires")
    assert "2 of 4 not given: business-review, final-approval." in hint.inner_text()
    # A reviewer's name in the matrix leads to the person's page.
    matrix.get_by_role("link", name="Rahul Mehta").click()
    watched.page.wait_for_load_state("load")
    assert watched.page.url.endswith("people/rahul-mehta.html")
    assert watched.problems == []


def test_project_page_says_what_is_missing_beside_green_approvals(
    watched: Watched, demo: Demo
) -> None:
    watched.open(demo.site, "projects/card-fraud-detection.html")
    section = watched.page.locator("section[aria-labelledby=approvals-h]")
    callout = section.locator(".signoff-missing").filter(has_text="txn-anomaly-ae@2")
    assert callout.count() == 1
    text = callout.inner_text()
    assert "sign-off incomplete" in text and "2 of 4 required roles not given" in text
    assert "business-review (missing; can give it: Rahul Mehta, Sofía Álvarez)" in text
    # It comes before the approvals table whose rows are green.
    table = section.locator("table")
    current = table.locator("tr").filter(has_text="txn-anomaly-ae@2").filter(has_text="current")
    assert current.count() == 3
    box, first_row = callout.bounding_box(), current.first.bounding_box()
    assert box is not None and first_row is not None and box["y"] < first_row["y"]
    assert "blocked" in watched.page.locator(".facts").first.inner_text()  # the health fact
    assert watched.problems == []


def test_approvals_current_counts_what_is_required(watched: Watched, demo: Demo) -> None:
    watched.open(demo.site, "index.html")
    gauge = watched.page.locator("figure.gauge--status").filter(has_text="Approvals current")
    text = gauge.inner_text()
    # 25 roles are required of the 7 live versions; business-review of txn-anomaly-ae@2 is
    # missing and its final approval must be signed again: 23 of 25, not "every approval".
    assert "23 / 25" in text
    assert "2 of 25 required sign-offs of live versions missing" in text


def test_findings_pages_link_only_inside_the_site(watched: Watched, demo: Demo) -> None:
    for path in (
        "index.html",
        "models/txn-anomaly-ae.html",
        "projects/card-fraud-detection.html",
        "deployments.html",
    ):
        watched.open(demo.site, path)
        assert check_links(watched, demo.site) > 0
    assert watched.problems == []
