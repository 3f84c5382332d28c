"""A production model version is revalidated on time.

When a Model sets `revalidateEveryDays`, each of its versions with `status: production` must
have been validated within that many days: its `lastValidated` date (or, when it has none, the
date it was `created`) plus `revalidateEveryDays` is the due date. A version still unvalidated
`graceDays` (option, default 0) after its due date is reported, with the days overdue. The
examples are judged on 2026-11-26.

Given (revalidated every 180 days):

```yaml
# projects/churn/models/churn-xgb/model.yaml
apiVersion: govern-as-code/v1
kind: Model
metadata: {id: churn-xgb}
spec: {project: churn, task: classification, riskTier: high, revalidateEveryDays: 180}
```

Passing (validated 2026-09-01: due 2027-02-28):

```yaml
# projects/churn/models/churn-xgb/versions/3.yaml
apiVersion: govern-as-code/v1
kind: ModelVersion
metadata: {id: churn-xgb@3}
spec:
  model: churn-xgb
  version: "3"
  created: 2025-06-10T09:00:00Z
  createdBy: ana
  artifact:
    uri: s3://models/churn-xgb/3
    digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
  status: production
  lastValidated: 2026-09-01
```

Failing (validated 2025-09-03: due 2026-03-02, long past):

```yaml
# projects/churn/models/churn-xgb/versions/3.yaml
apiVersion: govern-as-code/v1
kind: ModelVersion
metadata: {id: churn-xgb@3}
spec:
  model: churn-xgb
  version: "3"
  created: 2025-06-10T09:00:00Z
  createdBy: ana
  artifact:
    uri: s3://models/churn-xgb/3
    digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
  status: production
  lastValidated: 2025-09-03
```
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from govern_as_code.documents.kinds import ModelDocument, ModelVersionDocument
from govern_as_code.problems import Problem
from govern_as_code.rules.base import RuleContext

ID = "revalidation-due"
SUMMARY = "A production model version is revalidated within its model's revalidateEveryDays."
KINDS = ("ModelVersion",)


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    graceDays: int = Field(default=0, ge=0)
    """Days past the due date before an overdue revalidation is reported."""


def check(context: RuleContext, options: Options) -> Iterator[Problem]:
    portfolio = context.portfolio
    for document, version in portfolio.models("ModelVersion", ModelVersionDocument):
        if version.spec.status != "production":
            continue
        found = portfolio.get("Model", version.spec.model)
        if found is None or not isinstance(found.model, ModelDocument):
            continue  # references-resolve reports the missing model
        every = found.model.spec.revalidateEveryDays
        if every is None:
            continue
        if version.spec.lastValidated is not None:
            basis, what, at = version.spec.lastValidated, "last validated", "lastValidated"
        else:
            basis, what, at = version.spec.created.date(), "never validated; created", "created"
        due = basis + timedelta(days=every)
        overdue = (context.today - due).days
        if overdue > options.graceDays:
            yield document.problem(
                ID,
                f"{document.id} is {overdue} day{'s' if overdue != 1 else ''} overdue for"
                f" revalidation: {what} on {basis.isoformat()}, and {found.id} requires it"
                f" every {every} days, so it was due on {due.isoformat()}",
                "spec",
                at,
                hint="revalidate the version and set spec.lastValidated to the date of the"
                " validation, or retire it",
                subject=document.id,
            )
