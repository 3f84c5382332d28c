"""Judging each Approval of a subject: verified, current, unexpired, or why not."""

from __future__ import annotations

from datetime import timedelta

from govern_as_code.documents.digest import version_digest
from govern_as_code.documents.kinds import ApprovalDocument, ModelVersionDocument
from govern_as_code.gate.context import GateContext
from govern_as_code.gate.model import JudgedApproval


def judge_approvals(context: GateContext, subject: str, max_age_days: int) -> list[JudgedApproval]:
    """Every Approval of `subject` with its state, oldest first."""
    version_doc = context.portfolio.get("ModelVersion", subject)
    current = (
        version_digest(version_doc.model)
        if version_doc and isinstance(version_doc.model, ModelVersionDocument)
        else None
    )
    judged = []
    for document in context.portfolio.approvals_of(subject):
        approval = document.model
        assert isinstance(approval, ApprovalDocument)
        found = context.evidence.of(document.path)
        time = found.signed_at if found and found.signed_at else approval.spec.date
        if found is None or not found.verified:
            reason = found.reason if found else "no history to verify it against"
            reason += _shared_key_note(context, approval.spec.reviewer)
            judged.append(
                JudgedApproval(
                    document, approval, found, "unverified", f"not verified: {reason}", time
                )
            )
        elif current is not None and approval.spec.digest != current:
            judged.append(
                JudgedApproval(
                    document,
                    approval,
                    found,
                    "stale",
                    f"stale: it approves digest {approval.spec.digest} but the version's digest is"
                    f" now {current}{context.history.changes.get(document.path, '')}",
                    time,
                )
            )
        elif context.today - time.date() > timedelta(days=max_age_days):
            judged.append(
                JudgedApproval(
                    document,
                    approval,
                    found,
                    "expired",
                    f"expired: signed {time.date().isoformat()}, more than {max_age_days} days"
                    f" before {context.today.isoformat()}",
                    time,
                )
            )
        else:
            judged.append(JudgedApproval(document, approval, found, "current", "", time))
    return sorted(judged, key=lambda j: (j.time, j.document.path))


def _shared_key_note(context: GateContext, reviewer: str) -> str:
    """Why a reviewer's key may not count: another Person lists it too."""
    shared = [
        (fingerprint, people)
        for fingerprint, people in sorted(context.trust.shared_keys.items())
        if reviewer in people
    ]
    return "".join(
        f"; key {fingerprint} is listed for {' and '.join(people)}, and a key that identifies"
        " more than one person counts for nobody"
        for fingerprint, people in shared
    )
