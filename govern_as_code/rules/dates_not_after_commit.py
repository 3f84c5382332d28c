"""A document records nothing dated after the commit that introduced it.

A date that says when something happened (a version's `created` and `lastValidated`, a drift
point's `date`, a stage's `completedOn`, a comment's `on`, a qualification's `assessedOn`, an
approval's `date`) cannot be later than the commit whose content holds it: either the date is
wrong or the commit was back-dated, and a report `--at` that commit would show the future. A
document whose working-tree content is not committed yet is compared with today instead.
Dates that look ahead (a waiver's `expires`, a key's `validBefore`, a `departedOn` announced in
advance) are not checked. The examples are judged on 2026-11-26, outside git.

Passing (the comment was written before today):

```yaml
# projects/churn.yaml
apiVersion: govern-as-code/v1
kind: Project
metadata: {id: churn}
spec:
  owner: ana
  stages:
    - id: ideation
      status: in-progress
      comments:
        - {by: ana, "on": 2026-11-02T09:00:00Z, text: First look at the data.}
```

Failing (a comment dated next year):

```yaml
# projects/churn.yaml
apiVersion: govern-as-code/v1
kind: Project
metadata: {id: churn}
spec:
  owner: ana
  stages:
    - id: ideation
      status: in-progress
      comments:
        - {by: ana, "on": 2027-01-15T09:00:00Z, text: First look at the data.}
```
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

from govern_as_code.documents.kinds import (
    ApprovalDocument,
    ModelVersionDocument,
    ProjectDocument,
)
from govern_as_code.portfolio.model import Document
from govern_as_code.problems import Problem
from govern_as_code.rules.base import NoOptions, RuleContext

ID = "dates-not-after-commit"
SUMMARY = "No date of an event in a document is later than the commit that introduced it."
KINDS = ("ModelVersion", "Project", "Approval")
Options = NoOptions

At = tuple[str | int, ...]


def check(context: RuleContext, options: NoOptions) -> Iterator[Problem]:
    introduced = context.history.introduced
    for document in context.portfolio.documents:
        committed = introduced.get(document.path)
        for at, value in _event_dates(document):
            if not _later(value, committed, context.today):
                continue
            field = ".".join(str(part) for part in at)
            against = (
                f"the commit that introduced its content, made {_show(committed)}"
                if committed is not None
                else f"today ({context.today.isoformat()}), and the file is not committed"
            )
            yield document.problem(
                ID,
                f"{document.ref} says {field} is {_show(value)}, later than {against}",
                *at,
                hint="correct the date, or commit the document when the event has happened",
                subject=document.id,
            )


def _event_dates(document: Document) -> Iterator[tuple[At, date | datetime]]:
    model = document.model
    if isinstance(model, ModelVersionDocument):
        spec = model.spec
        yield ("spec", "created"), spec.created
        if spec.lastValidated is not None:
            yield ("spec", "lastValidated"), spec.lastValidated
        for i, point in enumerate(spec.metrics.drift):
            yield ("spec", "metrics", "drift", i, "date"), point.date
    elif isinstance(model, ProjectDocument):
        q = model.spec.qualification
        if q is not None and q.assessedOn is not None:
            yield ("spec", "qualification", "assessedOn"), q.assessedOn
        for i, stage in enumerate(model.spec.stages):
            if stage.completedOn is not None:
                yield ("spec", "stages", i, "completedOn"), stage.completedOn
            for j, comment in enumerate(stage.comments):
                yield ("spec", "stages", i, "comments", j, "on"), comment.on
    elif isinstance(model, ApprovalDocument):
        yield ("spec", "date"), model.spec.date


def _later(value: date | datetime, committed: datetime | None, today: date) -> bool:
    if committed is None:
        day = value.astimezone(UTC).date() if isinstance(value, datetime) else value
        return day > today
    if isinstance(value, datetime):
        return value > committed
    # A bare date is the committer's own calendar day: their zone, not UTC.
    return value > committed.date()


def _show(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()
