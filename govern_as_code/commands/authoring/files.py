"""Round-trip YAML editing, validation before writing, and atomic writes."""

from __future__ import annotations

import difflib
import io
import os
import re
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from govern_as_code.documents.schema_export import SCHEMA_BASE_URI, schema_file_name
from govern_as_code.documents.validation import validate_data
from govern_as_code.documents.yaml_loader import LoadError, load_text
from govern_as_code.errors import GovernError
from govern_as_code.portfolio import Document, Portfolio
from govern_as_code.portfolio.trust import TrustRoot
from govern_as_code.problems import Problem
from govern_as_code.rules import references_resolve
from govern_as_code.rules.base import RuleContext

_SEQUENCE_ITEM = re.compile(r"^(?P<key> *)[^\s#-][^:\n]*:\s*\n(?P<dash> *)- ", re.MULTILINE)


def modeline(kind: str) -> str:
    """The first line of a new document: editors validate it against the kind's schema."""
    return f"# yaml-language-server: $schema={SCHEMA_BASE_URI}{schema_file_name(kind)}\n"


def _yaml_for(text: str) -> YAML:
    """A round-trip dumper that indents sequences the way this file already does."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a user's long lines
    found = _SEQUENCE_ITEM.search(text)
    offset = max(0, len(found.group("dash")) - len(found.group("key"))) if found else 0
    yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
    return yaml


@dataclass
class EditableDocument:
    """A document loaded for a round-trip edit: change `data`, then `render()`."""

    path: str  # repo-relative
    original: str
    data: Any

    @classmethod
    def parse(cls, path: str, text: str) -> EditableDocument:
        try:
            data = _yaml_for(text).load(text)
        except YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            line = f":{mark.line + 1}" if mark is not None else ""
            raise GovernError(
                f"{path}{line}: cannot be parsed as YAML: {getattr(e, 'problem', e)}",
                "fix the file, then run the command again",
            ) from e
        if not isinstance(data, dict):
            raise GovernError(f"{path} is not a YAML mapping", "fix the file first")
        return cls(path, text, data)

    @classmethod
    def read(cls, root: Path, path: str) -> EditableDocument:
        try:
            text = (root / path).read_text("utf-8")
        except OSError as e:
            raise GovernError(f"cannot read {path}: {e.strerror}", "check the file") from e
        return cls.parse(path, text)

    def render(self) -> str:
        stream = io.StringIO()
        _yaml_for(self.original).dump(self.data, stream)
        return stream.getvalue()


def spec_of(document: EditableDocument) -> Any:
    """The document's `spec` mapping, created when absent."""
    spec = document.data.get("spec")
    if spec is None:
        spec = document.data["spec"] = {}
    if not isinstance(spec, dict):
        raise GovernError(f"{document.path}: spec is not a mapping", "fix the file first")
    return spec


def check_text(portfolio: Portfolio, path: str, text: str) -> Document:
    """Validate `text` as the new content of `path`; a GovernError names the first problem.

    The schema and every reference are checked against the rest of the portfolio, so a
    document that would not load, or that names a missing document, is never written.
    """
    try:
        data = load_text(text)
    except LoadError as e:
        raise GovernError(
            f"{path}:{e.issue.line}: {e.issue.message}", e.issue.hint or "fix the value"
        ) from e
    model, problems = validate_data(path, data)
    if model is None or problems:
        _stop(problems or [Problem(path, 1, 1, "schema", "the document is not valid")])
    assert model is not None
    document = Document(path, model, data)
    trial = with_document(portfolio, document)
    context = RuleContext(trial, TrustRoot.from_portfolio(trial), datetime.now(UTC).date())
    found = references_resolve.check(context, references_resolve.Options())
    mine = [_suggest(trial, p) for p in [*trial.problems, *found] if p.path == path]
    if mine:
        _stop(mine)
    return document


_MISSING_REF = re.compile(r"names (?P<kind>[A-Za-z]+) '(?P<ref>[^']+)', which does not exist")


def _suggest(portfolio: Portfolio, problem: Problem) -> Problem:
    """A missing reference gets the closest existing ids as its hint."""
    found = _MISSING_REF.search(problem.message)
    if found is None:
        return problem
    known = [d.id for d in portfolio.of_kind(found["kind"])]
    close = difflib.get_close_matches(found["ref"], known, n=3, cutoff=0.5)
    if not close:
        return problem
    return replace(problem, hint=f"did you mean {', '.join(close)}?")


def _stop(problems: list[Problem]) -> None:
    first = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    raise GovernError(
        f"{first.path}:{first.line}: {first.message}{more}; nothing was written",
        first.hint or "fix the value you gave",
    )


def with_document(portfolio: Portfolio, document: Document) -> Portfolio:
    """A copy of `portfolio` in which `document` takes the place of whatever was at its path."""
    trial = Portfolio(portfolio.source, portfolio.revision, portfolio.settings)
    for other in portfolio.documents:
        if other.path != document.path:
            trial.add(other)
    trial.foreign = list(portfolio.foreign)
    trial.add(document)
    return trial


def atomic_write(target: Path, text: str) -> None:
    """Write `text` to `target` through a temporary file in the same folder and a rename.

    A failure at any point leaves the original file as it was and no temporary file behind.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():
            os.chmod(temporary, target.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except OSError as e:
        Path(temporary).unlink(missing_ok=True)
        raise GovernError(
            f"cannot write {target.name}: {e.strerror or e}; the file was left as it was",
            "check the disk and the folder's permissions, then run the command again",
        ) from e
