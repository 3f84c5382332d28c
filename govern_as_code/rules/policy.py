"""Resolving the policy in force: packs, `extends`, levels, selectors and options.

Every decision about whether a check applies is made here, once per run, from the trusted
base. Every doubt stops the tool (exit 2) with the policy file and line: an unknown rule id,
option, kind or environment is never read as "skip this". The safety rules stay on unless a
trusted policy switches one off, and then every run warns about it (DESIGN §3).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel

from govern_as_code.documents.kinds import PolicyDocument, RuleSetting, RuleWhen
from govern_as_code.documents.yaml_loader import LoadError, load_text
from govern_as_code.errors import GovernError
from govern_as_code.gate.options import GateOptions
from govern_as_code.portfolio.model import Document
from govern_as_code.portfolio.trust import TrustRoot
from govern_as_code.problems import Level, Problem
from govern_as_code.resources import data_dir
from govern_as_code.rules.policy_checks import (
    At,
    check_rule_id,
    check_when,
    reference_error,
    validate_options,
)

DEFAULT_PACK = "default"
GATE_RULE = "production-requires-approvals"
# On in every portfolio, also one that names its own policies, unless switched off (DESIGN §3).
SAFETY_RULES = ("production-requires-approvals", "trust-changes-need-admin", "references-resolve")
SHIPPED_SUFFIX = " (shipped policy pack)"

T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True)
class EffectiveRule:
    """One rule as the policy in force sets it, with its options validated."""

    level: Level
    when: RuleWhen | None
    options: BaseModel
    where: str  # "path:line" of the setting that decided the level


@dataclass(frozen=True)
class ResolvedPolicy(Mapping[str, EffectiveRule]):
    """The rules in force by id, and the warnings every run must repeat."""

    rules: Mapping[str, EffectiveRule]
    notices: tuple[Problem, ...] = ()

    def __getitem__(self, rule_id: str) -> EffectiveRule:
        return self.rules[rule_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def options_of(self, rule_id: str, model: type[T]) -> T:
        """The validated options of `rule_id` (every safety rule is always present)."""
        options = self.rules[rule_id].options
        assert isinstance(options, model)
        return options


@dataclass
class _Draft:
    """A rule's setting while packs are merged, remembering where each part was written."""

    at: At
    level: str = "error"
    level_at: At | None = None
    when: RuleWhen | None = None
    when_at: At | None = None
    options: dict[str, object] = field(default_factory=dict)
    option_at: dict[str, At] = field(default_factory=dict)

    def apply(self, setting: RuleSetting, at: At) -> None:
        self.at = at
        if "level" in setting.model_fields_set:
            self.level, self.level_at = setting.level, at.child("level")
        if "when" in setting.model_fields_set:
            self.when, self.when_at = setting.when, at.child("when")
        for name, value in setting.options.items():
            self.options[name] = value
            self.option_at[name] = at.child("options", name)


def shipped_pack(name: str = DEFAULT_PACK) -> PolicyDocument:
    """A policy pack that ships with the tool, e.g. `default`."""
    model = _shipped_document(name).model
    assert isinstance(model, PolicyDocument)
    return model


def resolve_policy(trust: TrustRoot) -> ResolvedPolicy:
    """The rules in force: the portfolio's own packs, or the shipped default pack.

    Raises GovernError (exit 2) for an unknown rule id, option, selector or policy name.
    """
    names = list(trust.settings.policies)
    drafts: dict[str, _Draft] = {}
    reached: set[str] = set()
    for index, name in enumerate(names or [DEFAULT_PACK]):
        referrer = _governance_at(trust, index) if names else None
        document = _find(name, trust, referrer)
        _flatten(document, trust, drafts, reached, seen=())
    for rule_id in SAFETY_RULES:
        if rule_id not in drafts:
            _flatten_rule(_shipped_document(DEFAULT_PACK), rule_id, drafts)
    rules = {rule_id: _finish(rule_id, draft, trust) for rule_id, draft in drafts.items()}
    notices = _unused_notices(trust, reached) + tuple(
        _off_notice(rule_id, drafts[rule_id])
        for rule_id in SAFETY_RULES
        if rules[rule_id].level is Level.OFF
    )
    return ResolvedPolicy(rules, notices)


