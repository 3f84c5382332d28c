"""Loading a portfolio: every document of a working tree or revision, parsed and validated.

Documents are found by their `kind`, never their path; what counts as one is decided in
`classify`, which files are read in `selection`, foreign manifests in `foreign`. A file that
counts but is not valid is an error, never a skip (DESIGN §1). Loading never stops at a bad
file: every finding becomes a Problem. Only a source with no governance.yaml at all stops it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pathspec

from govern_as_code.documents.kinds import PortfolioSpec
from govern_as_code.documents.validation import ExtensionSchema, validate_data
from govern_as_code.documents.yaml_loader import LoadedData, LoadError, ParsedFile, parse_bytes
from govern_as_code.errors import GitError
from govern_as_code.git import Repository
from govern_as_code.portfolio.classify import (
    SETTINGS_PATHS,
    GlobMatcher,
    claims_ours,
    conventional_folder,
    envelope_field,
    folded,
    foreign_kind_hint,
    is_settings_path,
    odd_name,
)
from govern_as_code.portfolio.foreign import (
    ENVIRONMENT_ANNOTATION,
    MODEL_VERSION_ANNOTATION,
    load_foreign_manifests,
)
from govern_as_code.portfolio.ignore import IGNORE_FILE
from govern_as_code.portfolio.model import Document, InvalidDocument, Portfolio
from govern_as_code.portfolio.selection import Selected, select
from govern_as_code.portfolio.settings import (
    load_extensions,
    read_ignore_lines,
    read_settings,
    require_portfolio,
)
from govern_as_code.portfolio.sources import FileSource, RevisionSource, WorktreeSource
from govern_as_code.problems import Problem

__all__ = [
    "ENVIRONMENT_ANNOTATION",
    "IGNORE_FILE",
    "MODEL_VERSION_ANNOTATION",
    "SETTINGS_PATHS",
    "LoadOptions",
    "load_portfolio",
    "open_source",
]


@dataclass(frozen=True)
class LoadOptions:
    """What decides which files count; in a gated lint these come from the trusted base.

    `require_settings` is off only for a trusted base, which may predate governance.yaml.
    """

    settings: PortfolioSpec | None = None
    ignore_lines: tuple[str, ...] | None = None
    require_settings: bool = True


def open_source(root: Path, revision: str | None = None, label: str | None = None) -> FileSource:
    """The working tree at `root`, or `revision` of the repository there (named `label`,
    as the user wrote it, in messages)."""
    repo = Repository.discover(root)
    if revision is None:
        return WorktreeSource(root, repo)
    if repo is None:
        raise GitError(
            f"{root} is not a git repository, so it has no revision {revision!r}",
            "run inside the portfolio's git repository",
        )
    return RevisionSource(repo, revision, label)


def load_portfolio(source: FileSource, options: LoadOptions | None = None) -> Portfolio:
    """Read, parse and validate every document of `source`.

    Raises GovernError when `source` has no governance.yaml (unless the options allow it).
    """
    options = options or LoadOptions()
    candidates = {c.path: c for c in source.candidates()}
    if options.require_settings:
        require_portfolio(source, candidates)
    settings = options.settings or read_settings(source, candidates) or PortfolioSpec()
    portfolio = Portfolio(source.description, getattr(source, "revision", None), settings)

    ignore_lines = options.ignore_lines
    if ignore_lines is None:
        ignore_lines = read_ignore_lines(source, candidates)
    excluded = pathspec.GitIgnoreSpec.from_lines([*ignore_lines, *settings.exclude])
    globs = GlobMatcher.compile(settings.deploymentGlobs)
    extensions = load_extensions(source, candidates, settings, portfolio.problems)
    wanted = select(candidates.values(), globs, excluded, portfolio.problems)

    contents = source.read(s.candidate.path for s in wanted)
    portfolio.files_read = len(contents)
    for selected in wanted:
        raw = contents.get(selected.candidate.path)
        if raw is not None:
            _load_file(portfolio, selected, raw, extensions)
    return portfolio


def _load_file(
    portfolio: Portfolio,
    selected: Selected,
    raw: bytes,
    extensions: dict[str, ExtensionSchema],
) -> None:
    path, glob = selected.candidate.path, selected.glob
    try:
        parsed = parse_bytes(raw, is_json=folded(path).rstrip(". \t").endswith(".json"))
    except LoadError as e:
        portfolio.problems.append(e.issue.to_problem(path))
        return
    ours = any(claims_ours(d) for d in parsed.documents)
    folder = conventional_folder(path) or ("" if not is_settings_path(path) else "governance")
    if not (ours or glob or folder):
        return  # not ours: a CI workflow, a config file, another tool's manifest
    reason = odd_name(path, selected.glob_case_only)
    if reason:
        portfolio.problems.append(
            Problem(
                path,
                0,
                0,
                "file-name",
                f"this file counts as a governance document or deployment manifest, but {reason}",
                "rename it: lower-case folder and extension (.yaml, .yml, .json), no odd"
                " characters",
            )
        )
    if ours:
        _load_governance_file(portfolio, path, parsed, extensions)
    elif glob is not None:
        load_foreign_manifests(portfolio, path, parsed, glob)
    else:
        _not_a_governance_document(portfolio, path, parsed, folder)


def _not_a_governance_document(
    portfolio: Portfolio, path: str, parsed: ParsedFile, folder: str
) -> None:
    data = parsed.documents[0]
    api, _ = envelope_field(data, "apiVersion")
    says = "no apiVersion" if api is None else f"apiVersion {api!r}"
    line, column = data.position(("apiVersion",)) if api is not None else (1, 1)
    where = "governance.yaml" if folder == "governance" else f"a file in {folder}/"
    portfolio.problems.append(
        Problem(
            path,
            line,
            column,
            "schema",
            f"{where} is a governance document, but this one has {says}",
            foreign_kind_hint(data, folder),
        )
    )


def _load_governance_file(
    portfolio: Portfolio, path: str, parsed: ParsedFile, extensions: dict[str, ExtensionSchema]
) -> None:
    try:
        data = parsed.single()
    except LoadError as e:
        portfolio.problems.append(e.issue.to_problem(path))
        return
    document, problems = validate_data(path, data, extensions)
    portfolio.problems.extend(problems)
    if document is None:
        _remember_invalid(portfolio, path, data)
        return
    if document.kind == "Portfolio":
        first = portfolio.of_kind("Portfolio")
        if first or path not in SETTINGS_PATHS:
            elsewhere = f"the first is {first[0].path}" if first else "not in governance.yaml"
            portfolio.problems.append(
                Problem(
                    path,
                    1,
                    1,
                    "duplicate-id",
                    f"a second Portfolio document ({elsewhere}); its settings are not read",
                    "keep one Portfolio document, in governance.yaml",
                )
            )
            return
    portfolio.add(Document(path, document, data))


def _remember_invalid(portfolio: Portfolio, path: str, data: LoadedData) -> None:
    kind, _ = envelope_field(data, "kind")
    metadata = data.value.get("metadata") if isinstance(data.value, dict) else None
    ident = metadata.get("id") if isinstance(metadata, dict) else None
    if isinstance(kind, str) and isinstance(ident, str):
        line, column = data.position(("metadata", "id"))
        portfolio.invalid.setdefault(
            (kind, ident), InvalidDocument(path, kind, ident, line, column)
        )
