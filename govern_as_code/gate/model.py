"""The gate's records: an approval with its verdict, and the verdict on a version."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from govern_as_code.documents.kinds import ApprovalDocument
from govern_as_code.evidence.approvals import ApprovalEvidence
from govern_as_code.portfolio.model import Document
from govern_as_code.results import ApprovalCheck


class SignedOff(Protocol):
    """A sign-off the gate can order and assign: an Approval or an external one."""

    @property
    def reviewer(self) -> str: ...

    @property
    def time(self) -> datetime: ...


@dataclass(frozen=True)
class JudgedApproval:
    """An approval of a subject with the verdict on whether it can count."""

    document: Document
    approval: ApprovalDocument
    evidence: ApprovalEvidence | None
    state: str  # current | stale | expired | unverified
    detail: str
    time: datetime

    @property
    def reviewer(self) -> str:
        return self.approval.spec.reviewer

    @property
    def role(self) -> str:
        return self.approval.spec.role

    def as_check(self) -> ApprovalCheck:
        spec = self.approval.spec
        evidence = self.evidence
        return ApprovalCheck(
            self.document.path,
            spec.subject,
            spec.role,
            spec.reviewer,
            spec.decision,
            spec.date,
            self.state,  # type: ignore[arg-type]
            evidence.method if evidence and evidence.verified else "none",
            self.detail,
            evidence.fingerprint if evidence else None,
            evidence.commit if evidence else None,
            evidence.signed_at if evidence else None,
            comment=spec.comment or "",
        )


@dataclass(frozen=True)
class NeededSignature:
    """One signature the version still needs: the role, who can give it, and why.

    `excluded` names people who hold the role but cannot give it, each with the reason
    (authored the version, departed, already fills another role).
    """

    role: str
    people: tuple[str, ...]
    note: str = ""
    excluded: tuple[str, ...] = ()


@dataclass
class GateVerdict:
    """The verdict on one version. `needed` lists every signature still to give, in order:
    the required roles first, then the final approval that must come after them."""

    subject: str
    reasons: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    assignment: dict[str, str] = field(default_factory=dict)
    missing_roles: list[str] = field(default_factory=list)
    eligible: dict[str, list[str]] = field(default_factory=dict)
    needed: list[NeededSignature] = field(default_factory=list)
    # role -> how its sign-off was verified ("approving review by @ann on PR #12 at head …")
    verified_by: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.reasons

    def need(self, signature: NeededSignature) -> None:
        """Record a needed signature (once per role) and the role as missing."""
        if signature.role not in self.missing_roles:
            self.missing_roles.append(signature.role)
        self.eligible[signature.role] = list(signature.people)
        if all(n.role != signature.role for n in self.needed):
            self.needed.append(signature)
