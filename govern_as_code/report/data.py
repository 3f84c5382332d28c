"""The report's neutral records: what the site and the JSON export show, and nothing else.

A loaded `Portfolio` with its `PortfolioStatus` is flattened into a `ReportData` by
`collect.py`; a JSON export is read back into the same records by `export.py`. The pages are
built from `ReportData` only, so a site aggregated from many repos' exports looks exactly like
the site of one repo. Every record is a plain frozen dataclass that pydantic can validate and
serialise, which is what makes the export format checkable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

GateState = Literal["passed", "blocked", "not gated", "no gate result"]


@dataclass(frozen=True)
class KeyRec:
    """A signing key of a person and the window in which it is valid."""

    type: str
    fingerprint: str
    valid_after: datetime | None = None
    valid_before: datetime | None = None


@dataclass(frozen=True)
class PersonRec:
    """A person, for showing names instead of ids, and for their own page."""

    id: str
    name: str
    department: str = ""
    title: str = ""
    roles: tuple[str, ...] = ()
    keys: tuple[KeyRec, ...] = ()
    status: str = "active"
    departed_on: date | None = None


@dataclass(frozen=True)
class InitiativeRec:
    """A business initiative that projects roll up to."""

    id: str
    title: str
    goal: str = ""
    owner: str = ""
    sponsors: tuple[str, ...] = ()
    status: str = "active"


@dataclass(frozen=True)
class AttachmentRec:
    """A project attachment: exactly one of `url` (shown as a link if safe) or `path`."""

    title: str
    url: str | None = None
    path: str | None = None


@dataclass(frozen=True)
class CommentRec:
    """A comment on a workflow stage."""

    by: str
    on: datetime
    text: str


@dataclass(frozen=True)
class StageRec:
    """A project's state in one workflow stage; `title` comes from the workflow."""

    id: str
    title: str
    status: str
    completed_by: str | None = None
    completed_on: datetime | None = None
    comments: tuple[CommentRec, ...] = ()


@dataclass(frozen=True)
class QualificationRec:
    """The value, risk and feasibility assessment of a project (1 to 5 each)."""

    value: int
    risk: int
    feasibility: int
    assessed_by: str | None = None
    assessed_on: date | None = None
    notes: str | None = None
    draft: bool = False  # shown as a draft; it does not count as qualified


@dataclass(frozen=True)
class ProjectRec:
    """A project with its documentation, qualification and stages."""

    id: str
    title: str
    owner: str
    description: str = ""
    initiative: str | None = None
    governed: bool = True
    objectives: str | None = None
    scope: str | None = None
    use_case: str | None = None
    sponsors: tuple[str, ...] = ()
    attachments: tuple[AttachmentRec, ...] = ()
    qualification: QualificationRec | None = None
    workflow: str | None = None
    stages: tuple[StageRec, ...] = ()
    path: str = ""


@dataclass(frozen=True)
class ModelRec:
    """A model, native or imported from another registry."""

    id: str
    title: str
    project: str
    task: str
    risk_tier: str
    owner: str | None = None
    source_type: str = "native"
    source_uri: str | None = None
    revalidate_every_days: int | None = None
    focus_metric: str | None = None


@dataclass(frozen=True)
class DriftRec:
    """One monitoring observation: a date and its named drift figures."""

    date: date
    values: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class VersionRec:
    """A model version with its status and metrics."""

    id: str  # "model@version"
    model: str
    version: str
    created: datetime
    created_by: str
    status: str
    digest: str = ""
    artifact_uri: str = ""
    last_validated: date | None = None
    performance: dict[str, float] = field(default_factory=dict)
    drift: tuple[DriftRec, ...] = ()
    # the policy's limit per drift figure of this version (empty when the rule is off), and
    # the version's lineage as written in its document.
    drift_limits: dict[str, float] = field(default_factory=dict)
    title: str = ""
    description: str = ""
    code_ref: str = ""
    data_ref: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    source_type: str = ""
    source_uri: str = ""
    source_version: str = ""
    source_run: str = ""


@dataclass(frozen=True)
class ApprovalRec:
    """An approval and how its evidence stood (an `ApprovalCheck`, portable)."""

    subject: str
    role: str
    reviewer: str
    decision: str
    date: datetime
    state: str
    method: str
    detail: str = ""
    signer_fingerprint: str | None = None
    commit: str | None = None
    commit_time: datetime | None = None
    review_url: str | None = None
    path: str = ""
    comment: str = ""


