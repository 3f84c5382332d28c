"""What a portfolio says about its own loading: governance.yaml, .gacignore, extension schemas.

In a gated lint these come from the trusted base instead (see `LoadOptions`).
"""

from __future__ import annotations

import json

from govern_as_code.documents.kinds import PortfolioDocument, PortfolioSpec
from govern_as_code.documents.validation import ExtensionSchema, validate_data
from govern_as_code.documents.yaml_loader import (
    MAX_FILE_BYTES,
    LoadError,
    parse_bytes,
    too_large_issue,
)
from govern_as_code.errors import GovernError
from govern_as_code.portfolio.classify import SETTINGS_PATHS, is_settings_path
from govern_as_code.portfolio.ignore import IGNORE_FILE, ignore_lines
from govern_as_code.portfolio.sources import Candidate, FileSource
from govern_as_code.problems import Problem


def require_portfolio(source: FileSource, candidates: dict[str, Candidate]) -> None:
    """Stop unless `source` has a governance.yaml: a wrong --repo must not lint nothing clean."""
    if any(is_settings_path(path) for path in candidates):
        return
    raise GovernError(
        f"{source.description} is not a portfolio: it has no governance.yaml",
        "pass --repo with the portfolio's folder, or create one with gac init",
    )


def read_settings(source: FileSource, candidates: dict[str, Candidate]) -> PortfolioSpec | None:
    """The spec of governance.yaml; None when it is missing or invalid (reported on loading)."""
    for path in SETTINGS_PATHS:
        entry = candidates.get(path)
        if entry is None or not entry.is_file or entry.size > MAX_FILE_BYTES:
            continue
        raw = source.read([path]).get(path)
        if raw is None:
            continue
        try:
            data = parse_bytes(raw).single()
        except LoadError:
            return None
        document, _ = validate_data(path, data)
        if isinstance(document, PortfolioDocument):
            return document.spec
    return None


def read_ignore_lines(source: FileSource, candidates: dict[str, Candidate]) -> tuple[str, ...]:
    """The source's own .gacignore patterns; a link in its place is never followed."""
    entry = candidates.get(IGNORE_FILE)
    if entry is None or not entry.is_file:
        return ()
    return ignore_lines(source.read([IGNORE_FILE]).get(IGNORE_FILE, b""))


def load_extensions(
    source: FileSource,
    candidates: dict[str, Candidate],
    settings: PortfolioSpec,
    problems: list[Problem],
) -> dict[str, ExtensionSchema]:
    """The compiled extension schemas of `settings`; each one that cannot be used is a problem."""
    compiled: dict[str, ExtensionSchema] = {}
    for kind, path in settings.extensionSchemas.items():
        entry = candidates.get(path)
        if entry is not None and entry.symlink_target is not None:
            problems.append(
                _settings_problem(
                    f"extension schema {path} for {kind} is a symbolic link; it was not followed",
                    "replace the link with the file",
                )
            )
            continue
        if entry is not None and entry.size > MAX_FILE_BYTES:
            issue = too_large_issue(entry.size)
            problems.append(Problem(path, 0, 0, "extension-schema", issue.message, issue.hint))
            continue
        raw = source.read([path]).get(path) if entry is not None and entry.is_file else None
        if raw is None:
            problems.append(
                _settings_problem(
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


def _settings_problem(message: str, hint: str) -> Problem:
    return Problem(SETTINGS_PATHS[0], 0, 0, "extension-schema", message, hint)
