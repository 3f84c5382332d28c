"""The options of the deploy gate (DESIGN §9), resolved once from the policy in force.

These defaults are the one source of truth: the shipped default pack does not repeat them,
and `gac rules production-requires-approvals --repo .` shows the values in force.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from govern_as_code.documents.kinds import RiskTier
from govern_as_code.documents.types import Role


def _default_roles() -> dict[RiskTier, list[str]]:
    return {
        "low": ["technical-review"],
        "medium": ["technical-review", "risk-review"],
        "high": ["technical-review", "risk-review", "business-review"],
        "critical": ["technical-review", "risk-review", "business-review", "compliance-review"],
    }


class GateOptions(BaseModel):
    """Options of `production-requires-approvals` (DESIGN §9)."""

    # strict: `maxAgeDays: "30"` or `distinctDepartments: "no"` is a typo, not a value.
    model_config = ConfigDict(extra="forbid", strict=True)
    # Keyed by risk tier: a misspelled tier is an error, never a tier that needs nothing.
    roles: dict[RiskTier, list[Role]] = Field(default_factory=_default_roles)
    finalRole: Role = "final-approval"
    distinctDepartments: bool = True
    maxAgeDays: int = Field(default=365, ge=1)
