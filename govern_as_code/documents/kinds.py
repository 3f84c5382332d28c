"""Pydantic models of the ten document kinds (DESIGN §1 and §8): the envelopes, and the
Portfolio and Person specs; the other specs are in `specs_*` modules, re-exported here.

Every model is strict: an unknown field is an error. Fields an organisation adds through an
extension schema are removed before these models see the document (see `validation.py`).
"""

from __future__ import annotations

import functools
import re
from typing import Annotated, Literal

import pathspec
from pydantic import Field, StringConstraints, model_validator

from govern_as_code.documents.key_identity import key_fingerprint, normalise_fingerprint

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
    IsoDate,
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


EvidenceName = Literal["signed-commit", "pull-request-review"]
RepositoryName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+$")]
BranchName = Annotated[str, StringConstraints(pattern=r"^[^\s~^:?*\[\\]+$")]


class GitHubForge(StrictModel):
    repository: RepositoryName
    protectedBranch: BranchName


class GitLabForge(StrictModel):
    project: RepositoryName
    protectedBranch: BranchName


class ForgeSettings(StrictModel):
    """Where pull-request reviews are read from (DESIGN §8): GitHub or GitLab, not both."""

    github: GitHubForge | None = None
    gitlab: GitLabForge | None = None

    @model_validator(mode="after")
    def _one_forge(self) -> ForgeSettings:
        if self.github is not None and self.gitlab is not None:
            raise ValueError("name one forge, github or gitlab, not both")
        return self


def _default_evidence() -> list[EvidenceName]:
    return ["signed-commit"]


class PortfolioSpec(StrictModel):
    name: Text | None = None
    environments: dict[Slug, Environment] = Field(default_factory=dict)
    policies: list[RepoPath] = Field(default_factory=list)
    trust: TrustSettings = Field(default_factory=TrustSettings)
    deploymentGlobs: list[Text | DeploymentGlob] = Field(default_factory=list)
    extensionSchemas: dict[str, RepoPath] = Field(default_factory=dict)
    exclude: list[Text] = Field(default_factory=list)
    evidence: list[EvidenceName] = Field(default_factory=_default_evidence, min_length=1)
    forge: ForgeSettings | None = None

    def gates(self, environment: str, path: str) -> bool:
        """Whether a deployment is gated: its gated environment is protected.

        A file under deployments/production/ that says `environment: staging` is still gated.
        """
        return self.is_protected(self.gated_environment(environment, path))

    def gated_environment(self, environment: str, path: str) -> str:
        """The environment a deployment is judged in, from trusted facts before its claim.

        The first protected one of: the environment of the deployment glob the file is in,
        a protected environment named by a folder on its path, and what the document says.
        With none protected, the glob's environment, else the document's.
        """
        from_glob = self.glob_environment(path)
        folders = [f for f in path.split("/")[:-1] if f in self.environments or f == "production"]
        candidates = [*([from_glob] if from_glob else []), *folders, environment]
        protected = [c for c in candidates if self.is_protected(c)]
        return protected[0] if protected else (from_glob or environment)

    def glob_environment(self, path: str) -> str | None:
        """The environment set by the first deployment glob matching `path` that sets one."""
        for entry in self.deploymentGlobs:
            if not isinstance(entry, DeploymentGlob) or not entry.environment:
                continue
            if _glob_spec(entry.glob).match_file(path):
                return entry.environment
        return None

    def is_protected(self, environment: str) -> bool:
        env = self.environments.get(environment)
        if env is not None and env.protected is not None:
            return env.protected
        return environment == "production"


@functools.lru_cache(maxsize=256)
def _glob_spec(glob: str) -> pathspec.GitIgnoreSpec:
    # The loader matches deployment globs the same way (gitignore syntax).
    return pathspec.GitIgnoreSpec.from_lines([glob])


# --- People and organisation -----------------------------------------------------------------


class SigningKey(StrictModel):
    """A signing key of a person. It must parse: a key that cannot be read would otherwise be
    dropped in silence, and with it the only proof of who signed what (DESIGN §3)."""

    type: Literal["ssh", "openpgp"]
    publicKey: Text
    fingerprint: Text | None = None
    validAfter: IsoDateTime | None = None
    validBefore: IsoDateTime | None = None

    @model_validator(mode="after")
    def _key_parses(self) -> SigningKey:
        try:
            actual = key_fingerprint(self.type, self.publicKey)
        except ValueError as exc:
            raise ValueError(
                f"publicKey is not a valid {self.type} public key: {exc}; paste the key as"
                + (
                    " `ssh-keygen -y -f KEY` prints it"
                    if self.type == "ssh"
                    else " `gpg --armor --export FINGERPRINT` prints it"
                )
            ) from None
        if (
            self.fingerprint is not None
            and normalise_fingerprint(self.type, self.fingerprint) != actual
        ):
            raise ValueError(
                f"fingerprint {self.fingerprint!r} is not the fingerprint of publicKey"
                f" ({actual}): correct it or remove it"
            )
        if self.validAfter and self.validBefore and self.validBefore <= self.validAfter:
            raise ValueError("validBefore must be later than validAfter")
        return self

    @property
    def identity(self) -> str:
        """The key's fingerprint, as signature verification reports it."""
        return key_fingerprint(self.type, self.publicKey)


class ForgeLogins(StrictModel):
    github: Text | None = None
    gitlab: Text | None = None


PersonStatus = Literal["active", "departed"]
# One address, no surrounding or inner whitespace: identities are compared by email.
EMAIL_PATTERN = r"^[^\s@]+@[^\s@]+$"


class PersonSpec(StrictModel):
    name: Text
    email: Annotated[str, StringConstraints(strict=True, pattern=EMAIL_PATTERN, max_length=320)]
    department: Slug
    roles: list[Role] = Field(default_factory=list)
    keys: list[SigningKey] = Field(default_factory=list)
    forge: ForgeLogins = Field(default_factory=ForgeLogins)
    # People are marked departed, never deleted, so their past sign-offs stay verifiable.
    status: PersonStatus = "active"
    departedOn: IsoDate | None = None

    @model_validator(mode="after")
    def _departure_is_dated(self) -> PersonSpec:
        if self.status == "departed" and self.departedOn is None:
            raise ValueError("a departed person needs departedOn: the date they left")
        if self.status == "active" and self.departedOn is not None:
            raise ValueError("departedOn is set but status is active: set status: departed")
        return self

    @property
    def email_key(self) -> str:
        """The email as identities are compared: case and surrounding space do not count."""
        return self.email.strip().casefold()


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
