"""Pydantic models of the ten document kinds (DESIGN §1 and §8): the envelopes, and the
Portfolio and Person specs; the other specs are in `specs_*` modules, re-exported here.

Every model is strict: an unknown field is an error. Fields an organisation adds through an
extension schema are removed before these models see the document (see `validation.py`).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

# The specs of most kinds live by family in their own modules; this module is still the one
# place to import any model from, so every name is re-exported here.
from govern_as_code.documents.specs_model import (
    Artifact,
    DriftPoint,
    Metrics,
    ModelSource,
    ModelSpec,
    ModelVersionSpec,
    RiskTier,
    VersionStatus,
)
from govern_as_code.documents.specs_project import (
    Attachment,
    Comment,
    InitiativeSpec,
    ProjectSpec,
    Qualification,
    StageState,
    StageStatus,
)
from govern_as_code.documents.specs_signoff import (
    APPROVAL_SUBJECT_PATTERN,
    ApprovalSpec,
    Decision,
    DeploymentSpec,
    PolicySpec,
    RuleSetting,
    RuleWhen,
    WorkflowSpec,
    WorkflowStage,
)
from govern_as_code.documents.types import (
    SLUG_PATTERN,
    SUBJECT_PATTERN,
    IsoDateTime,
    RepoPath,
    Role,
    Slug,
    StrictModel,
    Text,
)

API_VERSION = "govern-as-code/v1"


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
}
KINDS: tuple[str, ...] = tuple(MODEL_BY_KIND)


__all__ = [
    "API_VERSION",
    "APPROVAL_SUBJECT_PATTERN",
    "KINDS",
    "MODEL_BY_KIND",
    "AnyDocument",
    "ApprovalDocument",
    "ApprovalSpec",
    "Artifact",
    "Attachment",
    "Comment",
    "Decision",
    "DeploymentDocument",
    "DeploymentGlob",
    "DeploymentSpec",
    "DriftPoint",
    "Envelope",
    "Environment",
    "ForgeLogins",
    "InitiativeDocument",
    "InitiativeSpec",
    "Metadata",
    "Metrics",
    "ModelDocument",
    "ModelSource",
    "ModelSpec",
    "ModelVersionDocument",
    "ModelVersionSpec",
    "PersonDocument",
    "PersonSpec",
    "PolicyDocument",
    "PolicySpec",
    "PortfolioDocument",
    "PortfolioSpec",
    "ProjectDocument",
    "ProjectSpec",
    "Qualification",
    "RiskTier",
    "RuleSetting",
    "RuleWhen",
    "SigningKey",
    "StageState",
    "StageStatus",
    "TrustSettings",
    "VersionStatus",
    "WorkflowDocument",
    "WorkflowSpec",
    "WorkflowStage",
]
