"""The computed state of a portfolio: what the gate decided and how each approval stood.

This is what the HTML report and `gac export` show; `assess.py` produces it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from govern_as_code.problems import LintReport

ApprovalState = Literal["current", "stale", "expired", "unverified"]
# How a commit vouches for what it changed: signed by a trusted Person's key ("verified"),
# by someone other than the person the document names ("other signer"), with a signature
# that verifies to no trusted key ("unverified"), or not signed or not committed at all.
Verification = Literal["verified", "other signer", "unverified", "unsigned"]
HistoryKind = Literal["promotion", "retirement", "deployment", "qualification", "policy"]


@dataclass(frozen=True)
class ApprovalCheck:
    """One Approval document and what its evidence showed."""

    path: str
    subject: str
    role: str
    reviewer: str
    decision: str
    date: datetime
    state: ApprovalState
    method: str  # "signed commit", "pull-request review" or "none"
    detail: str = ""  # why it is not current, or how it was verified
    signer_fingerprint: str | None = None
    commit: str | None = None
    commit_time: datetime | None = None
    review_url: str | None = None  # a pull-request review that counted
    comment: str = ""


@dataclass(frozen=True)
class StageEvent:
    """A workflow stage marked complete, as the project document records it."""

    project: str
    stage: str
    completed_by: str | None
    completed_on: datetime | None
    # The commit that recorded the completion as it stands, and who signed it.
    commit: str | None = None
    commit_time: datetime | None = None
    signer: str | None = None
    signer_fingerprint: str | None = None
    verification: Verification = "unsigned"
    detail: str = ""  # why it is not verified, or who signed it instead


@dataclass(frozen=True)
class HistoryEvent:
    """A governance change read from history: a promotion, a retirement, a deployment,
    qualification or policy change, with the commit that made it and who signed it."""

    kind: HistoryKind
    subject: str  # a version, project, deployment path or policy id
    what: str
    time: datetime  # committer time
    commit: str
    author: str
    path: str
    signer: str | None = None
    signer_fingerprint: str | None = None
    verification: Verification = "unsigned"
    detail: str = ""


@dataclass(frozen=True)
class DriftLimits:
    """The drift thresholds of the policy in force (the drift rule's options), for the report."""

    threshold: float
    metrics: Mapping[str, float] = field(default_factory=dict)

    def limit(self, metric: str) -> float:
        """The highest acceptable value of the drift figure `metric`."""
        return self.metrics.get(metric, self.threshold)


@dataclass(frozen=True)
class NeededRole:
    """A role a version still needs signed: who can give it, why, and who holds it but cannot."""

    role: str
    people: tuple[str, ...] = ()
    note: str = ""
    excluded: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignoffStatus:
    """What a version's risk tier requires, and (when a protected deployment gates it) how the
    gate filled each role and what it still needs. `required` lists the final role last."""

    subject: str
    required: tuple[str, ...] = ()
    gated: bool = False
    assignment: tuple[tuple[str, str], ...] = ()  # (role, reviewer) the gate counted
    needed: tuple[NeededRole, ...] = ()
    verified_by: tuple[tuple[str, str], ...] = ()  # (role, how it was verified)


@dataclass(frozen=True)
class PortfolioStatus:
    """The lint result plus per-approval evidence, as of `revision` (None: working tree).

    `as_of` is the commit time of `revision` when a past state was asked for (`--at`).
    """

    report: LintReport
    approvals: tuple[ApprovalCheck, ...] = ()
    stage_events: tuple[StageEvent, ...] = ()
    revision: str | None = None
    as_of: datetime | None = None
    # None when the drift rule is off: the report then draws no limit it would not enforce.
    drift_limits: DriftLimits | None = None
    # When each deployment manifest (by path) last changed in the history: "deployed since".
    deployed_since: Mapping[str, datetime] = field(default_factory=dict)
    history_events: tuple[HistoryEvent, ...] = ()
    commit_url: str | None = None  # the forge's web address of a commit, without the id
    # The report's findings and sign-off matrix.
    signoffs: tuple[SignoffStatus, ...] = ()
    today: date | None = None  # the date the time-based rules were judged against
    # subject -> when a gated deployment manifest first named it (from history)
    reached_production: tuple[tuple[str, datetime], ...] = ()
