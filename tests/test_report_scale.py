"""The report at scale: every list is paged, every page stays small, and every row is reachable
by following the pagers from the list's first page.

Built from the synthetic portfolio's small preset (benchmarks/synth.py) with the page size
forced down to a few rows, so that every list of the report spans several pages.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from types import ModuleType

import pytest

from govern_as_code.commands.assess import LintRequest, assess
from govern_as_code.report import paths
from govern_as_code.report.collect import collect
from govern_as_code.report.data import ReportData
from govern_as_code.report.paths import cell_page, deployment_anchor, initiative_page
from govern_as_code.report.site import write_site

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
ROWS = 7
# A list page of ROWS rows, with the header, navigation and pagers around it. A list rendered
# whole (100 projects, 150 models) would be several times this.
BUDGET = 40_000
# The board and the matrix are views of every project, capped per column and per cell rather
# than paged; they are held to the megabyte bound that every page is.
LIST_PAGE = re.compile(
    r"^(?:projects/index|projects/list/(?!board|matrix)|models/index|deployments|audit|initiatives/)"
)
NEXT = re.compile(r'<a href="([^"]+)" rel="next">')


def _synth() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synth", BENCHMARKS / "synth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["synth"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ReportData, Path]]:
    synth = _synth()
    root = tmp_path_factory.mktemp("scale")
    result = synth.synthesize(root / "portfolio", synth.PRESETS["small"], seed=5)
    request = LintRequest(result.root, today=date(2025, 6, 1), report_history=True)
    assessment = assess(request)
    data = collect(assessment.portfolio, assessment.status)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(paths, "PAGE_SIZE", ROWS)
        write_site(data, root / "site")
    yield data, root / "site"


def test_deployed_since_is_the_last_commit_of_each_manifest(
    site: tuple[ReportData, Path],
) -> None:
    data, out = site
    repo = out.parent / "portfolio"
    assert data.deployments
    for d in data.deployments:
        stamp = subprocess.run(
            ["git", "-C", str(repo), "log", "-1", "--format=%aI", "--", d.path],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert d.since == datetime.fromisoformat(stamp), d.path


def walk(site: Path, first: str) -> list[str]:
    """The HTML of every page of the list whose first page is `first`, by its "next" links."""
    pages, path = [], site / first
    while True:
        html = path.read_text("utf-8")
        pages.append(html)
        found = NEXT.search(html)
        if found is None:
            return pages
        path = (path.parent / found.group(1)).resolve()
        assert len(pages) < 1000, "the pager loops"


def rows(pages: list[str], pattern: str) -> list[str]:
    return [m for html in pages for m in re.findall(pattern, html)]


def test_every_list_is_paged_under_budget(site: tuple[ReportData, Path]) -> None:
    data, out = site
    lists = {
        paths.PROJECTS: len(data.projects),
        paths.MODELS: len(data.models),
        paths.DEPLOYMENTS: len(data.deployments),
        paths.INITIATIVES: len(data.initiatives),
    }
    for first, total in lists.items():
        pages = walk(out, first)
        assert len(pages) == max(1, -(-total // ROWS)), first
    assert min(len(data.projects), len(data.models), len(data.deployments)) > ROWS
    listed = 0
    for html_file in out.rglob("*.html"):
        path, size = html_file.relative_to(out).as_posix(), html_file.stat().st_size
        # Detail pages grow with their own document (a model's versions), never with the
        # portfolio; no page may come near a megabyte.
        assert size < 1_000_000, (path, size)
        if LIST_PAGE.match(path):
            listed += 1
            assert size < BUDGET, (path, size)
    assert listed > 50


def test_every_row_is_reachable_through_the_pager(site: tuple[ReportData, Path]) -> None:
    data, out = site
    projects = sorted(p.id for p in data.projects)
    found = rows(walk(out, paths.PROJECTS), r'<tr data-project="([^"]+)"')
    assert sorted(found) == projects  # each once
    models = rows(walk(out, paths.MODELS), r'<tr data-model="([^"]+)"')
    assert sorted(models) == sorted(m.id for m in data.models)
    deployments = rows(walk(out, paths.DEPLOYMENTS), r'<th scope="row"[^>]* id="([^"]+)"')
    assert sorted(deployments) == sorted(
        deployment_anchor(d.path, d.subject) for d in data.deployments
    )
    initiatives = rows(walk(out, paths.INITIATIVES), r'<th scope="row"><a href="([^"]+)"')
    assert sorted(initiatives) == sorted("../" + initiative_page(i.id) for i in data.initiatives)
    for i in data.initiatives:
        members = rows(walk(out, initiative_page(i.id)), r'<tr data-project="([^"]+)"')
        assert sorted(members) == sorted(p.id for p in data.projects if p.initiative == i.id)
    # The heat map's cell lists together hold every qualified project once.
    cells: list[str] = []
    for risk in range(1, 6):
        for value in range(1, 6):
            if (out / cell_page(risk, value)).is_file():
                cells += rows(walk(out, cell_page(risk, value)), r'<tr data-project="([^"]+)"')
    assert sorted(cells) == sorted(p.id for p in data.projects if p.qualification is not None)
    # The audit trail: every page under budget (above) and as many pages as its rows need.
    entries = len(data.approvals) + len(data.stage_events) + len(data.history_events)
    assert len(walk(out, paths.AUDIT)) == -(-entries // ROWS)


def test_every_figure_is_drawn_once(site: tuple[ReportData, Path]) -> None:
    data, out = site
    charts: list[str] = []
    for html_file in out.rglob("*.html"):
        charts += re.findall(r'data-chart="([^"]+)"', html_file.read_text("utf-8"))
    drift = [c for c in charts if c.startswith("drift-")]
    expected = {(v.id, n) for v in data.versions for d in v.drift for n in d.values}
    assert len(drift) == len(set(drift)) == len(expected)
