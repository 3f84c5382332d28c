"""Resolving the policy in force: packs, `extends`, levels, selectors and options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from govern_as_code.documents.kinds import PolicyDocument, RuleSetting, RuleWhen
from govern_as_code.documents.yaml_loader import LoadError, load_text
from govern_as_code.errors import GovernError
from govern_as_code.portfolio.trust import TrustRoot
from govern_as_code.problems import Level
from govern_as_code.resources import data_dir

DEFAULT_PACK = "default"


@dataclass(frozen=True)
class EffectiveRule:
    level: Level
    when: RuleWhen | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


def shipped_pack(name: str = DEFAULT_PACK) -> PolicyDocument:
    """A policy pack that ships with the tool, e.g. `default`."""
    path = data_dir("policies") / f"{name}.yaml"
    if not path.is_file():
        raise GovernError(
            f"there is no shipped policy pack {name!r}",
            "extend 'default', or name a policy file of the repository",
        )
    try:
        return PolicyDocument.model_validate(load_text(path.read_text("utf-8")).value)
    except (LoadError, ValueError) as e:
        raise GovernError(f"the shipped policy pack {name!r} is broken: {e}") from e


def resolve_policy(trust: TrustRoot) -> dict[str, EffectiveRule]:
    """The rules in force: the portfolio's own packs, or the shipped default pack."""
    names = list(trust.settings.policies) or [DEFAULT_PACK]
    merged: dict[str, RuleSetting] = {}
    for name in names:
        for rule_id, setting in _flatten(_find(name, trust), trust, seen=()).items():
            merged[rule_id] = _merge(merged.get(rule_id), setting)
    return {
        rule_id: EffectiveRule(Level(s.level), s.when, dict(s.options))
        for rule_id, s in merged.items()
    }


def _find(name: str, trust: TrustRoot) -> PolicyDocument:
    if trust.portfolio is not None:
        for document in trust.policies.values():
            if name in (document.id, document.path) and isinstance(document.model, PolicyDocument):
                return document.model
    if "/" not in name and not name.endswith((".yaml", ".yml")):
        return shipped_pack(name)
    raise GovernError(
        f"the policy {name!r} named in governance.yaml was not found in the trusted base",
        "fix spec.policies, or commit the policy file first",
    )


def _flatten(
    policy: PolicyDocument, trust: TrustRoot, seen: tuple[str, ...]
) -> dict[str, RuleSetting]:
    if policy.metadata.id in seen:
        raise GovernError(
            f"policy {policy.metadata.id!r} extends itself through {' -> '.join(seen)}",
            "remove the cycle from extends:",
        )
    rules: dict[str, RuleSetting] = {}
    for parent in policy.spec.extends:
        for rule_id, setting in _flatten(
            _find(parent, trust), trust, (*seen, policy.metadata.id)
        ).items():
            rules[rule_id] = _merge(rules.get(rule_id), setting)
    for rule_id, setting in policy.spec.rules.items():
        rules[rule_id] = _merge(rules.get(rule_id), setting)
    return rules


def _merge(base: RuleSetting | None, override: RuleSetting) -> RuleSetting:
    if base is None:
        return override
    fields = override.model_fields_set
    return RuleSetting(
        level=override.level if "level" in fields else base.level,
        when=override.when if "when" in fields else base.when,
        options={**base.options, **override.options},
    )
