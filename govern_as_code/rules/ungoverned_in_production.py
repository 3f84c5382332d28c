"""No ungoverned project reaches a protected environment.

A Project with `governed: false` is tracked in the portfolio but exempt from its sign-offs,
which is fine for experiments. Once a deployment (native or a foreign manifest) puts one of its
models' versions in a protected environment, the deployment is reported: version, model and
project are followed from the deployment's subject.

Given (a version of a model of project `churn`, deployed to production):

```yaml
# projects/churn/models/churn-xgb/model.yaml
apiVersion: govern-as-code/v1
kind: Model
metadata: {id: churn-xgb}
spec: {project: churn, task: classification, riskTier: low}
```

```yaml
# projects/churn/models/churn-xgb/versions/3.yaml
apiVersion: govern-as-code/v1
kind: ModelVersion
metadata: {id: churn-xgb@3}
spec:
  model: churn-xgb
  version: "3"
  created: 2026-01-10T09:00:00Z
  createdBy: ana
  artifact:
    uri: s3://models/churn-xgb/3
    digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
  status: production
```

```yaml
# deployments/production/churn.yaml
apiVersion: govern-as-code/v1
kind: Deployment
metadata: {id: churn-production}
spec: {environment: production, modelVersion: churn-xgb@3}
```

Passing (the project is governed, which is the default):

```yaml
# projects/churn/project.yaml
apiVersion: govern-as-code/v1
kind: Project
metadata: {id: churn}
spec: {owner: ana}
```

Failing (the project is not governed):

```yaml
# projects/churn/project.yaml
apiVersion: govern-as-code/v1
kind: Project
metadata: {id: churn}
spec: {owner: ana, governed: false}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from govern_as_code.documents.kinds import ModelDocument, ModelVersionDocument, ProjectDocument
from govern_as_code.portfolio import Document, Portfolio
from govern_as_code.problems import Problem
from govern_as_code.rules.base import NoOptions, RuleContext

ID = "ungoverned-in-production"
SUMMARY = "No version of an ungoverned project is deployed to a protected environment."
KINDS = ("Deployment",)
Options = NoOptions


def check(context: RuleContext, options: NoOptions) -> Iterator[Problem]:
    portfolio = context.portfolio
    for deployment in portfolio.deployments():
        if not deployment.subject or not portfolio.settings.gates(
            deployment.environment, deployment.path
        ):
            continue
        project = _project_of(portfolio, deployment.subject)
        if project is None or not isinstance(project.model, ProjectDocument):
            continue  # an unresolved reference is references-resolve's finding
        if project.model.spec.governed:
            continue
        line = project.position("spec", "governed")[0]
        yield deployment.problem(
            ID,
            f"{deployment.subject} is deployed to protected environment"
            f" {deployment.environment!r}, but its project {project.id!r} is ungoverned"
            f" (governed: false in {project.path}:{line})",
            f"govern project {project.id!r} (remove governed: false and get its sign-offs),"
            " or remove the deployment",
        )


def _project_of(portfolio: Portfolio, subject: str) -> Document | None:
    version = portfolio.get("ModelVersion", subject)
    if version is None or not isinstance(version.model, ModelVersionDocument):
        return None
    model = portfolio.get("Model", version.model.spec.model)
    if model is None or not isinstance(model.model, ModelDocument):
        return None
    return portfolio.get("Project", model.model.spec.project)
