"""`gac waive`: write a Waiver of one rule for one subject, for the waiver role to approve."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from govern_as_code.commands.authoring.new import NewRequest, create
from govern_as_code.commands.authoring.workspace import Workspace
from govern_as_code.errors import UsageError
from govern_as_code.portfolio.trust import TrustRoot
from govern_as_code.rules.registry import RULES
from govern_as_code.rules.waivers import waiver_policy


@dataclass(frozen=True)
class WaiveRequest:
    root: Path
    rule: str
    subject: str
    until: date
    reason: str
    controls: Sequence[str]
    ident: str | None = None
    commit: bool = False
    now: datetime | None = None


def waiver_id(rule: str, subject: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", f"{rule} {subject}".lower()).strip("-")


def waive(request: WaiveRequest) -> tuple[str, str, str | None]:
    """Write the Waiver; returns (id, path, commit id). It counts once the waiver role approves."""
    if request.rule not in RULES:
        close = difflib.get_close_matches(request.rule, list(RULES), n=1)
        hint = f"did you mean {close[0]}?" if close else "list them with: gac rules"
        raise UsageError(f"there is no rule {request.rule!r}", hint)
    workspace = Workspace.open(request.root, request.now)
    policy = waiver_policy(TrustRoot.from_portfolio(workspace.portfolio))
    if request.rule not in policy.waivable:
        raise UsageError(
            f"rule {request.rule!r} is not waivable under the policy in force",
            f"waivable rules: {', '.join(sorted(policy.waivable)) or 'none'}; fix the finding"
            " instead",
        )
    _subject_exists(workspace, request.subject)
    today = workspace.now.date()
    latest = today + timedelta(days=policy.max_days)
    if not today <= request.until <= latest:
        raise UsageError(
            f"--until {request.until.isoformat()} is outside today to {latest.isoformat()}"
            f" (the policy's maxWaiverDays is {policy.max_days})",
            f"choose a date up to {latest.isoformat()}",
        )
    if not request.controls:
        raise UsageError(
            "a waiver needs at least one compensating control",
            'name it: --control "Weekly manual review of the alerts"',
        )
    ident = request.ident or waiver_id(request.rule, request.subject)
    values = {
        "spec.rule": request.rule,
        "spec.subject": request.subject,
        "spec.reason": request.reason,
        # Free texts, which may hold commas: passed typed, never split like a --set list.
        "spec.compensatingControls": list(request.controls),
        "spec.expires": request.until.isoformat(),
    }
    new = NewRequest(
        request.root, "Waiver", ident, values=values, commit=request.commit, now=request.now
    )
    path, commit = create(new)
    return ident, path, commit


def _subject_exists(workspace: Workspace, subject: str) -> None:
    if "@" in subject:
        workspace.find("ModelVersion", subject)
        return
    kind, _, ident = subject.partition("/")
    if not ident:
        raise UsageError(
            f"{subject!r} is neither model@version nor KIND/id",
            "e.g. churn-xgb@3 or Project/churn-prediction",
        )
    workspace.find(kind, ident)
