"""Every registered rule documents itself, and the shipped default pack names real rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from govern_as_code.documents.kinds import KINDS, PolicyDocument
from govern_as_code.documents.yaml_loader import load_text
from govern_as_code.rules.base import RuleModule
from govern_as_code.rules.policy import shipped_pack
from govern_as_code.rules.registry import RULES

DEFAULT_PACK = Path(__file__).parent.parent / "policies" / "default.yaml"
# The gate rules are registered with the rest; every id in the pack must be known.
PENDING = {"production-requires-approvals", "trust-changes-need-admin"}


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_module_is_documented(rule_id: str) -> None:
    module: RuleModule = RULES[rule_id]
    assert rule_id == module.ID
    assert module.__name__.rsplit(".", 1)[-1] == rule_id.replace("-", "_")  # type: ignore[attr-defined]
    assert isinstance(module.SUMMARY, str) and module.SUMMARY.strip()
    assert module.KINDS and set(module.KINDS) <= set(KINDS)
    assert isinstance(module.Options, type) and issubclass(module.Options, BaseModel)
    assert callable(module.check)
    doc = module.__doc__ or ""
    assert "Passing" in doc and "Failing" in doc, f"{rule_id}: docstring needs both examples"
    passing, failing = doc.index("Passing"), doc.index("Failing")
    assert passing < failing, f"{rule_id}: the passing example comes first"
    # Each heading is followed by an example, not just the word.
    assert len(doc[passing:failing].split(None, 1)) == 2, f"{rule_id}: empty passing example"
    assert len(doc[failing:].split(None, 1)) == 2, f"{rule_id}: empty failing example"
    assert module.Options.model_validate({}) is not None  # the defaults alone are valid


def _default_pack() -> PolicyDocument:
    return PolicyDocument.model_validate(load_text(DEFAULT_PACK.read_text("utf-8")).value)


def test_default_pack_loads() -> None:
    pack = _default_pack()
    assert pack.metadata.id == "default"
    assert DEFAULT_PACK.read_text("utf-8").startswith(
        "# yaml-language-server: $schema=../schemas/policy.schema.json\n"
    )
    assert shipped_pack("default") == pack


def test_default_pack_names_known_rules() -> None:
    unknown = set(_default_pack().spec.rules) - set(RULES) - PENDING
    assert not unknown, f"the default pack names unknown rules: {unknown}"


def test_default_pack_enables_every_registered_rule() -> None:
    assert set(RULES) <= set(_default_pack().spec.rules)


@pytest.mark.parametrize("rule_id", sorted(_default_pack().spec.rules))
def test_default_pack_options_validate(rule_id: str) -> None:
    setting = _default_pack().spec.rules[rule_id]
    assert rule_id in RULES, f"the default pack names an unknown rule {rule_id}"
    options: dict[str, Any] = dict(setting.options)
    RULES[rule_id].Options.model_validate(options)
