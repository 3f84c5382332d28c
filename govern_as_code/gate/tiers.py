"""Risk tiers, and the strictest of what the change says and what the trusted base says.

The gate and the policy engine's `when: {riskTier: ...}` both read the tier here, so a change
cannot lower its own bar by editing a Model's `riskTier` (or a version's `model`).
"""

from __future__ import annotations

from collections.abc import Iterable

from govern_as_code.documents.kinds import ModelDocument, ModelVersionDocument, RiskTier
from govern_as_code.gate.context import GateContext
from govern_as_code.portfolio.model import Portfolio

TIER_ORDER = ("low", "medium", "high", "critical")


def strictest(tiers: Iterable[RiskTier]) -> RiskTier | None:
    """The strictest of `tiers`, or None when there is none."""
    known = list(tiers)
    return max(known, key=TIER_ORDER.index) if known else None


def strictest_tier(context: GateContext, model: ModelDocument) -> RiskTier:
    """The head's risk tier, or the base's if stricter: a change cannot lower its own bar."""
    tiers = [model.spec.riskTier, *model_tiers(context, model.metadata.id)]
    return strictest(tiers) or model.spec.riskTier


def subject_tier(context: GateContext, subject: str) -> RiskTier | None:
    """The strictest tier of a model version, following its model in the head and the base.

    None when no model of the version can be found in either.
    """
    tiers: list[RiskTier] = []
    for portfolio in (context.portfolio, _base(context)):
        if portfolio is None:
            continue
        version = portfolio.get("ModelVersion", subject)
        if version is None or not isinstance(version.model, ModelVersionDocument):
            continue
        tiers.extend(model_tiers(context, version.model.spec.model))
    return strictest(tiers)


def model_tiers(context: GateContext, model_id: str) -> list[RiskTier]:
    """The tiers the head and the trusted base give the model `model_id`."""
    tiers: list[RiskTier] = []
    for portfolio in (context.portfolio, _base(context)):
        found = portfolio.get("Model", model_id) if portfolio is not None else None
        if found is not None and isinstance(found.model, ModelDocument):
            tiers.append(found.model.spec.riskTier)
    return tiers


def _base(context: GateContext) -> Portfolio | None:
    base = context.trust.portfolio
    return None if base is None or base is context.portfolio else base
