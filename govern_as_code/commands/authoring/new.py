"""`gac new KIND ID`: a new document in its conventional path, from templates/new/."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from pydantic import ValidationError

from govern_as_code.commands.authoring.files import EditableDocument, modeline
from govern_as_code.commands.authoring.setvalues import parse_assignments, typed_value
from govern_as_code.commands.authoring.workspace import Change, Workspace, did_you_mean
from govern_as_code.documents.kinds import (
    MODEL_BY_KIND,
    ModelDocument,
    PersonDocument,
    PortfolioSpec,
)
from govern_as_code.documents.yaml_loader import resolve_plain_scalar
from govern_as_code.errors import GovernError, UsageError
from govern_as_code.git import Repository
from govern_as_code.portfolio import Portfolio
from govern_as_code.resources import data_dir

# Kinds written by other commands, never from a blank template.
WRITTEN_ELSEWHERE = {"Approval": "gac approve SUBJECT --role ROLE"}
# --set keys a template consumes itself instead of a field of the document.
TEMPLATE_KEYS = {"Person": ("sshKey",)}
NEW_KINDS = tuple(k for k in MODEL_BY_KIND if k not in WRITTEN_ELSEWHERE)

Ask = Callable[[str], str]  # asks the user for one field's value, given its dotted key


@dataclass(frozen=True)
class NewRequest:
    root: Path
    kind: str
    ident: str
    assignments: Sequence[str] = ()
    ask: Ask | None = None  # set when stdin is a terminal and prompting is allowed
    commit: bool = False
    now: datetime | None = None
    extra: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Any] = field(default_factory=dict)  # typed values by full dotted key


def canonical_kind(kind: str) -> str:
    """The kind as spelled in documents; an unknown kind is a UsageError with a suggestion."""
    by_lower = {k.lower(): k for k in NEW_KINDS}
    if kind.lower() in by_lower:
        return by_lower[kind.lower()]
    if kind in WRITTEN_ELSEWHERE:
        raise UsageError(
            f"an {kind} is not written from a template", f"use {WRITTEN_ELSEWHERE[kind]}"
        )
    close = difflib.get_close_matches(kind.lower(), list(by_lower), n=1, cutoff=0.5)
    hint = f"did you mean {by_lower[close[0]]}?" if close else f"use one of: {', '.join(NEW_KINDS)}"
    raise UsageError(f"unknown kind {kind!r}", hint)


def create(request: NewRequest) -> tuple[str, str | None]:
    """Write the new document and optionally commit it; returns (path, commit id or None)."""
    kind = canonical_kind(request.kind)
    if kind == "Portfolio":
        workspace = _new_portfolio_workspace(request)
    else:
        workspace = Workspace.open(request.root, request.now)
    values = parse_assignments(kind, [a for a in request.assignments if not _template_key(kind, a)])
    values.update(request.values)
    extra = dict(request.extra)
    for assignment in request.assignments:
        if _template_key(kind, assignment):
            key, _, value = assignment.partition("=")
            extra[key.strip()] = value
    change = draft(workspace, kind, request.ident, values, extra, request.ask)
    message = f"Add {kind} {request.ident}"
    commit = workspace.save([change], commit=request.commit, message=message)
    return change.path, commit


def draft(
    workspace: Workspace,
    kind: str,
    ident: str,
    values: Mapping[str, Any],
    extra: Mapping[str, str] | None = None,
    ask: Ask | None = None,
) -> Change:
    """The text and conventional path of a new document, not yet validated nor written."""
    existing = workspace.portfolio.get(kind, ident)
    if existing is not None:
        raise UsageError(
            f"{kind} {ident!r} already exists in {existing.path}",
            "choose another id, or edit that file",
        )
    context = _context(workspace, kind, ident, extra or {})
    document = EditableDocument.parse("(new)", _render(kind, context))
    for dotted, value in values.items():
        set_path(document.data, dotted, value)
    _fill_required(kind, document, ask)
    path = conventional_path(workspace, kind, ident, document.data)
    if (workspace.root / path).exists():
        raise UsageError(f"{path} already exists", "choose another id, or edit that file")
    return Change(path, document.render())


def _template_key(kind: str, assignment: str) -> bool:
    return assignment.partition("=")[0].strip() in TEMPLATE_KEYS.get(kind, ())


def _new_portfolio_workspace(request: NewRequest) -> Workspace:
    if (request.root / "governance.yaml").exists():
        raise UsageError(
            f"{request.root / 'governance.yaml'} already exists", "a repository has one Portfolio"
        )
    repo = Repository.discover(request.root)
    empty = Portfolio(str(request.root), None, PortfolioSpec())
    workspace = Workspace(request.root, repo, empty)
    if request.now is not None:
        workspace.now = request.now.replace(microsecond=0)
    return workspace


def _context(
    workspace: Workspace, kind: str, ident: str, extra: Mapping[str, str]
) -> dict[str, Any]:
    me: str | None
    try:
        me = _person_id(workspace)
    except GovernError:
        me = None
    model, _, version = ident.partition("@")
    if kind == "ModelVersion" and not version:
        raise UsageError(
            f"a ModelVersion's id is <model>@<version>, not {ident!r}",
            f"e.g. gac new ModelVersion {ident}@1",
        )
    if kind == "ModelVersion":
        workspace.find("Model", model)
    words = re.split(r"[-_.]+", model if kind != "ModelVersion" else ident)
    return {
        "modeline": modeline(kind),
        "id": ident,
        "model": model,
        "version": version,
        "title": " ".join(words).capitalize(),
        "me": me,
        "now": workspace.now.isoformat().replace("+00:00", "Z"),
        "today": workspace.now.date().isoformat(),
        "extra": extra,
    }


def _person_id(workspace: Workspace) -> str:
    person: PersonDocument = workspace.person()
    return person.metadata.id


def yaml_scalar(value: Any) -> str:
    """A value written as YAML: plain when it reads back as the same string, else quoted."""
    if value is None:
        return "null"
    if isinstance(value, str):
        plain = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 _./@+-]*", value) and not value.endswith(" ")
        if plain and resolve_plain_scalar(value) == value and ": " not in value:
            return value
    return json.dumps(value, ensure_ascii=False)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("templates") / "new")),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # YAML, not HTML: values are quoted by the yaml filter instead
    )
    env.filters["yaml"] = yaml_scalar
    return env


def _render(kind: str, context: Mapping[str, Any]) -> str:
    try:
        return _environment().get_template(f"{kind}.yaml.j2").render(**context)
    except jinja2.TemplateNotFound as e:
        raise GovernError(
            f"the template for {kind} is missing from this installation", "reinstall govern-as-code"
        ) from e


def set_path(data: Any, dotted: str, value: Any) -> None:
    """Set `dotted` (e.g. spec.artifact.uri) in a round-trip mapping, creating mappings."""
    parts = dotted.split(".")
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if child is None:
            child = node[part] = {}
        node = child
    node[parts[-1]] = value


def _missing(kind: str, data: Any) -> list[str]:
    try:
        MODEL_BY_KIND[kind].model_validate(json.loads(json.dumps(data, default=str)))
    except ValidationError as e:
        return [
            ".".join(str(p) for p in error["loc"])
            for error in e.errors(include_url=False)
            if error["type"] == "missing"
        ]
    return []


def _fill_required(kind: str, document: EditableDocument, ask: Ask | None) -> None:
    """Ask for each required field still missing, or stop naming them all."""
    schema = MODEL_BY_KIND[kind].model_json_schema()
    for _ in range(20):  # a nested group can reveal further required fields once it exists
        missing = _missing(kind, document.data)
        if not missing:
            return
        if ask is None:
            short = [m.removeprefix("spec.") for m in missing]
            raise UsageError(
                f"{kind} needs {', '.join(missing)}; nothing was written",
                "pass " + " ".join(f"--set {m}=VALUE" for m in short),
            )
        for dotted in missing:
            set_path(document.data, dotted, typed_value(schema, dotted, ask(dotted)))


def conventional_path(workspace: Workspace, kind: str, ident: str, data: Any) -> str:
    """Where DESIGN §1 puts a document of `kind`."""
    spec = data.get("spec") or {}
    simple = {
        "Portfolio": "governance.yaml",
        "Person": f"people/{ident}.yaml",
        "Initiative": f"initiatives/{ident}.yaml",
        "Project": f"projects/{ident}/project.yaml",
        "Workflow": f"workflows/{ident}.yaml",
        "Policy": f"policies/{ident}.yaml",
        "Waiver": f"waivers/{ident}.yaml",
    }
    if kind in simple:
        return simple[kind]
    if kind == "Model":
        project = str(spec.get("project"))
        workspace.find("Project", project)
        return f"projects/{project}/models/{ident}/model.yaml"
    if kind == "ModelVersion":
        model_id, _, version = ident.partition("@")
        return version_path(workspace, model_id, version)
    if kind == "Deployment":
        return f"deployments/{spec.get('environment')}/{ident}.yaml"
    raise UsageError(
        f"there is no conventional path for {kind}", did_you_mean(workspace, kind, ident)
    )


def version_path(workspace: Workspace, model_id: str, version: str) -> str:
    """projects/<project>/models/<model>/versions/<version>.yaml, beside the model's file."""
    document = workspace.find("Model", model_id)
    if not isinstance(document.model, ModelDocument):
        raise GovernError(f"{document.path} is not a Model", "fix the file")
    folder = (
        document.path.rsplit("/", 1)[0]
        if document.path.endswith("/model.yaml")
        else (f"projects/{document.model.spec.project}/models/{model_id}")
    )
    return f"{folder}/versions/{version}.yaml"
