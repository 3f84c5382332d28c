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
class EvidenceNote:
    """Why something a provider found does not count, for the gate's hints."""

    subject: str
    text: str


@dataclass(frozen=True)
class Evidence:
    """What every provider verified, merged.

    `authors` adds authors of a subject that only a provider knows (a pull request's author
    counts as an author of the version it introduced); `notes` say what did not count.
    """

    approvals: Mapping[str, ApprovalEvidence] = field(default_factory=dict)
    external: tuple[ExternalSignOff, ...] = ()
    authors: Mapping[str, frozenset[str]] = field(default_factory=dict)
    notes: tuple[EvidenceNote, ...] = ()

    def of(self, path: str) -> ApprovalEvidence | None:
        return self.approvals.get(path)

    def external_of(self, subject: str) -> tuple[ExternalSignOff, ...]:
        return tuple(s for s in self.external if s.subject == subject)

    def notes_of(self, subject: str) -> list[str]:
        return [n.text for n in self.notes if n.subject == subject]

    def merged(self, other: Evidence) -> Evidence:
        authors = dict(self.authors)
        for subject, people in other.authors.items():
            authors[subject] = authors.get(subject, frozenset()) | people
        return Evidence(
            {**self.approvals, **other.approvals},
            self.external + other.external,
            authors,
            self.notes + other.notes,
        )


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
