"""Every reference names a document that exists.

Project → initiative, workflow, owner, sponsors and assessor; model → project and owner;
version → model and author; approval → version (or trust-root document) and reviewer;
deployment → version and a declared environment; people in every owner, sponsor, reviewer,
completedBy and comment field.

Given:

```yaml
# people/ana.yaml
apiVersion: govern-as-code/v1
kind: Person
metadata: {id: ana}
spec: {name: Ana Alves, email: ana@example.org, department: data-science}
```

```yaml
# projects/churn/project.yaml
apiVersion: govern-as-code/v1
kind: Project
metadata: {id: churn}
spec: {owner: ana}
```

Passing (the model's project and owner exist):

```yaml
# projects/churn/models/churn-xgb/model.yaml
apiVersion: govern-as-code/v1
kind: Model
metadata: {id: churn-xgb}
spec: {project: churn, task: classification, riskTier: high, owner: ana}
```

Failing (no Project `churn-prediction` exists):

```yaml
# projects/churn/models/churn-xgb/model.yaml
apiVersion: govern-as-code/v1
kind: Model
metadata: {id: churn-xgb}
spec: {project: churn-prediction, task: classification, riskTier: high, owner: ana}
```
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from govern_as_code.documents.kinds import (
    ApprovalDocument,
    DeploymentDocument,
    InitiativeDocument,
    ModelDocument,
    ModelVersionDocument,
    ProjectDocument,
)
from govern_as_code.portfolio import Document, Portfolio
from govern_as_code.portfolio.model import InvalidDocument
from govern_as_code.problems import Problem
from govern_as_code.rules.base import NoOptions, RuleContext

ID = "references-resolve"
SUMMARY = "Every reference names a document that exists."
KINDS = ("Initiative", "Project", "Model", "ModelVersion", "Approval", "Deployment")
Options = NoOptions

Ref = tuple[str, str | None, tuple[str | int, ...]]  # kind, id, where in the document


def check(context: RuleContext, options: NoOptions) -> Iterator[Problem]:
    portfolio = context.portfolio
    # A reference to a document that exists but is invalid is not "does not exist" at every
    # document that names it: it is one problem, at the first of them, pointing at the
    # invalid document (whose own problems say what to fix).
    named_invalid: dict[tuple[str, str], list[Problem]] = {}
    for document in portfolio.documents:
        for kind, ref, where in _references(document):
            if ref is None or portfolio.get(kind, ref) is not None:
                continue
            field_name = ".".join(str(p) for p in where)
            if (kind, ref) in portfolio.invalid:
                named_invalid.setdefault((kind, ref), []).append(
                    document.problem(ID, f"{field_name} names {kind} {ref!r}", *where)
                )
                continue
            yield document.problem(
                ID,
                f"{field_name} names {kind} {ref!r}, which does not exist",
                *where,
                hint=_hint(portfolio, kind, ref),
            )
    environments = set(portfolio.settings.environments) | {"production"}
    for deployment in portfolio.deployments():
        subject = deployment.subject
        if subject and portfolio.get("ModelVersion", subject) is None:
            if ("ModelVersion", subject) in portfolio.invalid:
                named_invalid.setdefault(("ModelVersion", subject), []).append(
                    deployment.problem(ID, f"the deployment names model version {subject!r}")
                )
            else:
                yield deployment.problem(
                    ID,
                    f"the deployment names model version {subject!r}, which does not exist",
                    _hint(portfolio, "ModelVersion", subject),
                )
        if deployment.environment not in environments:
            yield deployment.problem(
                ID,
                f"environment {deployment.environment!r} is not declared in governance.yaml",
                f"declare it under spec.environments (known: {', '.join(sorted(environments))})",
            )
    for key, references in sorted(named_invalid.items()):
        yield _invalid_referent(portfolio.invalid[key], sorted(references))


def _invalid_referent(invalid: InvalidDocument, references: list[Problem]) -> Problem:
    first, others = references[0], sorted({p.path for p in references[1:]} - {references[0].path})
    also = ""
    if others:
        shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        also = (
            f"; {len(others)} other document{'s' if len(others) > 1 else ''} name it too ({shown})"
        )
    return replace(
        first,
        message=f"{first.message}, which is invalid ({invalid.path}:{invalid.line}){also}",
        hint=f"fix the problems reported for {invalid.path} first",
    )


def _hint(portfolio: Portfolio, kind: str, ref: str) -> str:
    known = sorted(d.id for d in portfolio.of_kind(kind))
    close = [k for k in known if k.split("@")[0] == ref.split("@")[0] or ref in k]
    if close:
        return f"did you mean {', '.join(close[:3])}?"
    return f"create the {kind} document, or fix the reference"


def _people(ids: list[str], where: tuple[str | int, ...]) -> Iterator[Ref]:
    for index, person in enumerate(ids):
        yield "Person", person, (*where, index)


def _references(document: Document) -> Iterator[Ref]:
    model = document.model
    if isinstance(model, InitiativeDocument):
        yield "Person", model.spec.owner, ("spec", "owner")
        yield from _people(model.spec.sponsors, ("spec", "sponsors"))
    elif isinstance(model, ProjectDocument):
        spec = model.spec
        yield "Initiative", spec.initiative, ("spec", "initiative")
        yield "Workflow", spec.workflow, ("spec", "workflow")
        yield "Person", spec.owner, ("spec", "owner")
        yield from _people(spec.sponsors, ("spec", "sponsors"))
        if spec.qualification:
            yield "Person", spec.qualification.assessedBy, ("spec", "qualification", "assessedBy")
        for i, stage in enumerate(spec.stages):
            yield "Person", stage.completedBy, ("spec", "stages", i, "completedBy")
            for j, comment in enumerate(stage.comments):
                yield "Person", comment.by, ("spec", "stages", i, "comments", j, "by")
    elif isinstance(model, ModelDocument):
        yield "Project", model.spec.project, ("spec", "project")
        yield "Person", model.spec.owner, ("spec", "owner")
    elif isinstance(model, ModelVersionDocument):
        yield "Model", model.spec.model, ("spec", "model")
        yield "Person", model.spec.createdBy, ("spec", "createdBy")
    elif isinstance(model, ApprovalDocument):
        subject = model.spec.subject
        if "@" in subject:
            yield "ModelVersion", subject, ("spec", "subject")
        else:
            kind, _, ref = subject.partition("/")
            yield kind, ref, ("spec", "subject")
        yield "Person", model.spec.reviewer, ("spec", "reviewer")
    elif isinstance(model, DeploymentDocument):
        pass  # checked with foreign manifests through portfolio.deployments()
