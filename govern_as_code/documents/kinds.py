"""Pydantic models of the ten document kinds (DESIGN §1 and §8).

Every model is strict: an unknown field is an error. Fields an organisation adds through an
extension schema are removed before these models see the document (see `validation.py`).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from govern_as_code.documents.types import (
    SLUG_PATTERN,
    SUBJECT_PATTERN,
    Digest,
    IsoDate,
    IsoDateTime,
    RepoPath,
    Role,
    Slug,
    StrictModel,
    SubjectRef,
    Text,
    VersionName,
)

API_VERSION = "govern-as-code/v1"
StageStatus = Literal["not-started", "in-progress", "complete"]
RiskTier = Literal["low", "medium", "high", "critical"]
VersionStatus = Literal["candidate", "challenger", "production", "retired"]
Decision = Literal["approved", "changes-requested", "rejected"]
# A model version ("churn-xgb@3") or a trust-root document ("Person/carol").
APPROVAL_SUBJECT_PATTERN = (
    "^(?:"
    + SUBJECT_PATTERN[1:-1]
    + "|(?:Person|Policy|Portfolio|Workflow|Waiver)/"
    + SLUG_PATTERN[1:-1]
    + ")$"
)


class Metadata(StrictModel):
    id: str = Field(max_length=257)
    title: Text | None = None
    description: Text | None = None
    labels: dict[Slug, Text] = Field(default_factory=dict)
    annotations: dict[str, Text] = Field(default_factory=dict)


# --- Portfolio -------------------------------------------------------------------------------


class Environment(StrictModel):
    protected: bool | None = None


class TrustSettings(StrictModel):
    base: Text | None = None


class DeploymentGlob(StrictModel):
    """A glob of foreign deployment manifests and where their model-version annotation lives."""

    glob: Text
    annotationPath: Text | None = None
    environment: Slug | None = None


class PortfolioSpec(StrictModel):
    name: Text | None = None
    environments: dict[Slug, Environment] = Field(default_factory=dict)
    policies: list[RepoPath] = Field(default_factory=list)
    trust: TrustSettings = Field(default_factory=TrustSettings)
    deploymentGlobs: list[Text | DeploymentGlob] = Field(default_factory=list)
    extensionSchemas: dict[str, RepoPath] = Field(default_factory=dict)
    exclude: list[Text] = Field(default_factory=list)

    def gates(self, environment: str, path: str) -> bool:
        """Whether a deployment is gated: its environment, or a folder on its path, is protected.

        A file under deployments/production/ that says `environment: staging` is still gated.
        """
        folders = path.split("/")[:-1]
        return self.is_protected(environment) or any(
            self.is_protected(f) for f in folders if f in self.environments or f == "production"
        )

    def is_protected(self, environment: str) -> bool:
        env = self.environments.get(environment)
        if env is not None and env.protected is not None:
            return env.protected
        return environment == "production"


# --- People and organisation -----------------------------------------------------------------


class SigningKey(StrictModel):
    type: Literal["ssh", "openpgp"]
    publicKey: Text
    fingerprint: Text | None = None
    validAfter: IsoDateTime | None = None
    validBefore: IsoDateTime | None = None


class ForgeLogins(StrictModel):
    github: Text | None = None
    gitlab: Text | None = None


class PersonSpec(StrictModel):
    name: Text
    email: Text
    department: Slug
    roles: list[Role] = Field(default_factory=list)
    keys: list[SigningKey] = Field(default_factory=list)
    forge: ForgeLogins = Field(default_factory=ForgeLogins)


class InitiativeSpec(StrictModel):
    goal: Text
    owner: Slug
    sponsors: list[Slug] = Field(default_factory=list)
    status: Literal["proposed", "active", "on-hold", "completed", "cancelled"] = "active"


# --- Projects ----------------------------------------------------------------------------------


class Attachment(StrictModel):
    title: Text
    path: RepoPath | None = None
    url: Text | None = Field(default=None, pattern=r"^(https?://|mailto:)")

    @model_validator(mode="after")
    def _one_target(self) -> Attachment:
        if (self.path is None) == (self.url is None):
            raise ValueError("an attachment has exactly one of 'path' or 'url'")
        return self


class Qualification(StrictModel):
    value: int = Field(ge=1, le=5)
    risk: int = Field(ge=1, le=5)
    feasibility: int = Field(ge=1, le=5)
    assessedBy: Slug | None = None
    assessedOn: IsoDate | None = None
    notes: Text | None = None
    draft: bool = False  # a draft is shown as such and does not count as qualified


class Comment(StrictModel):
    by: Slug
    on: IsoDateTime
    text: Text


class StageState(StrictModel):
    id: Slug
    status: StageStatus
    completedBy: Slug | None = None
    completedOn: IsoDateTime | None = None
    comments: list[Comment] = Field(default_factory=list)


class ProjectSpec(StrictModel):
    initiative: Slug | None = None
    owner: Slug
    governed: bool = True
    objectives: Text | None = None
    scope: Text | None = None
    useCase: Text | None = None
    sponsors: list[Slug] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)
    qualification: Qualification | None = None
    workflow: Slug | None = None
    stages: list[StageState] = Field(default_factory=list)


# --- Models and versions -----------------------------------------------------------------------


class ModelSource(StrictModel):
    type: Literal["native", "mlflow", "huggingface", "other"] = "native"
    uri: Text | None = None
    version: Text | None = None  # the source's own version of what was imported
    runId: Text | None = None  # e.g. the MLflow run that produced the version


class ModelSpec(StrictModel):
    project: Slug
    task: Text
    riskTier: RiskTier
    owner: Slug | None = None
    source: ModelSource = Field(default_factory=ModelSource)
    revalidateEveryDays: int | None = Field(default=None, ge=1)


class Artifact(StrictModel):
    uri: Text
    digest: Digest


class DriftPoint(StrictModel):
    """One monitoring observation: a date and any number of named drift figures."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, float] = Field(init=False)

    date: IsoDate

    @property
    def values(self) -> dict[str, float]:
        return dict(self.__pydantic_extra__ or {})