def _unused_notices(trust: TrustRoot, reached: set[str]) -> tuple[Problem, ...]:
    """A warning on each trusted policy that nothing puts in force: it checks nothing."""
    notices = []
    for document in trust.policies.values():
        if document.path in reached:
            continue
        line, column = document.position("metadata", "id")
        notices.append(
            Problem(
                document.path,
                line,
                column,
                "policy-not-in-force",
                f"policy {document.id!r} is not in force: governance.yaml spec.policies does"
                " not name it, and no policy in force extends it",
                "name it in governance.yaml spec.policies (or extend it), or delete it",
                level=Level.WARNING,
            )
        )
    return tuple(notices)


def gate_options(trust: TrustRoot) -> GateOptions:
    """The deploy gate's options under the policy in force: the one resolver every caller uses."""
    return resolve_policy(trust).options_of(GATE_RULE, GateOptions)


def _finish(rule_id: str, draft: _Draft, trust: TrustRoot) -> EffectiveRule:
    options = validate_options(rule_id, draft.options, draft.option_at, draft.at)
    if draft.when is not None:
        assert draft.when_at is not None
        check_when(rule_id, draft.when, draft.when_at, trust.settings)
    where = (draft.level_at or draft.at).where
    return EffectiveRule(Level(draft.level), draft.when, options, where)


def _off_notice(rule_id: str, draft: _Draft) -> Problem:
    at = draft.level_at or draft.at
    line, column = at.position
    return Problem(
        at.document.path,
        line,
        column,
        rule_id,
        f"the safety rule {rule_id} is switched off by this policy: nothing it guards is checked",
        f"remove `level: off` from {rule_id} unless the governance-admins mean it",
        level=Level.WARNING,
    )


def _flatten(
    document: Document,
    trust: TrustRoot,
    drafts: dict[str, _Draft],
    reached: set[str],
    seen: tuple[str, ...],
) -> None:
    policy = document.model
    assert isinstance(policy, PolicyDocument)
    if document.id in seen:
        raise GovernError(
            f"{document.path}:{document.position('spec', 'extends')[0]}: policy"
            f" {document.id!r} extends itself through {' -> '.join((*seen, document.id))}",
            "remove the cycle from extends:",
        )
    reached.add(document.path)
    for index, parent in enumerate(policy.spec.extends):
        referrer = At(document, ("spec", "extends", index))
        _flatten(_find(parent, trust, referrer), trust, drafts, reached, (*seen, document.id))
    for rule_id in policy.spec.rules:
        _flatten_rule(document, rule_id, drafts)


def _flatten_rule(document: Document, rule_id: str, drafts: dict[str, _Draft]) -> None:
    policy = document.model
    assert isinstance(policy, PolicyDocument)
    at = At(document, ("spec", "rules", rule_id))
    check_rule_id(rule_id, at)
    drafts.setdefault(rule_id, _Draft(at)).apply(policy.spec.rules[rule_id], at)


def _governance_at(trust: TrustRoot, index: int) -> At | None:
    portfolio = trust.portfolio
    found = portfolio.of_kind("Portfolio") if portfolio is not None else []
    return At(found[0], ("spec", "policies", index)) if found else None


def _find(name: str, trust: TrustRoot, referrer: At | None) -> Document:
    for document in trust.policies.values():
        if name in (document.id, document.path):
            return document
    base = trust.portfolio
    broken = [p for p in base.problems if p.path == name] if base is not None else []
    if broken:
        first = broken[0]
        raise reference_error(
            referrer,
            f"the policy {name!r} is not a valid Policy in the trusted base:"
            f" {first.path}:{first.line}: {first.message}",
            "fix that policy file and commit it first",
        )
    bare = "/" not in name and not name.endswith((".yaml", ".yml"))
    if bare and (data_dir("policies") / f"{name}.yaml").is_file():
        return _shipped_document(name)
    known = sorted({d.id for d in trust.policies.values()} | set(_shipped_names()))
    raise reference_error(
        referrer,
        f"the policy {name!r} was not found in the trusted base nor among the shipped packs",
        "name a policy id or path committed in the trusted base, or a shipped pack",
        candidates=known,
        wrong=name,
    )


def _shipped_names() -> list[str]:
    return sorted(p.stem for p in data_dir("policies").glob("*.yaml"))


def _shipped_document(name: str) -> Document:
    path = data_dir("policies") / f"{name}.yaml"
    if not path.is_file():
        raise GovernError(
            f"there is no shipped policy pack {name!r}",
            f"use one of: {', '.join(_shipped_names())}",
        )
    try:
        data = load_text(path.read_text("utf-8"))
        model = PolicyDocument.model_validate(data.value)
    except (LoadError, ValueError) as e:
        raise GovernError(f"the shipped policy pack {name!r} is broken: {e}") from e
    return Document(f"policies/{name}.yaml{SHIPPED_SUFFIX}", model, data)
