"""The loaded portfolio: its documents indexed by kind and id, and its deployments.

Documents are found by their `kind`, never their path.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from govern_as_code.documents.kinds import (
    ApprovalDocument,
    DeploymentDocument,
    Envelope,
    PortfolioSpec,
)
from govern_as_code.documents.yaml_loader import LoadedData
from govern_as_code.problems import Problem

E = TypeVar("E", bound=Envelope)


@dataclass(frozen=True)
class Document:
    """A valid governance document and where it came from."""

    path: str
    model: Envelope
    data: LoadedData

    @property
    def kind(self) -> str:
        return self.model.kind

    @property
    def id(self) -> str:
        return self.model.metadata.id

    @property
    def ref(self) -> str:
        return f"{self.kind}/{self.id}"

    def position(self, *path: str | int) -> tuple[int, int]:
        return self.data.position(tuple(path))

    def problem(
        self, rule: str, message: str, *at: str | int, hint: str = "", subject: str = ""
    ) -> Problem:
        line, column = self.position(*at)
        return Problem(self.path, line, column, rule, message, hint, subject)


@dataclass(frozen=True)
class Deployment:
    """A deployment, native (`kind: Deployment`) or a foreign manifest linked by annotation."""

    path: str
    line: int
    column: int
    environment: str
    subject: str | None
    target: str
    foreign: bool
    labels: dict[str, str] = field(default_factory=dict)

    def problem(self, rule: str, message: str, hint: str = "") -> Problem:
        return Problem(self.path, self.line, self.column, rule, message, hint, self.subject or "")


@dataclass(frozen=True)
class InvalidDocument:
    """A governance document that did not validate, known by the kind and id it gives itself.

    A reference to it is then reported once, pointing here, instead of "does not exist" at
    every document that names it.
    """

    path: str
    kind: str
    id: str
    line: int
    column: int


@dataclass
class Portfolio:
    source: str
    revision: str | None
    settings: PortfolioSpec
    documents: list[Document] = field(default_factory=list)
    foreign: list[Deployment] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    invalid: dict[tuple[str, str], InvalidDocument] = field(default_factory=dict)
    files_read: int = 0
    _index: dict[str, dict[str, Document]] = field(default_factory=dict, repr=False)
    _approvals_by_subject: dict[str, list[Document]] | None = field(default=None, repr=False)

    def add(self, document: Document) -> None:
        by_id = self._index.setdefault(document.kind, {})
        first = by_id.get(document.id)
        if first is not None:
            self.problems.append(
                document.problem(
                    "duplicate-id",
                    f"duplicate {document.kind} id {document.id!r}: also defined in"
                    f" {first.path}:{first.position('metadata', 'id')[0]}",
                    "metadata",
                    "id",
                    hint="give each document of a kind its own id",
                )
            )
            return
        by_id[document.id] = document
        self.documents.append(document)
        self._approvals_by_subject = None

    def approvals_of(self, subject: str) -> list[Document]:
        """The Approval documents of `subject`, from an index built on first use."""
        if self._approvals_by_subject is None:
            index: dict[str, list[Document]] = {}
            for document in self.of_kind("Approval"):
                if isinstance(document.model, ApprovalDocument):
                    index.setdefault(document.model.spec.subject, []).append(document)
            self._approvals_by_subject = index
        return self._approvals_by_subject.get(subject, [])

    def get(self, kind: str, id: str) -> Document | None:
        return self._index.get(kind, {}).get(id)

    def of_kind(self, kind: str) -> list[Document]:
        return list(self._index.get(kind, {}).values())

    def models(self, kind: str, model_type: type[E]) -> Iterator[tuple[Document, E]]:
        """Documents of a kind with their typed model, for code that wants the spec's types."""
        for document in self.of_kind(kind):
            if isinstance(document.model, model_type):
                yield document, document.model

    def deployments(self) -> list[Deployment]:
        """Every deployment, native and foreign.

        A trusted deployment glob's environment wins over what the document claims, for a
        native Deployment as for a foreign manifest: a file in a production glob that says
        `environment: staging` is a production deployment. (A protected folder on the path
        gates it too: see `PortfolioSpec.gates` and `gated_environment`.)
        """
        settings = self.settings
        found = []
        for doc, model in self.models("Deployment", DeploymentDocument):
            line, column = doc.position("spec", "modelVersion")
            found.append(
                Deployment(
                    doc.path,
                    line,
                    column,
                    settings.glob_environment(doc.path) or model.spec.environment,
                    model.spec.modelVersion,
                    model.spec.target or "",
                    False,
                    dict(model.metadata.labels),
                )
            )
        return sorted(found + self.foreign, key=lambda d: (d.path, d.line))
