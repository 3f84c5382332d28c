"""A project completes its stages in the order its workflow sets.

A stage may be `complete` only when every stage it requires is complete. What a stage requires
is its workflow stage's `requires:` list; a workflow stage without `requires:` requires the stage
before it in the workflow (write `requires: []` for a stage that may run in parallel). A project
stage whose id is not in the project's workflow is reported, and so is a `complete` stage that
does not say who completed it and when (`completedBy`, `completedOn`).

Given:

```yaml
# workflows/standard.yaml
apiVersion: govern-as-code/v1
kind: Workflow
metadata: {id: standard}
spec:
  stages:
    - {id: ideation, title: Ideation}
    - {id: qualification, title: Qualification}
```

Passing:

```yaml
# projects/churn.yaml
apiVersion: govern-as-code/v1
kind: Project
metadata: {id: churn}
spec:
  owner: ana
  workflow: standard
  stages:
    - {id: ideation, status: complete, completedBy: ana, completedOn: 2026-03-01}
    - {id: qualification, status: in-progress}
```

Failing (`qualification` is complete but `ideation`, which it requires, is not):

```yaml
# projects/churn.yaml
apiVersion: govern-as-code/v1
kind: Project
metadata: {id: churn}
spec:
  owner: ana
  workflow: standard
  stages:
    - {id: ideation, status: in-progress}
    - {id: qualification, status: complete, completedBy: ana, completedOn: 2026-03-01}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from govern_as_code.documents.kinds import ProjectDocument, StageState, WorkflowDocument
from govern_as_code.portfolio import Document
from govern_as_code.problems import Problem
from govern_as_code.rules.base import NoOptions, RuleContext

ID = "stage-order"
SUMMARY = "No stage is complete before the stages its workflow requires."
KINDS = ("Project",)
Options = NoOptions


def check(context: RuleContext, options: NoOptions) -> Iterator[Problem]:
    for document, project in context.portfolio.models("Project", ProjectDocument):
        workflow = None
        if project.spec.workflow is not None:
            found = context.portfolio.get("Workflow", project.spec.workflow)
            if found is not None and isinstance(found.model, WorkflowDocument):
                workflow = found.model
        yield from _signatures(document, project)
        # A missing workflow is references-resolve's finding; order cannot be checked without it.
        if workflow is not None:
            yield from _order(document, project, workflow)


def _signatures(document: Document, project: ProjectDocument) -> Iterator[Problem]:
    for index, stage in enumerate(project.spec.stages):
        if stage.status != "complete":
            continue
        missing = [
            name
            for name, value in (
                ("completedBy", stage.completedBy),
                ("completedOn", stage.completedOn),
            )
            if value is None
        ]
        if missing:
            yield document.problem(
                ID,
                f"stage {stage.id!r} is complete but has no {' or '.join(missing)}",
                "spec",
                "stages",
                index,
                hint=f"add {' and '.join(missing)} to the stage: who completed it and when",
            )


def _requirements(workflow: WorkflowDocument) -> dict[str, list[str]]:
    """What each workflow stage requires: its own `requires:`, else the stage before it."""
    required: dict[str, list[str]] = {}
    previous: str | None = None
    for stage in workflow.spec.stages:
        if "requires" in stage.model_fields_set:
            required[stage.id] = list(stage.requires)
        else:
            required[stage.id] = [previous] if previous is not None else []
        previous = stage.id
    return required


def _order(
    document: Document, project: ProjectDocument, workflow: WorkflowDocument
) -> Iterator[Problem]:
    required = _requirements(workflow)
    states: dict[str, StageState] = {}
    for stage in project.spec.stages:
        states.setdefault(stage.id, stage)
    for index, stage in enumerate(project.spec.stages):
        if stage.id not in required:
            yield document.problem(
                ID,
                f"stage {stage.id!r} is not a stage of workflow {workflow.metadata.id!r}",
                "spec",
                "stages",
                index,
                "id",
                hint=f"use one of the workflow's stages: {', '.join(required)}",
            )
            continue
        if stage.status != "complete":
            continue
        pending = [
            r for r in required[stage.id] if r not in states or states[r].status != "complete"
        ]
        if pending:
            described = ", ".join(
                f"{r!r} ({states[r].status if r in states else 'not listed'})" for r in pending
            )
            yield document.problem(
                ID,
                f"stage {stage.id!r} is complete but the stage{'s' if len(pending) > 1 else ''}"
                f" it requires {'are' if len(pending) > 1 else 'is'} not: {described}",
                "spec",
                "stages",
                index,
                hint=f"complete {', '.join(pending)} first, or set {stage.id!r} back to"
                " in-progress",
            )
