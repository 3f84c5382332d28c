"""The computed state of a portfolio: what the gate decided and how each approval stood.

This is what the HTML report and `gac export` show; `assess.py` produces it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from govern_as_code.problems import LintReport

ApprovalState = Literal["current", "stale", "expired", "unverified"]


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
    # Added for the report's findings and sign-off matrix (issue 12).
    signoffs: tuple[SignoffStatus, ...] = ()
    today: date | None = None  # the date the time-based rules were judged against
    # subject -> when a gated deployment manifest first named it (from history)
    deployed_since: tuple[tuple[str, datetime], ...] = ()
