"""The signed-commit provider: an Approval document counts when its reviewer signed every
commit that produced it since the file was last created (DESIGN §2.3)."""

from __future__ import annotations

from govern_as_code.evidence.approvals import collect_evidence
from govern_as_code.evidence.provider import Evidence, EvidenceRequest
from govern_as_code.evidence.signed_commits import SignatureVerifier


class SignedCommitProvider:
    name = "signed-commit"

    def __init__(self, verifier: SignatureVerifier) -> None:
        self.verifier = verifier

    def collect(self, request: EvidenceRequest) -> Evidence:
        approvals = collect_evidence(
            request.repo,
            request.head,
            request.portfolio.of_kind("Approval"),
            request.trust,
            dirty=request.dirty,
            verifier=self.verifier,
        )
        return Evidence(approvals)
