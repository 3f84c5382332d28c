"""A production model version is revalidated on time.

When a Model sets `revalidateEveryDays`, each of its versions with `status: production` must
have been validated within that many days: its `lastValidated` date (or, when it has none, the
date it was `created`) plus `revalidateEveryDays` is the due date. A version still unvalidated
`graceDays` (option, default 0) after its due date is reported, with the days overdue.

Passing (validated 2026-06-01, every 365 days: due 2027-06-01)::

    kind: ModelVersion
    spec:
      model: churn-xgb
      status: production
      lastValidated: 2026-06-01

Failing (the model says `revalidateEveryDays: 180`; due 2026-03-02, long past)::

    kind: ModelVersion
    spec:
      model: churn-xgb
      status: production
      lastValidated: 2025-09-03
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
