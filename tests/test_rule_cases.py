"""Data-driven rule tests: each `rule_cases/<rule-id>/<case>.yaml` is a small portfolio.

A case file holds::

    today: "2026-11-26"            # the date the rules run on
    expect:                        # every problem the run must report, and nothing else
      - rule: stage-order
        path: projects/churn.yaml
        line: 12
        message_contains: "is complete but"
        hint_contains: "complete ideation first"   # optional
        level: error                                # optional
    files:
      projects/churn.yaml: |
        apiVersion: govern-as-code/v1
        ...

The portfolio is written to a temporary folder, loaded as a working tree and checked with the
shipped policy (or the portfolio's own, when its governance.yaml names one; a case without a
governance.yaml gets a minimal one), running only the
case's rule. Loading problems are always reported, so a case that fails its schema fails here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from govern_as_code.portfolio import load_portfolio, open_source
from govern_as_code.portfolio.trust import TrustRoot
from govern_as_code.problems import Problem
from govern_as_code.rules.base import RuleContext
from govern_as_code.rules.engine import run_rules
from govern_as_code.rules.policy import resolve_policy
from govern_as_code.rules.registry import RULES

CASES = Path(__file__).parent / "rule_cases"
EXPECT_KEYS = {"rule", "path", "line", "message_contains", "hint_contains", "level"}
# These rules read signed commits, which a folder of files cannot hold; their tests build
# real repositories instead.
NEEDS_GIT_HISTORY = {"production-requires-approvals", "trust-changes-need-admin"}


def _case_files() -> list[Path]:
    return sorted(CASES.glob("*/*.yaml"))


def _load_case(file: Path) -> dict[str, Any]:
    case = yaml.safe_load(file.read_text("utf-8"))
    assert isinstance(case, dict), f"{file}: a case is a mapping"
    assert set(case) <= {"today", "expect", "files"}, f"{file}: unknown keys {set(case)}"
    assert isinstance(case.get("files"), dict) and case["files"], f"{file}: no files"
    for entry in case.get("expect") or []:
        assert set(entry) <= EXPECT_KEYS, f"{file}: unknown expect keys {set(entry)}"
        assert {"rule", "path", "line", "message_contains"} <= set(entry), file
    return case


def _today(value: Any) -> date:
    # Written quoted, it is a string; unquoted, PyYAML has already made it a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# A folder without governance.yaml is not a portfolio; a case that brings none gets this one.
GOVERNANCE = "apiVersion: govern-as-code/v1\nkind: Portfolio\nmetadata:\n  id: cases\n"


def _materialise(root: Path, files: dict[str, str]) -> None:
    for name, text in {"governance.yaml": GOVERNANCE, **files}.items():
        relative = PurePosixPath(name)
        assert not relative.is_absolute() and ".." not in relative.parts, name
        target = root.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")


def _run(root: Path, rule: str, today: date) -> list[Problem]:
    portfolio = load_portfolio(open_source(root))
    trust = TrustRoot.from_portfolio(portfolio)
    context = RuleContext(portfolio, trust, today)
    return run_rules(context, resolve_policy(trust), only=[rule])


@pytest.mark.parametrize("file", _case_files(), ids=lambda f: f"{f.parent.name}/{f.stem}")
def test_rule_case(file: Path, tmp_path: Path) -> None:
    rule = file.parent.name
    case = _load_case(file)
    expected = case.get("expect") or []
    _materialise(tmp_path, case["files"])

    problems = _run(tmp_path, rule, _today(case.get("today", "2026-11-26")))

    def shown(items: list[Problem]) -> str:
        return "\n".join(f"  {p.rule} {p.path}:{p.line} {p.message} | {p.hint}" for p in items)

    actual_keys = sorted((p.rule, p.path, p.line) for p in problems)
    expected_keys = sorted((e["rule"], e["path"], e["line"]) for e in expected)
    assert actual_keys == expected_keys, f"reported:\n{shown(problems)}"
    for entry in expected:
        at = [
            p
            for p in problems
            if (p.rule, p.path, p.line) == (entry["rule"], entry["path"], entry["line"])
        ]
        matching = [
            p
            for p in at
            if entry["message_contains"] in p.message
            and entry.get("hint_contains", "") in p.hint
            and ("level" not in entry or str(p.level) == entry["level"])
        ]
        assert matching, f"no problem matches {entry}; reported there:\n{shown(at)}"
    for problem in problems:
        if problem.rule == rule:
            assert problem.hint, f"{problem.rule} gives no hint: {problem.message}"


def test_every_rule_has_a_passing_and_a_failing_case() -> None:
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for file in _case_files():
        by_rule.setdefault(file.parent.name, []).append(_load_case(file))
    assert set(by_rule) <= set(RULES), f"cases for unknown rules: {set(by_rule) - set(RULES)}"
    for rule_id in sorted(set(RULES) - NEEDS_GIT_HISTORY):
        cases = by_rule.get(rule_id, [])
        assert any(not c.get("expect") for c in cases), f"{rule_id} has no passing case"
        assert any(c.get("expect") for c in cases), f"{rule_id} has no failing case"
