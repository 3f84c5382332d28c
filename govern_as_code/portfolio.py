"""The loaded portfolio: every document of a working tree or revision, indexed by kind and id.

Documents are found by their `kind`, never their path. Files of the document types that are not
governance documents are skipped, except those in a deployment glob, which are foreign
deployment manifests. Loading never stops at a bad file: every finding becomes a Problem.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pathspec

from govern_as_code.documents.kinds import (
    ApprovalDocument,
    DeploymentGlob,
    Envelope,
    PortfolioDocument,
    PortfolioSpec,
)
from govern_as_code.documents.validation import ExtensionSchema, is_governance_data, validate_data
from govern_as_code.documents.yaml_loader import (
    MAX_FILE_BYTES,
    LoadedData,
    LoadError,
    ParsedFile,
    parse_bytes,
    too_large_issue,
)
from govern_as_code.git import Repository
from govern_as_code.problems import Problem
from govern_as_code.sources import (
    DOCUMENT_SUFFIXES,
    Candidate,
    FileSource,
    RevisionSource,
    WorktreeSource,
)

MODEL_VERSION_ANNOTATION = "govern-as-code/model-version"
ENVIRONMENT_ANNOTATION = "govern-as-code/environment"
SETTINGS_PATHS = ("governance.yaml", "governance.yml")
IGNORE_FILE = ".gacignore"

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


@dataclass
class Portfolio:
    source: str
    revision: str | None
    settings: PortfolioSpec
    documents: list[Document] = field(default_factory=list)
    foreign: list[Deployment] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
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
        native = []
        for doc in self.of_kind("Deployment"):
            spec = doc.model.spec  # type: ignore[attr-defined]
            line, column = doc.position("spec", "modelVersion")
            native.append(
                Deployment(
                    doc.path,
                    line,
                    column,
                    spec.environment,
                    spec.modelVersion,
                    spec.target or "",
                    False,
                    dict(doc.model.metadata.labels),
                )
            )
        return sorted(native + self.foreign, key=lambda d: (d.path, d.line))


@dataclass(frozen=True)
class LoadOptions:
    """What decides which files count; in a gated lint these come from the trusted base."""

    settings: PortfolioSpec | None = None
    ignore_lines: tuple[str, ...] | None = None


def open_source(root: Path, revision: str | None = None) -> FileSource:
    """The working tree at `root`, or `revision` of the repository there."""
    repo = Repository.discover(root)
    if revision is None:
        return WorktreeSource(root, repo)
    if repo is None:
        from govern_as_code.errors import GitError

        raise GitError(
            f"{root} is not a git repository, so it has no revision {revision!r}",
            "run inside the portfolio's git repository",
        )
    return RevisionSource(repo, revision)


def load_portfolio(source: FileSource, options: LoadOptions | None = None) -> Portfolio:
    """Read, parse and validate every document of `source`."""
    options = options or LoadOptions()
    candidates = {c.path: c for c in source.candidates()}
    own_settings, settings_problems = _read_settings(source, candidates)
    settings = options.settings or own_settings or PortfolioSpec()
    revision = getattr(source, "revision", None)
    portfolio = Portfolio(source.description, revision, settings)
    portfolio.problems.extend(settings_problems)

    ignore_lines = options.ignore_lines
    if ignore_lines is None:
        ignore_lines = read_ignore_lines(source, candidates)
    excluded = pathspec.GitIgnoreSpec.from_lines([*ignore_lines, *settings.exclude])
    globs = [
        g if isinstance(g, DeploymentGlob) else DeploymentGlob(glob=g)
        for g in settings.deploymentGlobs
    ]
    glob_specs = [(g, pathspec.GitIgnoreSpec.from_lines([g.glob])) for g in globs]
    extensions = _load_extensions(source, candidates, settings, portfolio.problems)

    wanted: list[Candidate] = []
    for candidate in candidates.values():
        in_glob = next((g for g, spec in glob_specs if spec.match_file(candidate.path)), None)
        if not (candidate.path.endswith(DOCUMENT_SUFFIXES) or in_glob):
            continue
        if excluded.match_file(candidate.path):
            continue
        if candidate.symlink_target is not None:
            portfolio.problems.append(_symlink_problem(candidate))
            continue
        if candidate.size > MAX_FILE_BYTES:
            issue = too_large_issue(candidate.size)
            portfolio.problems.append(
                Problem(candidate.path, 0, 0, issue.rule, issue.message, issue.hint)
            )
            continue
        wanted.append(candidate)

    contents = source.read(c.path for c in wanted)
    portfolio.files_read = len(contents)
    for candidate in wanted:
        raw = contents.get(candidate.path)
        if raw is None:
            continue
        glob = next((g for g, spec in glob_specs if spec.match_file(candidate.path)), None)
        _load_file(portfolio, candidate.path, raw, glob, extensions)
    return portfolio


def read_ignore_lines(source: FileSource, candidates: dict[str, Candidate]) -> tuple[str, ...]:
    entry = candidates.get(IGNORE_FILE)
    if entry is None or entry.symlink_target is not None:
        return ()
    raw = source.read([IGNORE_FILE]).get(IGNORE_FILE, b"")
    return tuple(raw.decode("utf-8", "replace").splitlines())


def _read_settings(
    source: FileSource, candidates: dict[str, Candidate]
) -> tuple[PortfolioSpec | None, list[Problem]]:
    for path in SETTINGS_PATHS:
        entry = candidates.get(path)
        if entry is None or entry.symlink_target is not None or entry.size > MAX_FILE_BYTES:
            continue
        raw = source.read([path]).get(path)
        if raw is None:
            continue
        try:
            data = parse_bytes(raw).single()
        except LoadError:
            return None, []  # reported when the file is loaded with the others
        if is_governance_data(data.value) and data.value.get("kind") == "Portfolio":
            document, _ = validate_data(path, data)
            if isinstance(document, PortfolioDocument):
                return document.spec, []
    return None, []


def _load_extensions(
    source: FileSource,
    candidates: dict[str, Candidate],
    settings: PortfolioSpec,
    problems: list[Problem],
) -> dict[str, ExtensionSchema]:
    compiled: dict[str, ExtensionSchema] = {}
    for kind, path in settings.extensionSchemas.items():
        entry = candidates.get(path)
        if entry is not None and entry.symlink_target is not None:
            problems.append(
                Problem(
                    SETTINGS_PATHS[0],
                    0,
                    0,
                    "extension-schema",
                    f"extension schema {path} for {kind} is a symbolic link; it was not followed",
                    "replace the link with the file",
                )
            )
            continue
        if entry is not None and entry.size > MAX_FILE_BYTES:
            issue = too_large_issue(entry.size)
            problems.append(Problem(path, 0, 0, "extension-schema", issue.message, issue.hint))
            continue
        raw = source.read([path]).get(path) if entry is not None else None
        if raw is None:
            problems.append(
                Problem(
                    SETTINGS_PATHS[0],
                    0,
                    0,
                    "extension-schema",
                    f"extension schema {path} for {kind} was not found",
                    "fix the path in spec.extensionSchemas",
                )
            )
            continue
        try:
            compiled[kind] = ExtensionSchema.compile(kind, path, json.loads(raw))
        except Exception as e:
            problems.append(
                Problem(
                    path,
                    0,
                    0,
                    "extension-schema",
                    f"the extension schema for {kind} is not a valid JSON Schema:"
                    f" {str(e).splitlines()[0]}",
                    "fix the schema",
                )
            )
    return compiled


def _symlink_problem(candidate: Candidate) -> Problem:
    target = candidate.symlink_target or ""
    folder = posixpath.dirname(candidate.path)
    resolved = posixpath.normpath(posixpath.join(folder, target))
    outside = target.startswith("/") or resolved == ".." or resolved.startswith("../")
    where = "outside the repository" if outside else "inside the repository"
    return Problem(
        candidate.path,
        0,
        0,
        "symlink",
        f"symbolic link to {target!r} ({where}) refused; it was not followed",
        "replace the link with the file itself, or exclude it in .gacignore",
    )


def _load_file(
    portfolio: Portfolio,
    path: str,
    raw: bytes,
    glob: DeploymentGlob | None,
    extensions: dict[str, ExtensionSchema],
) -> None:
    try:
        parsed = parse_bytes(raw, is_json=path.endswith(".json"))
    except LoadError as e:
        issue = e.issue
        portfolio.problems.append(
            Problem(path, issue.line, issue.column, issue.rule, issue.message, issue.hint)
        )
        return
    governed = [d for d in parsed.documents if is_governance_data(d.value)]
    if not governed and glob is None:
        return  # not ours: a CI workflow, a config file
    if governed:
        _load_governance_file(portfolio, path, parsed, extensions)
        return
    _load_foreign_manifests(portfolio, path, parsed, glob)


def _load_governance_file(
    portfolio: Portfolio, path: str, parsed: ParsedFile, extensions: dict[str, ExtensionSchema]
) -> None:
    try:
        data = parsed.single()
    except LoadError as e:
        issue = e.issue
        portfolio.problems.append(
            Problem(path, issue.line, issue.column, issue.rule, issue.message, issue.hint)
        )
        return
    document, problems = validate_data(path, data, extensions)
    portfolio.problems.extend(problems)
    if document is not None:
        if document.kind == "Portfolio" and portfolio.of_kind("Portfolio"):
            first = portfolio.of_kind("Portfolio")[0]
            portfolio.problems.append(
                Problem(
                    path,
                    1,
                    1,
                    "duplicate-id",
                    f"a second Portfolio document (the first is {first.path})",
                    "keep one Portfolio document, in governance.yaml",
                )
            )
            return
        portfolio.add(Document(path, document, data))


def _load_foreign_manifests(
    portfolio: Portfolio, path: str, parsed: ParsedFile, glob: DeploymentGlob | None
) -> None:
    assert glob is not None
    if parsed.strict_issue:
        issue = parsed.strict_issue
        portfolio.problems.append(
            Problem(path, issue.line, issue.column, issue.rule, issue.message, issue.hint)
        )
        return
    for data in parsed.documents:
        if data.value is None:
            continue
        subject, where = _annotation(data, glob)
        line, column = data.position(where)
        # The trusted glob's environment wins over the manifest's own claim.
        environment = (
            glob.environment
            or _dig(data.value, ("metadata", "annotations", ENVIRONMENT_ANNOTATION))
            or "production"
        )
        target = _dig(data.value, ("metadata", "name")) or path
        portfolio.foreign.append(
            Deployment(
                path,
                line,
                column,
                str(environment),
                subject if isinstance(subject, str) else None,
                str(target),
                True,
            )
        )


def _annotation(data: LoadedData, glob: DeploymentGlob) -> tuple[Any, tuple[str, ...]]:
    if glob.annotationPath:
        where = tuple(glob.annotationPath.split("."))
    else:
        where = ("metadata", "annotations", MODEL_VERSION_ANNOTATION)
    return _dig(data.value, where), where


def _dig(value: Any, path: Sequence[str]) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value
