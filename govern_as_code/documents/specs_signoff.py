"""The specs of sign-offs, deployments, workflows and policies."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from govern_as_code.documents.specs_model import RiskTier
from govern_as_code.documents.types import (
    SLUG_PATTERN,
    SUBJECT_PATTERN,
    Digest,
    IsoDateTime,
    Role,
    Slug,
    StrictModel,
    SubjectRef,
    Text,
)

Decision = Literal["approved", "changes-requested", "rejected"]
# A model version ("churn-xgb@3") or a trust-root document ("Person/carol").
APPROVAL_SUBJECT_PATTERN = (
    "^(?:"
    + SUBJECT_PATTERN[1:-1]
    + "|(?:Person|Policy|Portfolio|Workflow|Waiver)/"
    + SLUG_PATTERN[1:-1]
    + ")$"
)


class ApprovalSpec(StrictModel):
    subject: Annotated[str, StringConstraints(strict=True, pattern=APPROVAL_SUBJECT_PATTERN)]
    digest: Digest
    role: Role
    reviewer: Slug
    decision: Decision
    comment: Text | None = None
    date: IsoDateTime


class DeploymentSpec(StrictModel):
    environment: Slug
    modelVersion: SubjectRef
    target: Text | None = None


# --- Workflows and policies --------------------------------------------------------------------


class WorkflowStage(StrictModel):
    id: Slug
    title: Text
    requires: list[Slug] = Field(default_factory=list)
    description: Text | None = None


class WorkflowSpec(StrictModel):
    stages: list[WorkflowStage] = Field(min_length=1)


class RuleWhen(StrictModel):
    kind: list[str] | str | None = None
    environment: list[Slug] | Slug | None = None
    riskTier: list[RiskTier] | RiskTier | None = None
    labels: dict[Slug, Text] = Field(default_factory=dict)


class RuleSetting(StrictModel):
    level: Literal["error", "warning", "off"] = "error"
    when: RuleWhen | None = None
    options: dict[str, object] = Field(default_factory=dict)
    waivable: bool | None = None  # whether a Waiver may turn this rule's errors into warnings


class PolicySpec(StrictModel):
    extends: list[Text] = Field(default_factory=list)
    rules: dict[str, RuleSetting] = Field(default_factory=dict)
    maxWaiverDays: int | None = Field(default=None, ge=1)
    waiverRole: Role | None = None
