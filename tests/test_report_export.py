"""The JSON export and the report aggregated from several portfolios' exports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from browser.report_fixtures import heat_cells, internal_links, load_example, load_many

from govern_as_code.errors import GovernError
from govern_as_code.report.export import (
    FORMAT,
    build_site_from_exports,
    export_portfolio,
    from_dict,
    load_exports,
)


@pytest.fixture(scope="module")
def exported() -> dict[str, Any]:
    portfolio, status = load_example()
    return export_portfolio(portfolio, status)


def _save(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), "utf-8")
    return path


def test_export_is_json_with_every_kind(exported: dict[str, Any]) -> None:
    text = json.dumps(exported, allow_nan=False)
    assert json.loads(text) == exported
    assert exported["format"] == FORMAT
    assert exported["name"] == "Northwind Financial"
    assert exported["revision"] == "abc123def4567890"
    kinds = (
        "people",
        "initiatives",
        "workflows",
        "projects",
        "models",
        "versions",
        "approvals",
        "deployments",
        "stage_events",
    )
    assert all(exported[k] for k in kinds)
    project = next(p for p in exported["projects"] if p["id"] == "churn-prediction")
    assert project["qualification"]["risk"] == 2 and project["initiative"] == "customer-retention"
    assert project["stages"][0]["completed_by"] == "sofia-alvarez"
    blocked = next(d for d in exported["deployments"] if d["path"] == "k8s/serving/churn-xgb.yaml")
    assert blocked["gate"] == "blocked" and blocked["foreign"] is True
    assert blocked["reasons"] == [
        "no approval from role risk-review",
        "the final approval is missing",
    ]
    states = {(a["subject"], a["role"]): a["state"] for a in exported["approvals"]}
    assert states == {
        ("churn-xgb@3", "technical-review"): "current",
        ("churn-xgb@3", "risk-review"): "stale",
    }
    assert exported["problems"]["overdue"][0]["subject"] == "claims-severity-lgbm@2"
    assert exported["problems"]["by_rule"] == {"revalidation-due": 1}


def test_export_round_trips(exported: dict[str, Any]) -> None:
    data = from_dict(json.loads(json.dumps(exported)), "x.json")
    assert data.name == "Northwind Financial"
    assert len(data.projects) == 12 and len(data.models) == 14
    again = from_dict(json.loads(json.dumps(exported)), "x.json")
    assert again == data


def test_aggregated_report_prefixes_ids(exported: dict[str, Any], tmp_path: Path) -> None:
    other, status = load_many(tmp_path / "big", 3)
    first = _save(tmp_path / "northwind.json", exported)
    second = _save(tmp_path / "big.json", export_portfolio(other, status))
    # Another portfolio of the same name (a second repo, at another revision) stays apart.
    third = _save(tmp_path / "copy.json", {**exported, "revision": "0" * 40})
    merged = load_exports([first, second, third])
    ids = [p.id for p in merged.projects]
    assert len(ids) == len(set(ids)) == 12 + 3 + 12
    assert "northwind-financial/churn-prediction" in ids
    assert "northwind-financial-2/churn-prediction" in ids
    assert "big-portfolio/p0000" in ids
    model = next(m for m in merged.models if m.id == "northwind-financial/churn-xgb")
    assert model.project == "northwind-financial/churn-prediction"
    assert any(a.subject == "northwind-financial/churn-xgb@3" for a in merged.approvals)
    assert merged.sources == ("Northwind Financial", "Big portfolio", "Northwind Financial")

    site = tmp_path / "site"
    index = build_site_from_exports([first, second], site, title="Group portfolio")
    html = index.read_text("utf-8")
    assert "<title>Group portfolio</title>" in html
    assert (site / "projects/northwind-financial--churn-prediction.html").is_file()
    assert (site / "models/northwind-financial--churn-xgb.html").is_file()
    cells = heat_cells(html)
    assert "northwind-financial/churn-prediction" in cells[(2, 4)][1]
    assert sum(count for count, _ in cells.values()) == 11 + 3
    assert [href for _, href, target, _ in internal_links(site) if not target.is_file()] == []
    model_page = (site / "models/northwind-financial--churn-xgb.html").read_text("utf-8")
    assert re.search(r'href="../projects/northwind-financial--churn-prediction.html"', model_page)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ("[1, 2]", "holds no JSON object"),
        ('{"name": "x"}', "is not a govern-as-code/export/v1 export (its format is None)"),
        (
            '{"format": "govern-as-code/export/v0", "name": "x"}',
            "its format is 'govern-as-code/export/v0'",
        ),
        (
            json.dumps({"format": FORMAT, "name": "x", "projects": [{"id": "p"}]}),
            "is not a valid export: at projects.0.title: Field required",
        ),
        (
            json.dumps(
                {
                    "format": FORMAT,
                    "name": "x",
                    "deployments": [
                        {
                            "path": "d",
                            "environment": "e",
                            "subject": None,
                            "target": "",
                            "foreign": False,
                            "protected": True,
                            "gate": "maybe",
                        }
                    ],
                }
            ),
            "at deployments.0.gate",
        ),
    ],
)
def test_bad_exports_are_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, "utf-8")
    with pytest.raises(GovernError) as caught:
        load_exports([path])
    assert message in caught.value.message and "bad.json" in caught.value.message
    assert caught.value.fix


def test_missing_and_binary_exports_are_refused(tmp_path: Path) -> None:
    with pytest.raises(GovernError, match="cannot read the export"):
        load_exports([tmp_path / "missing.json"])
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(GovernError, match="not UTF-8"):
        load_exports([binary])
    with pytest.raises(GovernError, match="no export files"):
        load_exports([])
