"""The model registry from the command line: list, promote, register the next version."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from govern_as_code.commands.assess import GATE_RULE, LintRequest, assess
from govern_as_code.commands.authoring.files import EditableDocument, spec_of
from govern_as_code.commands.authoring.new import NewRequest, create
from govern_as_code.commands.authoring.workspace import Change, Workspace
from govern_as_code.documents.kinds import (
    ModelDocument,
    ModelVersionDocument,
    VersionStatus,
)
from govern_as_code.errors import GovernError, UsageError
from govern_as_code.gate.context import GateContext
from govern_as_code.gate.options import GateOptions
from govern_as_code.gate.verdict import evaluate
from govern_as_code.rules import drift_threshold
from govern_as_code.rules.policy import resolve_policy

STATUSES: tuple[VersionStatus, ...] = ("candidate", "challenger", "production", "retired")
PROMOTE_TO = ("production", "challenger", "retired")


@dataclass(frozen=True)
class RegistryRow:
    model: str
    version: str
    subject: str
    project: str
    risk_tier: str
    status: str
    key_metric: str  # "auc=0.84", or ""
    drift: str  # "psi=0.31 > 0.2", "psi=0.08 <= 0.2", or ""
    approvals: str  # "complete", or "missing: risk-review, final-approval"
    gate: str  # passed | blocked | "" when no protected deployment names the version

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class RegistryQuery:
    root: Path
    status: str | None = None
    project: str | None = None
    risk: str | None = None
    base: str | None = None


def registry(query: RegistryQuery) -> list[RegistryRow]:
    """Every model version with its status, key metric, drift, approvals and gate."""
    assessment = assess(LintRequest(query.root, base=query.base))
    context = assessment.context
    policy = resolve_policy(context.trust)
    gate_setting = policy.get(GATE_RULE)
    options = (
        GateOptions.model_validate(dict(gate_setting.options)) if gate_setting else GateOptions()
    )
    drift_setting = policy.get(drift_threshold.ID)
    drift_options = drift_threshold.Options.model_validate(
        dict(drift_setting.options) if drift_setting else {}
    )
    gates = {g.subject: g.passed for g in assessment.report.gates}
    rows = []
    for _, version in context.portfolio.models("ModelVersion", ModelVersionDocument):
        spec = version.spec
        model_doc = context.portfolio.get("Model", spec.model)
        model = (
            model_doc.model if model_doc and isinstance(model_doc.model, ModelDocument) else None
        )
        row = RegistryRow(
            spec.model,
            spec.version,
            version.metadata.id,
            model.spec.project if model else "",
            model.spec.riskTier if model else "",
            spec.status,
            _key_metric(version),
            _drift(version, drift_options),
            _approvals(context, version.metadata.id, model, options),
            ""
            if version.metadata.id not in gates
            else "passed"
            if gates[version.metadata.id]
            else "blocked",
        )
        if _wanted(row, query):
            rows.append(row)
    return sorted(rows, key=lambda r: (r.model, _version_key(r.version)))


def _wanted(row: RegistryRow, query: RegistryQuery) -> bool:
    return (
        (query.status is None or row.status == query.status)
        and (query.project is None or row.project == query.project)
        and (query.risk is None or row.risk_tier == query.risk)
    )


def _version_key(version: str) -> tuple[int, str]:
    return (int(version), "") if version.isdigit() else (10**9, version)


def _key_metric(version: ModelVersionDocument) -> str:
    performance = version.spec.metrics.performance
    if not performance:
        return ""
    name, value = next(iter(performance.items()))
    return f"{name}={value:g}"


def _drift(version: ModelVersionDocument, options: drift_threshold.Options) -> str:
    drift = version.spec.metrics.drift
    if not drift:
        return ""
    _, latest = max(enumerate(drift), key=lambda item: (item[1].date, item[0]))
    parts = []
    for name, value in latest.values.items():
        limit = options.metrics.get(name, options.threshold)
        parts.append(f"{name}={value:g} {'>' if value > limit else '<='} {limit:g}")
    return ", ".join(parts)


def _approvals(
    context: GateContext, subject: str, model: ModelDocument | None, options: GateOptions
) -> str:
    """ "complete" when the gate would pass; else the required roles nobody fills yet."""
    verdict = evaluate(context, subject, options)
    if verdict.passed:
        return "complete"
    roles = options.roles.get(model.spec.riskTier, []) if model else []
    missing = [r for r in (*roles, options.finalRole) if r not in verdict.assignment]
    missing += [r for r in verdict.missing_roles if r not in missing]
    return f"missing: {', '.join(missing)}" if missing else "blocked: " + "; ".join(verdict.reasons)


@dataclass(frozen=True)
class PromoteRequest:
    root: Path
    subject: str
    to: str
    commit: bool = False
    now: datetime | None = None


def promote(request: PromoteRequest) -> tuple[list[tuple[str, str, str]], str | None]:
    """Set a version's status; to production, the current production version is retired in
    the same change. Returns [(subject, old status, new status)] and the commit id."""
    if request.to not in PROMOTE_TO:
        raise UsageError(
            f"cannot promote to {request.to!r}", f"use one of: {', '.join(PROMOTE_TO)}"
        )
    workspace = Workspace.open(request.root, request.now)
    if "@" not in request.subject:
        raise UsageError(
            f"{request.subject!r} is not model@version",
            "e.g. gac promote churn-xgb@3 --to production",
        )
    target = workspace.find("ModelVersion", request.subject)
    assert isinstance(target.model, ModelVersionDocument)
    if target.model.spec.status == request.to:
        raise UsageError(f"{request.subject} is already {request.to}", "nothing to do")
    moves = [(target, request.to)]
    if request.to == "production":
        for other, version in workspace.portfolio.models("ModelVersion", ModelVersionDocument):
            same_model = version.spec.model == target.model.spec.model
            if same_model and other.path != target.path and version.spec.status == "production":
                moves.append((other, "retired"))
    changes, summary = [], []
    for document, status in moves:
        edit = EditableDocument.read(workspace.root, document.path)
        old = str(spec_of(edit).get("status", "candidate"))
        spec_of(edit)["status"] = status
        changes.append(Change(document.path, edit.render()))
        summary.append((document.id, old, status))
    message = f"Promote {request.subject} to {request.to}" + "".join(
        f"; {s} {old} -> {new}" for s, old, new in summary[1:]
    )
    commit = workspace.save(changes, commit=request.commit, message=message)
    return summary, commit


@dataclass(frozen=True)
class VersionRequest:
    root: Path
    model: str
    artifact: str
    digest: str | None = None
    artifact_file: Path | None = None
    code_ref: str | None = None
    data_ref: str | None = None
    metrics: Sequence[str] = ()
    commit: bool = False
    now: datetime | None = None


def file_digest(path: Path) -> str:
    """sha256:<hex> of a file, read in chunks so a large artifact never sits in memory."""
    hasher = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                hasher.update(chunk)
    except OSError as e:
        raise GovernError(
            f"cannot read the artifact file {path}: {e.strerror}", "check the path"
        ) from e
    return "sha256:" + hasher.hexdigest()


def next_version(workspace: Workspace, model: str) -> str:
    """One more than the highest numbered version of `model` (1 for its first)."""
    workspace.find("Model", model)
    numbers = [
        int(v.spec.version)
        for _, v in workspace.portfolio.models("ModelVersion", ModelVersionDocument)
        if v.spec.model == model and v.spec.version.isdigit()
    ]
    return str(max(numbers, default=0) + 1)


def new_version(request: VersionRequest) -> tuple[str, str, str | None]:
    """Register the next version of a model; returns (subject, path, commit id)."""
    if (request.digest is None) == (request.artifact_file is None):
        raise UsageError(
            "give exactly one of --digest and --artifact-file",
            "--artifact-file PATH hashes the artifact for you",
        )
    digest = request.digest
    if request.artifact_file is not None:
        digest = file_digest(request.artifact_file)
    workspace = Workspace.open(request.root, request.now)
    subject = f"{request.model}@{next_version(workspace, request.model)}"
    assignments = [f"artifact.uri={request.artifact}", f"artifact.digest={digest}"]
    if request.code_ref:
        assignments.append(f"codeRef={request.code_ref}")
    if request.data_ref:
        assignments.append(f"dataRef={request.data_ref}")
    for metric in request.metrics:
        name, sep, value = metric.partition("=")
        if not sep:
            raise UsageError(f"--metric {metric!r} is not name=value", "e.g. --metric auc=0.91")
        assignments.append(f"metrics.performance.{name}={value}")
    path, commit = create(
        NewRequest(
            request.root,
            "ModelVersion",
            subject,
            assignments,
            commit=request.commit,
            now=request.now,
        )
    )
    return subject, path, commit
