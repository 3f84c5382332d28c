"""Applying the policy: which rules run, on what, at which level.

Rules yield problems without a level. The engine alone stamps levels, drops what a rule's
`when:` selector does not select, and adds the problems found while loading.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from govern_as_code.documents.kinds import (
    ApprovalDocument,
    DeploymentDocument,
    ModelDocument,
    ModelVersionDocument,
    RuleWhen,
)
from govern_as_code.errors import GovernError
from govern_as_code.portfolio import Deployment, Document, Portfolio
from govern_as_code.problems import Level, Problem
from govern_as_code.rules.base import RuleContext
from govern_as_code.rules.policy import EffectiveRule
from govern_as_code.rules.registry import CORE_RULE_IDS, RULES
from govern_as_code.rules.waivers import apply_waivers


@dataclass(frozen=True)
class Facets:
    """What a selector can match on for the thing a problem is about."""

    kind: str | None = None
    environment: str | None = None
    risk_tier: str | None = None
    labels: Mapping[str, str] | None = None


def run_rules(
    context: RuleContext, policy: Mapping[str, EffectiveRule], only: Iterable[str] | None = None
) -> list[Problem]:
    """Every problem of the portfolio under `policy`, with levels, sorted by location."""
    wanted = set(only) if only is not None else None
    problems = [p.with_level(Level.ERROR) for p in context.portfolio.problems]
    facets = _facet_index(context.portfolio)
    for rule_id, module in RULES.items():
        if rule_id in CORE_RULE_IDS or (wanted is not None and rule_id not in wanted):
            continue
        setting = policy.get(rule_id)
        if setting is None or setting.level is Level.OFF:
            continue
        options = _options(rule_id, module.Options, setting.options)
        for problem in module.check(context, options):
            if setting.when is None or _selected(setting.when, facets.get(problem.path)):
                problems.append(problem.with_level(setting.level))
    return apply_waivers(context, sorted(set(problems)))


def _options(rule_id: str, model: Any, raw: Mapping[str, Any]) -> Any:
    try:
        return model.model_validate(dict(raw))
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise GovernError(
            f"the policy's options for rule {rule_id} are invalid: {where}: {first['msg']}",
            "fix the policy in the trusted base",
        ) from e


def _selected(when: RuleWhen, facets: Facets | None) -> bool:
    facets = facets or Facets()
    checks = (
        (when.kind, facets.kind),
        (when.environment, facets.environment),
        (when.riskTier, facets.risk_tier),
    )
    for wanted, actual in checks:
        if wanted is None:
            continue
        allowed = [wanted] if isinstance(wanted, str) else list(wanted)
        if actual not in allowed:
            return False
    labels = facets.labels or {}
    return all(labels.get(k) == v for k, v in when.labels.items())


def _facet_index(portfolio: Portfolio) -> dict[str, Facets]:
    index: dict[str, Facets] = {}
    for document in portfolio.documents:
        index[document.path] = _document_facets(portfolio, document)
    for deployment in portfolio.foreign:
        index[deployment.path] = _deployment_facets(portfolio, deployment)
    return index


def _risk_tier(portfolio: Portfolio, subject: str | None) -> str | None:
    if not subject:
        return None
    version = portfolio.get("ModelVersion", subject)
    if version is None or not isinstance(version.model, ModelVersionDocument):
        return None
    model = portfolio.get("Model", version.model.spec.model)
    return model.model.spec.riskTier if model and isinstance(model.model, ModelDocument) else None


def _document_facets(portfolio: Portfolio, document: Document) -> Facets:
    model = document.model
    labels = dict(model.metadata.labels)
    if isinstance(model, DeploymentDocument):
        return Facets(
            model.kind,
            model.spec.environment,
            _risk_tier(portfolio, model.spec.modelVersion),
            labels,
        )
    if isinstance(model, ModelVersionDocument):
        return Facets(model.kind, None, _risk_tier(portfolio, model.metadata.id), labels)
    if isinstance(model, ModelDocument):
        return Facets(model.kind, None, model.spec.riskTier, labels)
    if isinstance(model, ApprovalDocument):
        return Facets(model.kind, None, _risk_tier(portfolio, model.spec.subject), labels)
    return Facets(model.kind, None, None, labels)


def _deployment_facets(portfolio: Portfolio, deployment: Deployment) -> Facets:
    return Facets(
        "Deployment",
        deployment.environment,
        _risk_tier(portfolio, deployment.subject),
        deployment.labels,
    )
