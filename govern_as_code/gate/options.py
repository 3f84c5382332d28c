"""The options of the deploy gate (DESIGN §9), resolved once from the policy in force."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_ROLES = {
    "low": ["technical-review"],
    "medium": ["technical-review", "risk-review"],
    "high": ["technical-review", "risk-review", "business-review"],
    "critical": ["technical-review", "risk-review", "business-review", "compliance-review"],
}


class GateOptions(BaseModel):
    """Options of `production-requires-approvals` (DESIGN §9)."""

    model_config = ConfigDict(extra="forbid")
    roles: dict[str, list[str]] = Field(default_factory=lambda: dict(DEFAULT_ROLES))
    finalRole: str = "final-approval"
    distinctDepartments: bool = True
    maxAgeDays: int = Field(default=365, ge=1)