class Metrics(StrictModel):
    performance: dict[str, float] = Field(default_factory=dict)
    drift: list[DriftPoint] = Field(default_factory=list)


class ModelVersionSpec(StrictModel):
    model: Slug
    version: VersionName
    created: IsoDateTime
    createdBy: Slug
    artifact: Artifact
    codeRef: Text | None = None
    dataRef: Text | None = None
    status: VersionStatus = "candidate"
    lastValidated: IsoDate | None = None
    metrics: Metrics = Field(default_factory=Metrics)
    source: ModelSource | None = None  # where an imported version came from


# --- Sign-offs and deployments -----------------------------------------------------------------


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


# --- Envelopes ---------------------------------------------------------------------------------


class Envelope(StrictModel):
    apiVersion: Literal["govern-as-code/v1"]
    kind: str
    metadata: Metadata

    @model_validator(mode="after")
    def _id_is_a_slug(self) -> Envelope:
        if not re.fullmatch(self._id_pattern(), self.metadata.id):
            raise ValueError(self._id_message())
        return self

    @classmethod
    def _id_pattern(cls) -> str:
        return SLUG_PATTERN

    @classmethod
    def _id_message(cls) -> str:
        return "metadata.id must be a slug: lowercase letters and digits separated by - _ or ."


class PortfolioDocument(Envelope):
    kind: Literal["Portfolio"]
    spec: PortfolioSpec = Field(default_factory=PortfolioSpec)


class PersonDocument(Envelope):
    kind: Literal["Person"]
    spec: PersonSpec


class InitiativeDocument(Envelope):
    kind: Literal["Initiative"]
    spec: InitiativeSpec


class ProjectDocument(Envelope):
    kind: Literal["Project"]
    spec: ProjectSpec


class ModelDocument(Envelope):
    kind: Literal["Model"]
    spec: ModelSpec


class ModelVersionDocument(Envelope):
    kind: Literal["ModelVersion"]
    spec: ModelVersionSpec

    @classmethod
    def _id_pattern(cls) -> str:
        return SUBJECT_PATTERN

    @classmethod
    def _id_message(cls) -> str:
        return "a ModelVersion's metadata.id is '<model>@<version>', e.g. churn-xgb@3"

    @model_validator(mode="after")
    def _id_matches_spec(self) -> ModelVersionDocument:
        expected = f"{self.spec.model}@{self.spec.version}"
        if self.metadata.id != expected:
            raise ValueError(
                f"metadata.id {self.metadata.id!r} disagrees with spec.model and spec.version"
                f" ({expected!r}): make them agree"
            )
        return self

    @property
    def subject(self) -> str:
        return self.metadata.id


class ApprovalDocument(Envelope):
    kind: Literal["Approval"]
    spec: ApprovalSpec


class DeploymentDocument(Envelope):
    kind: Literal["Deployment"]
    spec: DeploymentSpec


class WorkflowDocument(Envelope):
    kind: Literal["Workflow"]
    spec: WorkflowSpec


class PolicyDocument(Envelope):
    kind: Literal["Policy"]
    spec: PolicySpec = Field(default_factory=PolicySpec)


# --- Waivers ----------------------------------------------------------------------------------


class WaiverSpec(StrictModel):
    """A time-boxed exception to one rule for one subject (SR 11-7 compensating controls)."""

    rule: Slug
    subject: Text  # a model version, or a document ref KIND/id, as the rule's problems name it
    reason: Text
    compensatingControls: list[Text] = Field(min_length=1)
    expires: IsoDate
    requestedBy: Slug | None = None


class WaiverDocument(Envelope):
    kind: Literal["Waiver"]
    spec: WaiverSpec


AnyDocument = (
    PortfolioDocument
    | PersonDocument
    | InitiativeDocument
    | ProjectDocument
    | ModelDocument
    | ModelVersionDocument
    | ApprovalDocument
    | DeploymentDocument
    | WorkflowDocument
    | PolicyDocument
    | WaiverDocument
)

MODEL_BY_KIND: dict[str, type[Envelope]] = {
    "Portfolio": PortfolioDocument,
    "Person": PersonDocument,
    "Initiative": InitiativeDocument,
    "Project": ProjectDocument,
    "Model": ModelDocument,
    "ModelVersion": ModelVersionDocument,
    "Approval": ApprovalDocument,
    "Deployment": DeploymentDocument,
    "Workflow": WorkflowDocument,
    "Policy": PolicyDocument,
    "Waiver": WaiverDocument,
}
KINDS: tuple[str, ...] = tuple(MODEL_BY_KIND)
