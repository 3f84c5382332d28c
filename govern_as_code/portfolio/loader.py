"""Loading a portfolio: every document of a working tree or revision, parsed and validated.

Documents are found by their `kind`, never their path. Files of the document types that are not
governance documents are skipped, except those in a deployment glob, which are foreign
deployment manifests. Loading never stops at a bad file: every finding becomes a Problem.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pathspec

from govern_as_code.documents.kinds import (
    DeploymentGlob,
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
from govern_as_code.portfolio.ignore import IGNORE_FILE, ignore_lines
from govern_as_code.portfolio.model import Deployment, Document, Portfolio
from govern_as_code.portfolio.sources import (
    DOCUMENT_SUFFIXES,
    Candidate,
    FileSource,
    RevisionSource,
    WorktreeSource,
)
from govern_as_code.problems import Problem

MODEL_VERSION_ANNOTATION = "govern-as-code/model-version"
ENVIRONMENT_ANNOTATION = "govern-as-code/environment"
SETTINGS_PATHS = ("governance.yaml", "governance.yml")


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
    return ignore_lines(source.read([IGNORE_FILE]).get(IGNORE_FILE, b""))


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
