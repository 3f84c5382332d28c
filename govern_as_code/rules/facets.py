"""What a `when:` selector matches on, for each problem's own document.

Facets come from what is gated, not from what the change claims: a deployment's environment is
its gated environment (trusted glob, protected folder, then its claim), and a risk tier is the
strictest the head and the trusted base give. Where a facet cannot be known (a deleted file, a
version whose model is missing), the selector matches: a doubt never drops a problem.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from govern_as_code.documents.kinds import (
    ApprovalDocument,
    DeploymentDocument,
    ModelDocument,
    ModelVersionDocument,
    RuleWhen,
)
from govern_as_code.gate.context import GateContext
from govern_as_code.gate.tiers import model_tiers, strictest, subject_tier
from govern_as_code.portfolio.model import Deployment, Document, Portfolio
from govern_as_code.problems import Problem

# A facet the document should have but that cannot be determined: it matches any selector.
UNKNOWN = "<unknown>"


@dataclass(frozen=True)
class Facets:
    """The facets of one document; None means the document has no such facet."""

    kind: str
    environment: str | None = None
    risk_tier: str | None = None
    labels: Mapping[str, str] | None = None  # None: not known (a foreign manifest)


@dataclass(frozen=True)
class _Entry:
    line: int
    subject: str
    facets: Facets


class FacetIndex:
    """Facets by file, then by document within the file (foreign files hold several)."""

    def __init__(self, context: GateContext) -> None:
        self._context = context
        self._by_path: dict[str, list[_Entry]] | None = None

    def _index(self) -> dict[str, list[_Entry]]:
        if self._by_path is None:
            self._by_path = {}
            self._build(self._context)
        return self._by_path

    def _build(self, context: GateContext) -> None:
        base = context.trust.portfolio
        base = None if base is context.portfolio else base
        for document in context.portfolio.documents:
            if document.kind == "Deployment":
                continue  # below, with the foreign manifests
            self._add(document.path, 0, "", _document_facets(context, document))
            # The base's copy too: editing labels must not take a document out of a selection.
            before = base.get(document.kind, document.id) if base is not None else None
            if before is not None:
                self._add(document.path, 0, "", _document_facets(context, before))
        native = {d.path: d for d in context.portfolio.of_kind("Deployment")}
        for deployment in context.portfolio.deployments():
            facets = _deployment_facets(context, deployment)
            self._add(deployment.path, deployment.line, deployment.subject or "", facets)
            head = None if deployment.foreign else native.get(deployment.path)
            earlier = _base_deployment(context, base, head)
            if earlier is not None:
                self._add(deployment.path, deployment.line, deployment.subject or "", earlier)

    def _add(self, path: str, line: int, subject: str, facets: Facets) -> None:
        self._index().setdefault(path, []).append(_Entry(line, subject, facets))

    def selects(self, when: RuleWhen, problem: Problem) -> bool:
        """Whether `when` selects `problem`, judged by the document the problem is about."""
        entries = self._own(problem)
        if not entries:
            return True  # nothing is known about this file: keep the problem (fail closed)
        return any(matches(when, e.facets) for e in entries)

    def _own(self, problem: Problem) -> Sequence[_Entry]:
        entries = self._index().get(problem.path, [])
        if len(entries) <= 1:
            return entries
        at_line = [e for e in entries if e.line == problem.line]
        if at_line:
            return at_line
        by_subject = [e for e in entries if problem.subject and e.subject == problem.subject]
        # Still ambiguous: the problem counts if any document it may be about is selected.
        return by_subject or entries


def matches(when: RuleWhen, facets: Facets) -> bool:
    """Whether every condition of `when` holds for `facets` (an unknown facet holds)."""
    checks = (
        (when.kind, facets.kind),
        (when.environment, facets.environment),
        (when.riskTier, facets.risk_tier),
    )
    for wanted, actual in checks:
        if wanted is None or actual == UNKNOWN:
            continue
        allowed = [wanted] if isinstance(wanted, str) else list(wanted)
        if actual not in allowed:
            return False
    if facets.labels is None:
        return True
    return all(facets.labels.get(k) == v for k, v in when.labels.items())


def _document_facets(context: GateContext, document: Document) -> Facets:
    model = document.model
    labels = dict(model.metadata.labels)
    tier: str | None = None
    if isinstance(model, ModelVersionDocument):
        tier = subject_tier(context, model.metadata.id) or UNKNOWN
    elif isinstance(model, ModelDocument):
        tier = strictest(model_tiers(context, model.metadata.id)) or model.spec.riskTier
    elif isinstance(model, ApprovalDocument) and "@" in model.spec.subject:
        tier = subject_tier(context, model.spec.subject) or UNKNOWN
    return Facets(model.kind, None, tier, labels)


def _base_deployment(
    context: GateContext, base: Portfolio | None, head: Document | None
) -> Facets | None:
    """The facets the trusted base gives a native deployment of the same id, if it has one."""
    before = base.get("Deployment", head.id) if base is not None and head is not None else None
    if before is None or not isinstance(before.model, DeploymentDocument):
        return None
    spec = before.model.spec
    labels = dict(before.model.metadata.labels)
    claimed = Deployment(before.path, 0, 0, spec.environment, spec.modelVersion, "", False, labels)
    return _deployment_facets(context, claimed)


def _deployment_facets(context: GateContext, deployment: Deployment) -> Facets:
    tier = subject_tier(context, deployment.subject) if deployment.subject else None
    labels = None if deployment.foreign else dict(deployment.labels)
    settings = context.trust.settings
    environment = settings.gated_environment(deployment.environment, deployment.path)
    return Facets("Deployment", environment, tier or UNKNOWN, labels)
