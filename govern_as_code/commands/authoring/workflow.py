"""`gac stage`, `gac comment` and `gac qualify`: round-trip edits of a Project document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from govern_as_code.commands.authoring.files import EditableDocument, spec_of
from govern_as_code.commands.authoring.workspace import Change, Workspace
from govern_as_code.documents.kinds import ProjectDocument, WorkflowDocument
from govern_as_code.errors import GovernError, UsageError

ACTIONS = ("complete", "start", "reopen")


@dataclass(frozen=True)
class StageRequest:
    root: Path
    project: str
    stage: str
    action: str  # complete | start | reopen
    comment: str = ""
    commit: bool = False
    now: datetime | None = None


@dataclass(frozen=True)
class CommentRequest:
    root: Path
    project: str
    stage: str | None
    text: str
    commit: bool = False
    now: datetime | None = None


@dataclass(frozen=True)
class QualifyRequest:
    root: Path
    project: str
    value: int
    risk: int
    feasibility: int
    notes: str = ""
    draft: bool = False
    commit: bool = False
    now: datetime | None = None


def _stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _project(workspace: Workspace, ident: str) -> tuple[ProjectDocument, EditableDocument]:
    document = workspace.find("Project", ident)
    assert isinstance(document.model, ProjectDocument)
    return document.model, EditableDocument.read(workspace.root, document.path)


def _workflow(workspace: Workspace, project: ProjectDocument) -> WorkflowDocument:
    if project.spec.workflow is None:
        raise GovernError(
            f"project {project.metadata.id!r} names no workflow, so it has no stages",
            f"set one: add `workflow: <id>` to its spec (known: {_ids(workspace, 'Workflow')})",
        )
    found = workspace.find("Workflow", project.spec.workflow)
    assert isinstance(found.model, WorkflowDocument)
    return found.model


def _ids(workspace: Workspace, kind: str) -> str:
    return ", ".join(sorted(d.id for d in workspace.portfolio.of_kind(kind))) or "none"


def _stage_entry(edit: EditableDocument, workflow: WorkflowDocument, stage: str) -> Any:
    """The project's entry for `stage`, added in workflow order when the project lacks it."""
    order = [s.id for s in workflow.spec.stages]
    if stage not in order:
        import difflib

        close = difflib.get_close_matches(stage, order, n=1)
        hint = f"did you mean {close[0]}?" if close else f"use one of: {', '.join(order)}"
        raise UsageError(f"workflow {workflow.metadata.id!r} has no stage {stage!r}", hint)
    spec = spec_of(edit)
    if spec.get("stages") is None:
        spec["stages"] = []
    stages = spec["stages"]
    for entry in stages:
        if entry.get("id") == stage:
            return entry
    position = sum(1 for e in stages if e.get("id") in order[: order.index(stage)])
    stages.insert(position, {"id": stage, "status": "not-started"})
    return stages[position]


def change_stage(request: StageRequest) -> tuple[str, str | None]:
    """Start, complete or reopen a stage, recording who and when; returns (path, commit)."""
    if request.action not in ACTIONS:
        raise UsageError(
            f"unknown stage action {request.action!r}", "use --complete, --start or --reopen"
        )
    workspace = Workspace.open(request.root, request.now)
    project, edit = _project(workspace, request.project)
    workflow = _workflow(workspace, project)
    me = workspace.person().metadata.id
    entry = _stage_entry(edit, workflow, request.stage)
    status = entry.get("status")
    if request.action == "complete":
        _require_done(project, workflow, request.stage)
        if status == "complete":
            raise UsageError(
                f"stage {request.stage!r} is already complete", "reopen it first with --reopen"
            )
        entry["status"] = "complete"
        entry["completedBy"] = me
        entry["completedOn"] = _stamp(workspace.now)
    elif request.action == "start":
        if status == "complete":
            raise UsageError(
                f"stage {request.stage!r} is complete", "use --reopen to work on it again"
            )
        entry["status"] = "in-progress"
    else:
        if status != "complete":
            raise UsageError(f"stage {request.stage!r} is {status}, not complete", "use --start")
        entry["status"] = "in-progress"
        for key in ("completedBy", "completedOn"):
            entry.pop(key, None)
    default = {"start": "Started.", "reopen": "Reopened.", "complete": ""}[request.action]
    if request.comment or default:
        _append_comment(entry, me, workspace.now, request.comment or default)
    verb = {"complete": "Complete", "start": "Start", "reopen": "Reopen"}[request.action]
    message = f"{verb} stage {request.stage} of {request.project}"
    commit = workspace.save(
        [Change(edit.path, edit.render())], commit=request.commit, message=message
    )
    return edit.path, commit


