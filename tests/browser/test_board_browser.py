"""The Kanban board and the qualification matrix as a reader sees them, on the real demo
(the example portfolio with signed history), checked against the example's YAML."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from browser.conftest import DEMO_NOW, Demo, Watched, check_links, new_context
from browser.report_fixtures import EXAMPLE
from govern_as_code.commands.assess import LintRequest, assess
from govern_as_code.report.site import build_site

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

BOARD = "projects/list/board.html"
MATRIX = "projects/list/matrix.html"


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text("utf-8"))


def _projects(root: Path) -> dict[str, Any]:
    return {
        data["metadata"]["title"]: data
        for data in (_yaml(p) for p in sorted(root.glob("projects/*/project.yaml")))
    }


def _workflow(root: Path, name: str) -> list[tuple[str, str]]:
    data = _yaml(root / f"workflows/{name}.yaml")
    return [(s["id"], s["title"]) for s in data["spec"]["stages"]]


def _visible_cards(w: Watched) -> list[dict[str, str]]:
    found: list[dict[str, str]] = w.page.eval_on_selector_all(
        "#board [data-facet-item]",
        """cards => cards.filter(c => c.offsetParent !== null).map(c => ({
            initiative: c.dataset.facetInitiative, owner: c.dataset.facetOwner,
            risk: c.dataset.facetRisk, health: c.dataset.facetHealth,
            name: c.querySelector('.board__name').innerText,
            column: c.closest('.board__column').querySelector('h2').firstChild.textContent.trim()
        }))""",
    )
    return found


def test_columns_follow_the_workflow_and_cards_sit_at_their_stage(
    watched: Watched, demo: Demo
) -> None:
    watched.open(demo.site, BOARD)
    columns = [
        " ".join(t.split()[:-1])
        for t in watched.page.locator(".board__column h2").all_inner_texts()
    ]
    lifecycle = _workflow(demo.repo, "standard-ml-lifecycle")
    assert columns[: len(lifecycle)] == [title for _, title in lifecycle]
    assert columns[-1] == "Done"
    cards = {c["name"]: c for c in _visible_cards(watched)}
    projects = _projects(demo.repo)
    assert set(cards) == set(projects)
    for title, data in projects.items():
        status = {s["id"]: s["status"] for s in data["spec"].get("stages", [])}
        order = _workflow(demo.repo, data["spec"]["workflow"])
        expected = next((t for sid, t in order if status.get(sid) != "complete"), "Done")
        assert cards[title]["column"] == expected, title
        q = data["spec"].get("qualification")
        assert cards[title]["risk"] == (str(q["risk"]) if q else "not qualified"), title
    assert check_links(watched, demo.site) > 0
    assert watched.problems == []


def test_each_board_filter_narrows_the_cards(watched: Watched, demo: Demo) -> None:
    watched.open(demo.site, BOARD)
    total = len(_visible_cards(watched))
    for facet in ("initiative", "owner", "risk", "health"):
        select = watched.page.locator(f'form.facets select[data-facet="{facet}"]')
        options = [o for o in select.locator("option").all_inner_texts() if o != "All"]
        assert len(options) > 1, facet
        for choice in options:
            select.select_option(label=choice)
            cards = _visible_cards(watched)
            assert cards and len(cards) < total, (facet, choice)
            assert all(c[facet] == choice for c in cards), (facet, choice)
        select.select_option(value="")
    watched.page.select_option('select[data-facet="health"]', label="blocked")
    blocked = _visible_cards(watched)
    # txn-anomaly-ae@2 is blocked by the gate (missing business-review).
    assert [c["name"] for c in blocked] == ["Real-time card fraud detection"]
    assert watched.problems == []


def test_board_and_matrix_work_without_script(browser: sync_api.Browser, demo: Demo) -> None:
    outside: list[str] = []
    context = new_context(browser, outside, scripts=False)
    page = context.new_page()
    page.goto((demo.site / BOARD).as_uri())
    assert not page.locator("form.facets").is_visible()
    assert page.locator(".board__card:visible").count() == len(_projects(demo.repo))
    page.goto((demo.site / MATRIX).as_uri())
    assert not page.locator("#matrix-axes").is_visible()
    shown = page.locator(".matrix:visible")
    assert shown.count() == 1 and shown.locator("h2").inner_text() == "Risk × Value"
    context.close()
    assert outside == []


def _cells(w: Watched) -> dict[tuple[int, int], list[str]]:
    """(across, up) -> the project names shown in that cell of the visible matrix."""
    found: list[dict[str, Any]] = w.page.eval_on_selector_all(
        ".matrix:not([hidden]) tbody tr",
        """rows => rows.map((r, i) => ({up: 5 - i, cells: [...r.querySelectorAll('td')].map(
            td => [...td.querySelectorAll('a')].map(a => a.innerText))}))""",
    )
    return {
        (across + 1, row["up"]): names
        for row in found
        for across, names in enumerate(row["cells"])
        if names
    }


@pytest.mark.parametrize(
    ("x", "y"), [("value", "risk"), ("feasibility", "value"), ("risk", "feasibility")]
)
def test_matrix_axes_change_and_cells_name_the_projects(
    watched: Watched, demo: Demo, x: str, y: str
) -> None:
    watched.open(demo.site, MATRIX)
    watched.page.select_option('select[data-axis="x"]', x)
    watched.page.select_option('select[data-axis="y"]', y)
    heading = watched.page.locator(".matrix:not([hidden]) h2").inner_text()
    assert heading == f"{y.capitalize()} × {x.capitalize()}"
    expected: dict[tuple[int, int], list[str]] = {}
    for title, data in _projects(EXAMPLE).items():
        q = data["spec"].get("qualification")
        if q and not q.get("draft"):
            expected.setdefault((q[x], q[y]), []).append(title)
    got = _cells(watched)
    assert {k: sorted(v) for k, v in got.items()} == {k: sorted(v) for k, v in expected.items()}
    # The legend and the low and high ends are spelt out.
    assert "4 or more projects" in watched.page.locator(".matrix-legend").inner_text()
    grid = watched.page.locator(".matrix:not([hidden]) table").inner_text()
    assert f"{x.capitalize()} 1 (low)" in grid and f"{y.capitalize()} 5 (high)" in grid
    watched.page.select_option('select[data-axis="x"]', y)
    assert "different axes" in watched.page.locator("#matrix-axes output").inner_text()
    assert watched.page.locator(".matrix:visible").count() == 0
    assert watched.problems == []


def test_draft_qualifications_are_shown_apart(watched: Watched, tmp_path: Path) -> None:
    root = tmp_path / "portfolio"
    shutil.copytree(EXAMPLE, root)
    project = root / "projects/churn-prediction/project.yaml"
    text = project.read_text("utf-8")
    assert "  qualification:\n" in text
    project.write_text(text.replace("  qualification:\n", "  qualification:\n    draft: true\n"))
    assessment = assess(LintRequest(root, today=DEMO_NOW.date()))
    site = tmp_path / "site"
    build_site(assessment.portfolio, assessment.status, site)
    watched.open(site, MATRIX)
    name = "Retail customer churn prediction"
    assert name in watched.page.locator("#drafts").inner_text()
    for x, y in (("value", "risk"), ("feasibility", "value")):
        watched.page.select_option('select[data-axis="x"]', x)
        watched.page.select_option('select[data-axis="y"]', y)
        assert all(name not in names for names in _cells(watched).values())
    watched.open(site, BOARD)
    card = next(c for c in _visible_cards(watched) if c["name"] == name)
    assert card["risk"] == "not qualified"
    assert watched.problems == []
