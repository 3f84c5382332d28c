"""`gac inventory` on a real signed repository."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from authoring_helpers import gac
from gate_helpers import TODAY, GateRepo, envelope, feb, make_gate_keys


def test_inventory_lists_what_lacks_governance(tmp_path: Path) -> None:
    keys = make_gate_keys(tmp_path / "keys")
    repo = GateRepo.create(tmp_path / "repo", keys)
    lab = envelope("Project", "lab", {"owner": "dan", "governed": False})
    orphan = envelope("Model", "orphan", {"project": "gone", "task": "t", "riskTier": "low"})
    newbie = envelope(
        "Person", "gina", {"name": "Gina", "email": "gina@acme.example", "department": "it"}
    )
    waiver = envelope(
        "Waiver",
        "drift-m1",
        {
            "rule": "drift-threshold",
            "subject": "m@1",
            "reason": "Seasonal",
            "compensatingControls": ["Weekly review"],
            "expires": "2026-03-10",
        },
    )
    files = {
        "projects/lab/project.yaml": yaml.safe_dump(lab),
        "projects/lab/models/orphan/model.yaml": yaml.safe_dump(orphan),
        "people/gina.yaml": yaml.safe_dump(newbie),
        "waivers/drift-m1.yaml": yaml.safe_dump(waiver),
    }
    repo.commit(files, "More assets", "dan", when=feb(1))
    result = gac(repo.root, "inventory", "--format", "json", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "governed_projects": ["p"],
        "ungoverned_projects": ["lab"],
        "models_without_project": ["orphan"],
        "versions_without_approvals": ["m@1"],
        "production_not_green": [
            "m@1: missing a current, verified technical-review approval (can give it: alice, frank)"
        ],
        "people_without_keys": ["gina"],
        "waivers_expiring": ["drift-m1: drift-threshold for m@1, expires 2026-03-10"],
    }
    text = gac(repo.root, "inventory", "--today", TODAY.isoformat()).output
    assert text.splitlines()[:4] == [
        "Governed projects (1)",
        "  p",
        "Ungoverned projects (1)",
        "  lab",
    ]
    repo.approve_all()
    result = gac(repo.root, "inventory", "--format", "json", "--today", TODAY.isoformat())
    found = json.loads(result.output)
    assert found["production_not_green"] == [] and found["versions_without_approvals"] == []