def _require_done(project: ProjectDocument, workflow: WorkflowDocument, stage: str) -> None:
    states = {s.id: s.status for s in project.spec.stages}
    needed = next(s for s in workflow.spec.stages if s.id == stage).requires
    if not needed:
        order = [s.id for s in workflow.spec.stages]
        needed = order[order.index(stage) - 1 : order.index(stage)]  # the one before it
    open_ = [f"{r} ({states.get(r, 'not-started')})" for r in needed if states.get(r) != "complete"]
    if open_:
        first = open_[0].split(" ")[0]
        raise GovernError(
            f"stage {stage!r} of {project.metadata.id!r} requires {', '.join(open_)}",
            f"complete it first: gac stage {project.metadata.id} {first} --complete",
        )


def _append_comment(entry: Any, person: str, moment: datetime, text: str) -> None:
    if entry.get("comments") is None:
        entry["comments"] = []
    entry["comments"].append({"by": person, "on": _stamp(moment), "text": text})


def add_comment(request: CommentRequest) -> tuple[str, str | None]:
    """Comment on a stage (by default the first stage that is not complete)."""
    if not request.text.strip():
        raise UsageError("the comment is empty", 'say something: -m "..."')
    workspace = Workspace.open(request.root, request.now)
    project, edit = _project(workspace, request.project)
    workflow = _workflow(workspace, project)
    states = {s.id: s.status for s in project.spec.stages}
    order = [s.id for s in workflow.spec.stages]
    stage = request.stage or next((s for s in order if states.get(s) != "complete"), order[-1])
    entry = _stage_entry(edit, workflow, stage)
    _append_comment(entry, workspace.person().metadata.id, workspace.now, request.text)
    message = f"Comment on stage {stage} of {request.project}"
    commit = workspace.save(
        [Change(edit.path, edit.render())], commit=request.commit, message=message
    )
    return edit.path, commit


def qualify(request: QualifyRequest) -> tuple[str, str | None]:
    """Record the project's qualification (value, risk, feasibility), possibly as a draft."""
    for name, score in (
        ("value", request.value),
        ("risk", request.risk),
        ("feasibility", request.feasibility),
    ):
        if not 1 <= score <= 5:
            raise UsageError(
                f"--{name} is {score}, outside 1 to 5", f"give --{name} a score from 1 to 5"
            )
    workspace = Workspace.open(request.root, request.now)
    _, edit = _project(workspace, request.project)
    spec = spec_of(edit)
    qualification = spec.get("qualification")
    if qualification is None:
        qualification = spec["qualification"] = {}
    qualification["value"] = request.value
    qualification["risk"] = request.risk
    qualification["feasibility"] = request.feasibility
    qualification["assessedBy"] = workspace.person().metadata.id
    qualification["assessedOn"] = workspace.now.date().isoformat()
    if request.notes:
        qualification["notes"] = request.notes
    if request.draft:
        qualification["draft"] = True
    else:
        qualification.pop("draft", None)
    kind = "draft qualification" if request.draft else "qualification"
    message = f"Record the {kind} of {request.project}"
    commit = workspace.save(
        [Change(edit.path, edit.render())], commit=request.commit, message=message
    )
    return edit.path, commit
