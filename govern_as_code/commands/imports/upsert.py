"""Turning an imported model into new or updated documents, as one validated change."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from govern_as_code.commands.authoring.files import EditableDocument, check_text, with_document
from govern_as_code.commands.authoring.new import draft
from govern_as_code.commands.authoring.workspace import Change, Workspace
from govern_as_code.errors import UsageError


@dataclass(frozen=True)
class ImportedVersion:
    version: str
    artifact_uri: str
    digest: str
    performance: dict[str, float] = field(default_factory=dict)
    status: str | None = None  # None keeps the current status (candidate when new)
    source: dict[str, str] = field(default_factory=dict)  # type, uri, version, runId
    description: str | None = None
    created: str | None = None  # ISO 8601; the import's time when None


@dataclass(frozen=True)
class ImportedModel:
    ident: str
    task: str | None
    source: dict[str, str]
    description: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    versions: tuple[ImportedVersion, ...] = ()


@dataclass(frozen=True)
class ImportTarget:
    """Where new models go; both only matter for a model that does not exist yet."""

    project: str | None = None
    risk_tier: str | None = None


def slug(text: str) -> str:
    """A document id from a foreign name: `Churn Model/v2` -> `churn-model-v2`."""
    found = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not found:
        raise UsageError(f"{text!r} gives no usable id", "name the model with --model")
    return found


def plan(workspace: Workspace, model: ImportedModel, target: ImportTarget) -> list[Change]:
    """The changes that bring `model` and its versions into the portfolio."""
    changes = [_model_change(workspace, model, target)]
    _register(workspace, changes[-1])
    for version in model.versions:
        changes.append(_version_change(workspace, model.ident, version))
        _register(workspace, changes[-1])
    return [c for c in changes if _differs(workspace, c)]


def _register(workspace: Workspace, change: Change) -> None:
    # Later documents (a version beside its new model) must see the earlier ones.
    document = check_text(workspace.portfolio, change.path, change.text)
    workspace.portfolio = with_document(workspace.portfolio, document)


def _differs(workspace: Workspace, change: Change) -> bool:
    target = workspace.root / change.path
    return not target.is_file() or target.read_text("utf-8") != change.text


def _model_change(workspace: Workspace, model: ImportedModel, target: ImportTarget) -> Change:
    existing = workspace.portfolio.get("Model", model.ident)
    if existing is None:
        missing = [
            flag
            for flag, value in (("--project", target.project), ("--risk", target.risk_tier))
            if value is None
        ]
        if missing or not model.task:
            need = missing + ([] if model.task else ["--task"])
            raise UsageError(
                f"model {model.ident!r} is new, so it needs {', '.join(need)}",
                f"pass {' '.join(f'{n} VALUE' for n in need)} (a re-import keeps them)",
            )
        values: dict[str, Any] = {
            "spec.project": target.project,
            "spec.task": model.task,
            "spec.riskTier": target.risk_tier,
            "spec.source": dict(model.source),
        }
        if model.description:
            values["metadata.description"] = model.description
        values.update({f"metadata.labels.{k}": v for k, v in model.labels.items()})
        return draft(workspace, "Model", model.ident, values)
    edit = EditableDocument.read(workspace.root, existing.path)
    _merge(edit.data.setdefault("spec", {}), "source", model.source)
    if model.description:
        edit.data["metadata"]["description"] = model.description
    if model.labels:
        _merge(edit.data["metadata"], "labels", model.labels)
    return Change(existing.path, edit.render())


def _merge(parent: Any, key: str, values: dict[str, str]) -> None:
    if parent.get(key) is None:
        parent[key] = {}
    for name, value in values.items():
        if parent[key].get(name) != value:
            parent[key][name] = value


def _version_change(workspace: Workspace, model: str, version: ImportedVersion) -> Change:
    subject = f"{model}@{version.version}"
    existing = workspace.portfolio.get("ModelVersion", subject)
    if existing is None:
        values: dict[str, Any] = {
            "spec.artifact.uri": version.artifact_uri,
            "spec.artifact.digest": version.digest,
            "spec.metrics.performance": dict(version.performance),
            "spec.source": dict(version.source),
        }
        if version.status:
            values["spec.status"] = version.status
        if version.created:
            values["spec.created"] = version.created
        if version.description:
            values["metadata.description"] = version.description
        return draft(workspace, "ModelVersion", subject, values)
    edit = EditableDocument.read(workspace.root, existing.path)
    spec = edit.data["spec"]
    _merge(spec, "artifact", {"uri": version.artifact_uri, "digest": version.digest})
    _merge(spec, "source", version.source)
    if spec.get("metrics") is None:
        spec["metrics"] = {}
    if dict(spec["metrics"].get("performance") or {}) != version.performance:
        spec["metrics"]["performance"] = dict(version.performance)
    if version.status and spec.get("status") != version.status:
        spec["status"] = version.status
    if version.description and edit.data["metadata"].get("description") != version.description:
        edit.data["metadata"]["description"] = version.description
    return Change(existing.path, edit.render())
