"""The interface every kind of sign-off evidence implements (DESIGN §2.3).

A provider turns what it can verify (signed commits, pull-request reviews) into `Evidence`:
per Approval document, whether it is backed by its reviewer; and sign-offs that are not
documents at all, such as an approving review. The gate consumes the merged `Evidence` and
never names a provider.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from govern_as_code.evidence.approvals import ApprovalEvidence
from govern_as_code.git import Repository
from govern_as_code.portfolio.model import Portfolio
from govern_as_code.portfolio.trust import TrustRoot


@dataclass(frozen=True)
class ExternalSignOff:
    """A sign-off that no Approval document carries, e.g. an approving pull-request review.

    It names no role: the gate assigns reviewers to the roles they can fill.
    """

    subject: str
    digest: str
    reviewer: str  # a person id of the trusted base
    decision: str  # approved | changes-requested | rejected
    time: datetime
    method: str  # e.g. "pull-request review"
    detail: str  # how it was verified, for the gate's output and the report
    url: str | None = None


@dataclass(frozen=True)
class Evidence:
    """What every provider verified, merged."""

    approvals: Mapping[str, ApprovalEvidence] = field(default_factory=dict)
    external: tuple[ExternalSignOff, ...] = ()

    def of(self, path: str) -> ApprovalEvidence | None:
        return self.approvals.get(path)

    def merged(self, other: Evidence) -> Evidence:
        return Evidence({**self.approvals, **other.approvals}, self.external + other.external)


@dataclass(frozen=True)
class EvidenceRequest:
    """What a provider may look at: the history, the change under review, the trust root."""

    repo: Repository
    head: str
    portfolio: Portfolio
    trust: TrustRoot
    subjects: tuple[str, ...]  # the model versions the gate will judge
    dirty: frozenset[str] = frozenset()  # paths with uncommitted changes


class EvidenceProvider(Protocol):
    """One kind of evidence. `name` is how `governance.yaml` `spec.evidence` selects it."""

    name: str

    def collect(self, request: EvidenceRequest) -> Evidence: ...


def collect_all(providers: Iterable[EvidenceProvider], request: EvidenceRequest) -> Evidence:
    found = Evidence()
    for provider in providers:
        found = found.merged(provider.collect(request))
    return found