@dataclass(frozen=True)
class DeploymentRec:
    """A deployment (native or foreign manifest) and the gate's verdict on it."""

    path: str
    environment: str
    subject: str | None
    target: str
    foreign: bool
    protected: bool
    gate: GateState
    reasons: tuple[str, ...] = ()
    since: datetime | None = None  # the last commit that changed the manifest


@dataclass(frozen=True)
class StageEventRec:
    """A stage completion: from the signed history, or only from the project's YAML."""

    project: str
    stage: str
    completed_by: str | None
    completed_on: datetime | None
    commit: str | None = None
    commit_time: datetime | None = None
    signer: str | None = None
    signer_fingerprint: str | None = None
    verification: str = "unsigned"  # verified | other signer | unverified | unsigned
    detail: str = ""


@dataclass(frozen=True)
class HistoryEventRec:
    """A governance change read from history (a `HistoryEvent`, portable)."""

    kind: str  # promotion | retirement | deployment | qualification | policy
    subject: str
    what: str
    time: datetime
    commit: str
    author: str
    path: str
    signer: str | None = None
    signer_fingerprint: str | None = None
    verification: str = "unsigned"
    detail: str = ""


@dataclass(frozen=True)
class WorkflowRec:
    """A workflow's stages in order."""

    id: str
    title: str
    stages: tuple[tuple[str, str], ...]  # (stage id, stage title), in order


@dataclass(frozen=True)
class OverdueRec:
    """A `revalidation-due` finding."""

    subject: str
    path: str
    message: str


@dataclass(frozen=True)
class ProblemSummary:
    """The lint problems, counted, plus the overdue revalidations named."""

    errors: int = 0
    warnings: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)
    overdue: tuple[OverdueRec, ...] = ()


@dataclass(frozen=True)
class FindingRec:
    """A lint problem or a gate result, with the document it is about and who can act on it.

    `kind`/`document` name the document the problem's file holds ("ModelVersion", "churn-xgb@3";
    a deployment manifest is kind "Deployment" with its path as `document`); `actors` are the
    person ids who can act, and `act` says what they would do, in words.
    """

    level: str  # error | warning
    rule: str
    message: str
    hint: str = ""
    path: str = ""
    line: int = 0
    subject: str = ""
    kind: str = ""
    document: str = ""
    actors: tuple[str, ...] = ()
    act: str = ""
    waiver: str = ""  # the Waiver that turned this error into a warning, if any
    source: str = "lint"  # lint | gate


@dataclass(frozen=True)
class NeedRec:
    """A role a version still needs, who can give it, and who holds it but cannot."""

    role: str
    people: tuple[str, ...] = ()
    note: str = ""
    excluded: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignoffRec:
    """A version's required roles (the final one last) and the gate's view of them."""

    subject: str
    required: tuple[str, ...] = ()
    gated: bool = False
    filled: dict[str, str] = field(default_factory=dict)  # role -> reviewer the gate counted
    needed: tuple[NeedRec, ...] = ()
    verified_by: dict[str, str] = field(default_factory=dict)
    deployed_since: datetime | None = None  # when a gated manifest first named it


@dataclass(frozen=True)
class ReportData:
    """One portfolio (or several aggregated), ready to be shown or exported."""

    name: str
    revision: str | None = None
    as_of: datetime | None = None
    people: tuple[PersonRec, ...] = ()
    initiatives: tuple[InitiativeRec, ...] = ()
    workflows: tuple[WorkflowRec, ...] = ()
    projects: tuple[ProjectRec, ...] = ()
    models: tuple[ModelRec, ...] = ()
    versions: tuple[VersionRec, ...] = ()
    approvals: tuple[ApprovalRec, ...] = ()
    deployments: tuple[DeploymentRec, ...] = ()
    stage_events: tuple[StageEventRec, ...] = ()
    problems: ProblemSummary = field(default_factory=ProblemSummary)
    sources: tuple[str, ...] = ()  # the portfolios an aggregated report was built from
    history_events: tuple[HistoryEventRec, ...] = ()
    commit_url: str | None = None  # the forge's web address of a commit, without the id
    # Findings, sign-offs and the date the rules were judged against.
    findings: tuple[FindingRec, ...] = ()
    signoffs: tuple[SignoffRec, ...] = ()
    assessed_on: date | None = None
    generated_at: datetime | None = None  # when the records were collected
    # True for a past state (`--at`): `as_of` is then that moment, not the time of collection.
    historical: bool = False
    # Each aggregated portfolio's revision, in the order of `sources` ("" for none).
    source_revisions: tuple[str, ...] = ()
