"""Loading a portfolio: every document of a working tree or revision, parsed and validated.

Documents are found by their `kind`, never their path; what counts as one is decided in
`classify`, which files are read in `selection`, foreign manifests in `foreign`. A file that
counts but is not valid is an error, never a skip (DESIGN §1). Loading never stops at a bad
file: every finding becomes a Problem. Only a source with no governance.yaml at all stops it.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pathspec

from govern_as_code.documents.kinds import PortfolioSpec
from govern_as_code.documents.parse_many import parse_many, pool_size
from govern_as_code.documents.validation import ExtensionSchema, validate_data
from govern_as_code.documents.yaml_loader import (
    LoadedData,
    LoadError,
    LoadIssue,
    ParsedFile,
    parse_bytes,
)
from govern_as_code.errors import GitError
from govern_as_code.git import Repository, blob_id
from govern_as_code.portfolio.blobs import BlobStore, ValidationKey, extensions_digest
from govern_as_code.portfolio.cache import BlobKey, Parsed
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
    "BlobStore",
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


def load_portfolio(
    source: FileSource, options: LoadOptions | None = None, store: BlobStore | None = None
) -> Portfolio:
    """Read, parse and validate every document of `source`.

    Loads that share `store` parse each blob once and share the Documents of the files they
    have in common (the trusted base and the working tree). Raises GovernError when `source`
    has no governance.yaml (unless the options allow it).
    """
    # A portfolio is tens of thousands of small acyclic objects: each full collection of the
    # cyclic garbage collector walks them all again, a third of a cold lint's CPU. None is
    # run while loading, and what was loaded is frozen out of later collections.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load(source, options or LoadOptions(), store)
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


def _load(source: FileSource, options: LoadOptions, store: BlobStore | None) -> Portfolio:
    store = store if store is not None else BlobStore()
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

    keys = _blob_keys(source, [s.candidate.path for s in wanted], store)
    portfolio.files_read = len(keys)
    digest = extensions_digest(extensions)
    for selected in wanted:
        key = keys.get(selected.candidate.path)
        if key is not None:
            _load_file(portfolio, selected, key, store, extensions, digest)
    return portfolio


def _is_json(path: str) -> bool:
    return folded(path).rstrip(". \t").endswith(".json")


def _blob_keys(source: FileSource, paths: list[str], store: BlobStore) -> dict[str, BlobKey]:
    """Each file's blob key, every blob parsed (or found parsed) in `store`.

    A file is read only when its parse is not known already: a revision names every file by
    its blob id, and so does the index for a file git sees unchanged on disk. A file that is
    read is named by the id of the bytes read, never by an id git reported before: a file
    edited meanwhile must not be cached under its old blob.
    """
    known_ids: dict[str, str] = {}
    blob_ids = getattr(source, "blob_ids", None)
    if blob_ids is not None:
        known_ids = blob_ids(paths)
    keys: dict[str, BlobKey] = {}
    unread = []
    for path in paths:
        blob = known_ids.get(path)
        if blob is not None and store.known((blob, _is_json(path))) is not None:
            keys[path] = (blob, _is_json(path))
        else:
            unread.append(path)
    object_format = getattr(source, "object_format", "sha1")
    to_parse: dict[BlobKey, bytes] = {}
    for path, raw in source.read(unread).items():
        key = (blob_id(raw, object_format), _is_json(path))
        keys[path] = key
        if store.known(key) is None:
            to_parse[key] = raw
    store.add(_parse_blobs(to_parse), to_parse)
    return keys


def _parse_blobs(raws: Mapping[BlobKey, bytes]) -> dict[BlobKey, Parsed]:
    """Every parse of the loader goes through here: in a process pool when a cold run has
    enough files to pay for one (`parse_many`), else one by one in this process."""
    items = [(raw, key[1]) for key, raw in raws.items()]
    if pool_size(items) >= 2:
        return dict(zip(raws, parse_many(items), strict=True))
    parsed: dict[BlobKey, Parsed] = {}
    for key, raw in raws.items():
        try:
            parsed[key] = parse_bytes(raw, is_json=key[1])
        except LoadError as e:
            parsed[key] = e.issue
    return parsed


def _load_file(
    portfolio: Portfolio,
    selected: Selected,
    key: BlobKey,
    store: BlobStore,
    extensions: dict[str, ExtensionSchema],
    digest: str,
) -> None:
    path, glob = selected.candidate.path, selected.glob
    parsed = store.known(key)
    if parsed is None or isinstance(parsed, LoadIssue):
        issue = parsed or LoadIssue("parse", "the file could not be read", 1, 1)
        portfolio.problems.append(issue.to_problem(path))
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
        _load_governance_file(portfolio, path, parsed, (key, path, digest), store, extensions)
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
    portfolio: Portfolio,
    path: str,
    parsed: ParsedFile,
    key: ValidationKey,
    store: BlobStore,
    extensions: dict[str, ExtensionSchema],
) -> None:
    try:
        data = parsed.single()
    except LoadError as e:
        portfolio.problems.append(e.issue.to_problem(path))
        return
    found = store.validated(key)
    if found is None:
        model, found_problems = validate_data(path, data, extensions)
        document = Document(path, model, data) if model is not None else None
        found = (document, tuple(found_problems))
        store.remember(key, found)
    document, problems = found
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
    portfolio.add(document)


def _remember_invalid(portfolio: Portfolio, path: str, data: LoadedData) -> None:
    kind, _ = envelope_field(data, "kind")
    metadata = data.value.get("metadata") if isinstance(data.value, dict) else None
    ident = metadata.get("id") if isinstance(metadata, dict) else None
    if isinstance(kind, str) and isinstance(ident, str):
        line, column = data.position(("metadata", "id"))
        portfolio.invalid.setdefault(
            (kind, ident), InvalidDocument(path, kind, ident, line, column)
        )
