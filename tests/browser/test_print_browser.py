"""Print and narrow screens keep the evidence: every page of the real demo fits 400 px, and the
model and project pages printed to PDF by Chromium keep every column of their approvals."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from browser.conftest import Demo, Watched, new_context

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

APPROVAL_COLUMNS = ("Role", "Reviewer", "Date", "Decision", "How verified", "State")
# Whatever sticks out of the viewport, unless it sits inside a frame that scrolls on purpose.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if ((x === 'auto' || x === 'scroll') && p.clientWidth <= width) return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || el.closest('.visually-hidden, .skip-link')) continue;
    if ((r.right > width + 0.5 || r.left < -0.5) && !scrolls(el)) {
      const where = `${Math.round(r.left)}..${Math.round(r.right)}`;
      out.push(`${el.tagName.toLowerCase()}.${el.className} ${where}`);
    }
  }
  return {scroll: document.scrollingElement.scrollWidth, out: out.slice(0, 5)};
}"""


def test_every_page_fits_400_px(browser: sync_api.Browser, demo: Demo) -> None:
    outside: list[str] = []
    context = new_context(browser, outside, width=400, height=800)
    w = Watched(context.new_page())
    pages = sorted(p.relative_to(demo.site).as_posix() for p in demo.site.rglob("*.html"))
    kinds = {re.sub(r"/[^/]+\.html$", "/*", p) for p in pages}
    assert {"models/*", "projects/*", "initiatives/*", "projects/list/*"} <= kinds
    for path in pages:
        w.open(demo.site, path)
        found = w.page.evaluate(OVERFLOW)
        assert found["scroll"] <= 400, (path, found)
        assert found["out"] == [], path
    assert w.problems == []
    context.close()
    assert outside == []


def _pdf_text(w: Watched, site: Path, path: str, out: Path) -> str:
    w.open(site, path)
    pdf = out / (path.replace("/", "_") + ".pdf")
    # No header or footer template: the page numbers and the revision come from the report's
    # own print stylesheet, as they would in the reader's Ctrl+P.
    w.page.pdf(path=str(pdf), format="A4")
    pdftotext = shutil.which("pdftotext")
    assert pdftotext is not None, "install poppler-utils"
    done = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout


@pytest.mark.parametrize(
    ("path", "version"),
    [("models/churn-xgb.html", "churn-xgb@3"), ("projects/card-fraud-detection.html", None)],
)
def test_printed_pages_keep_every_approval_column(
    watched: Watched, demo: Demo, tmp_path: Path, path: str, version: str | None
) -> None:
    text = _pdf_text(watched, demo.site, path, tmp_path)
    flat = " ".join(text.split()).casefold()
    watched.open(demo.site, path)
    table = watched.page.locator(
        "table:not(.signoff-matrix):has(th:has-text('How verified'))"
    ).first
    headers = table.locator("thead th").all_inner_texts()
    assert [h.casefold() for h in headers][-len(APPROVAL_COLUMNS) :] == [
        c.casefold() for c in APPROVAL_COLUMNS
    ]
    for column in APPROVAL_COLUMNS:
        assert column.casefold() in flat, column
    # The last two columns' cells print too: how each approval was verified and its state.
    for cell in table.locator("tbody tr").first.locator("td").all_inner_texts()[-2:]:
        first_word = cell.split()[0].casefold()
        assert first_word in flat, cell
    pages = re.findall(r"Page (\d+) of (\d+)", text)
    assert pages and pages[0] == ("1", pages[0][1]) and len(pages) == int(pages[0][1])
    revision = demo.site.joinpath("assets/print.css").read_text("utf-8")
    shown = re.search(r'content: "((?:Generated|Historical view|As of) [^"]+)"', revision)
    assert shown is not None
    printed = [page for page in text.split("\f") if page.strip()]
    assert len(printed) == len(pages)
    assert all(shown.group(1) in page for page in printed)
    if version:
        assert "above the limit since 2026-10-01" in flat


def test_a_folded_comparison_prints(watched: Watched, demo: Demo, tmp_path: Path) -> None:
    # A retired version's comparison is in a closed <details>: printing unfolds it.
    text = _pdf_text(watched, demo.site, "models/atm-cash-demand.html", tmp_path)
    flat = " ".join(text.split())
    watched.open(demo.site, "models/atm-cash-demand.html")
    folded = watched.page.locator("#v-2 details.more", has_text="Compared with")
    assert not folded.evaluate("d => d.open")
    assert "Metrics of atm-cash-demand@2" not in flat  # the caption is visually hidden
    assert flat.count("lower is better") >= 3
