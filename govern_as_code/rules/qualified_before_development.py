"""A project is qualified before development starts.

Once a project's `development` stage (option `stage`), or any stage after `qualification` in
its workflow, is in progress or complete, the project must carry a `spec.qualification` (value,
risk and feasibility, each 1 to 5) and its `qualification` stage must be complete, when its
workflow or its stage list has one.

Given:

```yaml
# workflows/standard.yaml
apiVersion: govern-as-code/v1
kind: Workflow
metadata: {id: standard}
spec:
  stages:
    - {id: qualification, title: Qualification}
    - {id: development, title: Development}
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
  qualification: {value: 4, risk: 2, feasibility: 3, assessedBy: ana}
  stages:
    - {id: qualification, status: complete, completedBy: ana, completedOn: 2026-03-01}
    - {id: development, status: in-progress}
```

Failing (development has started, but nobody qualified the project):

```yaml
# projects/churn.yaml
apiVersion: govern-as-code/v1
kind: Project
metadata: {id: churn}
spec:
  owner: ana
  workflow: standard
  stages:
    - {id: qualification, status: in-progress}
    - {id: development, status: in-progress}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict

from govern_as_code.documents.kinds import ProjectDocument, WorkflowDocument
from govern_as_code.portfolio import Portfolio
from govern_as_code.problems import Problem
from govern_as_code.rules.base import RuleContext

ID = "qualified-before-development"
SUMMARY = "A project is qualified before its development stage starts."
KINDS = ("Project",)
QUALIFICATION = "qualification"
STARTED = ("in-progress", "complete")


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage: str = "development"
    """The stage that may not start before the project is qualified."""


def check(context: RuleContext, options: Options) -> Iterator[Problem]:
    for document, project in context.portfolio.models("Project", ProjectDocument):
        order = _workflow_order(context.portfolio, project)
        gated = set(order[order.index(QUALIFICATION) + 1 :]) if QUALIFICATION in order else set()
        gated.add(options.stage)
        gated.discard(QUALIFICATION)  # the qualification stage itself is never gated
        started = next(
            (
                (i, s)
                for i, s in enumerate(project.spec.stages)
                if s.id in gated and s.status in STARTED
            ),
            None,
        )
        if started is None:
            continue
        index, stage = started
        at = ("spec", "stages", index, "status")
        qualification = project.spec.qualification
        if qualification is None or qualification.draft:
            yield document.problem(
                ID,
                f"stage {stage.id!r} is {stage.status} but project {document.id!r} has"
                f" {'only a draft' if qualification else 'no'} qualification",
                *at,
                hint="add spec.qualification with value, risk and feasibility (each 1 to 5),"
                " e.g. {value: 4, risk: 2, feasibility: 3, assessedBy: <person>}",
            )
        states = {s.id: s.status for s in project.spec.stages}
        if QUALIFICATION in order or QUALIFICATION in states:
            status = states.get(QUALIFICATION, "not listed")
            if status != "complete":
                yield document.problem(
                    ID,
                    f"stage {stage.id!r} is {stage.status} but the {QUALIFICATION!r} stage is"
                    f" {status}",
                    *at,
                    hint=f"complete the {QUALIFICATION!r} stage (with completedBy and"
                    f" completedOn) first, or set {stage.id!r} back to not-started",
                )


def _workflow_order(portfolio: Portfolio, project: ProjectDocument) -> list[str]:
    if project.spec.workflow is None:
        return []
    found = portfolio.get("Workflow", project.spec.workflow)
    if found is None or not isinstance(found.model, WorkflowDocument):
        return []
    return [stage.id for stage in found.model.spec.stages]
