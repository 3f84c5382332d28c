"""`gac import mlflow --tracking-uri URI [--model NAME]`: registered models and versions read
through the real MLflow client: each version's source-run metrics, aliases (`champion` ->
production, `challenger` -> challenger), tags and descriptions."""

from __future__ import annotations

import difflib
import hashlib
import os
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from govern_as_code.commands.authoring.files import EditableDocument, spec_of
from govern_as_code.commands.authoring.workspace import Change, Workspace
from govern_as_code.commands.imports.upsert import (
    ImportedModel,
    ImportedVersion,
    ImportTarget,
    plan,
    slug,
)
from govern_as_code.documents.kinds import ModelVersionDocument
from govern_as_code.errors import GovernError, UsageError

ALIAS_STATUS = {"champion": "production", "challenger": "challenger"}
DIGEST_TAGS = ("digest", "sha256")


@dataclass(frozen=True)
class MlflowImport:
    root: Path
    tracking_uri: str
    model: str | None = None
    project: str | None = None
    risk_tier: str | None = None
    task: str | None = None
    commit: bool = False
    now: datetime | None = None
    progress: Callable[[int, int], None] | None = None  # (done, total), for a terminal's bar


@contextmanager
def _mlflow_calls(uri: str) -> Iterator[None]:
    """MLflow's own warnings stay quiet, and any failure of the server stops the import."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    except GovernError:
        raise
    except Exception as e:
        detail = str(e).strip().splitlines()[0][:300] if str(e).strip() else type(e).__name__
        raise GovernError(
            f"cannot read the MLflow registry at {uri}: {detail}; nothing was written",
            "check --tracking-uri and that the tracking server is up and answers",
        ) from e


def _client(uri: str) -> Any:
    try:
        from mlflow import MlflowClient
    except ImportError as e:
        raise GovernError(
            "importing from MLflow needs the MLflow client",
            "install it: pip install 'govern-as-code[mlflow]'",
        ) from e
    # Fail fast on an unreachable server instead of MLflow's minutes of retries.
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "20")
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def read_models(request: MlflowImport) -> list[tuple[Any, list[Any], dict[str, dict[str, float]]]]:
    """(registered model, its versions, metrics by run id), all read before anything is written."""
    with _mlflow_calls(request.tracking_uri):
        client = _client(request.tracking_uri)
        models = list(client.search_registered_models())
        if request.model is not None:
            chosen = [m for m in models if m.name == request.model]
            if not chosen:
                names = [m.name for m in models]
                close = difflib.get_close_matches(request.model, names, n=3)
                hint = (
                    f"did you mean {', '.join(close)}?"
                    if close
                    else f"known: {', '.join(names) or 'none'}"
                )
                raise UsageError(f"MLflow has no registered model {request.model!r}", hint)
            models = chosen
        found = []
        for done, model in enumerate(models, 1):
            name = model.name.replace("'", "\\'")
            versions = sorted(
                client.search_model_versions(f"name='{name}'"), key=lambda v: int(v.version)
            )
            metrics = {
                v.run_id: dict(client.get_run(v.run_id).data.metrics) for v in versions if v.run_id
            }
            found.append((model, versions, metrics))
            if request.progress is not None:
                request.progress(done, len(models))
    return found


def _digest(version: Any, uri: str) -> str:
    tags = dict(version.tags or {})
    for tag in DIGEST_TAGS:
        value = str(tags.get(tag, ""))
        if value:
            return value if value.startswith("sha256:") else f"sha256:{value}"
    # No digest recorded in MLflow: bind the registry's identity of the version instead.
    identity = (
        f"mlflow\n{uri}\n{version.name}\n{version.version}\n{version.run_id}\n{version.source}"
    )
    return "sha256:" + hashlib.sha256(identity.encode()).hexdigest()


def _labels(tags: dict[str, Any]) -> dict[str, str]:
    return {slug(k): str(v) for k, v in sorted(tags.items()) if not k.startswith("mlflow.")}


def _statuses(
    workspace: Workspace, ident: str, versions: list[Any], aliases: dict[str, Any]
) -> dict[str, str | None]:
    by_version = {str(v): ALIAS_STATUS[a] for a, v in aliases.items() if a in ALIAS_STATUS}
    statuses: dict[str, str | None] = {
        str(v.version): by_version.get(str(v.version)) for v in versions
    }
    if "production" in by_version.values():
        # The champion moved: a version this portfolio still has in production retires.
        for _, local in workspace.portfolio.models("ModelVersion", ModelVersionDocument):
            spec = local.spec
            if (
                spec.model == ident
                and spec.status == "production"
                and statuses.get(spec.version) is None
            ):
                statuses[spec.version] = "retired"
    return statuses


def _created(timestamp: Any) -> str | None:
    if not timestamp:
        return None
    moment = datetime.fromtimestamp(int(timestamp) / 1000, UTC).replace(microsecond=0)
    return moment.isoformat().replace("+00:00", "Z")


def import_mlflow(request: MlflowImport) -> tuple[list[str], str | None]:
    """Create or update a Model per registered model and a ModelVersion per version."""
    found = read_models(request)
    workspace = Workspace.open(request.root, request.now)
    target = ImportTarget(request.project, request.risk_tier)
    uri = request.tracking_uri
    changes = []
    for model, versions, metrics in found:
        ident = slug(model.name)
        tags = dict(model.tags or {})
        statuses = _statuses(workspace, ident, versions, dict(model.aliases or {}))
        imported = [
            ImportedVersion(
                str(v.version),
                artifact_uri=str(v.source),
                digest=_digest(v, uri),
                performance=metrics.get(v.run_id, {}),
                status=statuses.get(str(v.version)),
                source={
                    "type": "mlflow",
                    "uri": uri,
                    "version": str(v.version),
                    **({"runId": str(v.run_id)} if v.run_id else {}),
                },
                description=v.description or None,
                created=_created(v.creation_timestamp),
            )
            for v in versions
        ]
        retired = [
            ImportedVersion(version, "", "", status="retired")
            for version, status in statuses.items()
            if status == "retired" and version not in {i.version for i in imported}
        ]
        source = {"type": "mlflow", "uri": f"{uri}#/models/{model.name}"}
        task = str(tags.get("task") or request.task or "") or None
        entry = ImportedModel(
            ident, task, source, model.description or None, _labels(tags), tuple(imported)
        )
        changes.extend(plan(workspace, entry, target))
        changes.extend(_retire(workspace, ident, retired))
    if not changes:
        return [], None
    message = f"Import {len(found)} model(s) from MLflow"
    commit = workspace.save(changes, commit=request.commit, message=message)
    return [c.path for c in changes], commit


def _retire(workspace: Workspace, ident: str, versions: list[ImportedVersion]) -> list[Change]:
    changes = []
    for version in versions:
        document = workspace.find("ModelVersion", f"{ident}@{version.version}")
        edit = EditableDocument.read(workspace.root, document.path)
        spec_of(edit)["status"] = "retired"
        changes.append(Change(document.path, edit.render()))
    return changes
