"""Portfolios and site checks shared by the report's plain and browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from govern_as_code.portfolio import Portfolio, load_portfolio, open_source
from govern_as_code.problems import GateResult, Level, LintReport, Problem
from govern_as_code.results import ApprovalCheck, PortfolioStatus, StageEvent

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "example-portfolio"
DIGEST = "sha256:" + "ab" * 32
WHEN = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def example_status(portfolio: Portfolio) -> PortfolioStatus:
    """A hand-made status for the example portfolio: one gate blocked, one passed."""
    gates = (
        GateResult(
            "k8s/serving/churn-xgb.yaml",
            "production",
            "churn-xgb@3",
            False,
            ("no approval from role risk-review", "the final approval is missing"),
        ),
        GateResult(
            "deployments/production/card-fraud-gbm.yaml", "production", "card-fraud-gbm@12", True
        ),
    )
    approvals = (
        ApprovalCheck(
            "approvals/churn-xgb/3/technical-review--li-wei.yaml",
            "churn-xgb@3",
            "technical-review",
            "li-wei",
            "approved",
            WHEN,
            "current",
            "signed commit",
            "",
            "SHA256:Xf2kq9rT1pLmN0vW",
            "0123456789abcdef0123456789abcdef01234567",
            WHEN,
        ),
        ApprovalCheck(
            "approvals/churn-xgb/3/risk-review--marcus-okafor.yaml",
            "churn-xgb@3",
            "risk-review",
            "marcus-okafor",
            "approved",
            WHEN.replace(day=11),
            "stale",
            "pull-request review",
            "the digest changed since the review",
            None,
            "fedcba9876543210fedcba9876543210fedcba98",
            None,
        ),
    )
    events = (
        StageEvent(
            "churn-prediction",
            "ideation",
            "sofia-alvarez",
            datetime(2025, 9, 8, 10, tzinfo=UTC),
        ),
    )
    overdue = Problem(
        "projects/claims-severity-estimation/models/claims-severity-lgbm/versions/2.yaml",
        1,
        1,
        "revalidation-due",
        "last validated 2026-04-15; due every 180 days",
        subject="claims-severity-lgbm@2",
        level=Level.WARNING,
    )
    report = LintReport((*portfolio.problems, overdue), len(portfolio.documents), gates=gates)
    return PortfolioStatus(
        report, approvals, events, "abc123def4567890", datetime(2026, 11, 26, tzinfo=UTC)
    )


def load_example() -> tuple[Portfolio, PortfolioStatus]:
    portfolio = load_portfolio(open_source(EXAMPLE))
    return portfolio, example_status(portfolio)


def _doc(kind: str, id: str, spec: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    return {
        "apiVersion": "govern-as-code/v1",
        "kind": kind,
        "metadata": {"id": id, **metadata},
        "spec": spec,
    }


def write(root: Path, path: str, document: dict[str, Any]) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), "utf-8")


def write_many(root: Path, projects: int) -> None:
    """A portfolio of `projects` projects spread over the heat map, one model each."""
    write(root, "governance.yaml", _doc("Portfolio", "big", {"name": "Big portfolio"}))
    write(
        root,
        "people/ana.yaml",
        _doc("Person", "ana", {"name": "Ana", "email": "ana@example.com", "department": "data"}),
    )
    write(
        root,
        "initiatives/growth.yaml",
        _doc("Initiative", "growth", {"goal": "Grow", "owner": "ana"}, title="Growth"),
    )
    write(
        root,
        "workflows/flow.yaml",
        _doc(
            "Workflow",
            "flow",
            {"stages": [{"id": "idea", "title": "Idea"}, {"id": "build", "title": "Build"}]},
        ),
    )
    for n in range(projects):
        pid = f"p{n:04d}"
        write(
            root,
            f"projects/{pid}/project.yaml",
            _doc(
                "Project",
                pid,
                {
                    "initiative": "growth",
                    "owner": "ana",
                    "workflow": "flow",
                    "qualification": {
                        "value": n % 5 + 1,
                        "risk": (n // 5) % 5 + 1,
                        "feasibility": n % 3 + 1,
                    },
                    "stages": [{"id": "idea", "status": "complete" if n % 2 else "in-progress"}],
                },
                title=f"Project {n:04d}",
            ),
        )


def load_many(root: Path, projects: int) -> tuple[Portfolio, PortfolioStatus]:
    write_many(root, projects)
    portfolio = load_portfolio(open_source(root))
    assert not portfolio.problems, portfolio.problems
    return portfolio, PortfolioStatus(LintReport((), len(portfolio.documents)))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)
            if name == "id" and value:
                self.ids.add(value)


def parse_links(html: str) -> tuple[list[str], set[str]]:
    parser = _Links()
    parser.feed(html)
    return parser.links, parser.ids


def internal_links(site: Path) -> Iterator[tuple[Path, str, Path, str]]:
    """(page, href, target file, fragment) of every link that stays inside the site."""
    for page in sorted(site.rglob("*.html")):
        links, _ = parse_links(page.read_text("utf-8"))
        for href in links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path))
            yield page, href, target.resolve(), parts.fragment


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[tuple[int, int], tuple[int, list[str]]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "g" and "heat-cell" in (a.get("class") or "").split():
            key = (int(a["data-risk"] or 0), int(a["data-value"] or 0))
            self.cells[key] = (int(a["data-count"] or 0), (a.get("data-projects") or "").split())


def heat_cells(html: str) -> dict[tuple[int, int], tuple[int, list[str]]]:
    """(risk, value) -> (count, project ids) as the portfolio page's heat map says."""
    parser = _Cells()
    parser.feed(html)
    return parser.cells
