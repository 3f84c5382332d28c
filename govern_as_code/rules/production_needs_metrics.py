"""A model version in production has performance metrics.

A ModelVersion with `status: production`, or one that a deployment (native or a foreign
manifest) puts in a protected environment, must record at least one figure under
`spec.metrics.performance`, and every metric named by the option `required`.

Passing:

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
  metrics:
    performance: {auc: 0.87, recall: 0.71}
```

Failing (in production with no performance figures):

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
  metrics: {performance: {}}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from govern_as_code.documents.kinds import ModelVersionDocument
from govern_as_code.portfolio import Portfolio
from govern_as_code.problems import Problem
from govern_as_code.rules.base import RuleContext

ID = "production-needs-metrics"
SUMMARY = "A model version in production records its performance metrics."
KINDS = ("ModelVersion",)


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    required: list[str] = Field(default_factory=list)
    """Performance metrics every production version must record, e.g. ["auc"]."""


def check(context: RuleContext, options: Options) -> Iterator[Problem]:
    deployed = _protected_deployments(context.portfolio)
    for document, version in context.portfolio.models("ModelVersion", ModelVersionDocument):
        why = _why_production(version, deployed.get(document.id, []))
        if why is None:
            continue
        performance = version.spec.metrics.performance
        at = ("spec", "metrics", "performance")
        if not performance:
            wanted = (
                f"at least {', '.join(options.required)}"
                if options.required
                else "the figures it was validated on, e.g. {auc: 0.87}"
            )
            yield document.problem(
                ID,
                f"{document.id} {why} but records no performance metrics",
                *at,
                hint=f"add spec.metrics.performance with {wanted}",
                subject=document.id,
            )
            continue
        missing = [name for name in options.required if name not in performance]
        if missing:
            yield document.problem(
                ID,
                f"{document.id} {why} but lacks the required performance"
                f" metric{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
                *at,
                hint=f"add {', '.join(missing)} under spec.metrics.performance",
                subject=document.id,
            )


def _protected_deployments(portfolio: Portfolio) -> dict[str, list[str]]:
    """For each version, the protected environments it is deployed to and by which file."""
    found: dict[str, list[str]] = {}
    for deployment in portfolio.deployments():
        if deployment.subject and portfolio.settings.gates(deployment.environment, deployment.path):
            found.setdefault(deployment.subject, []).append(
                f"{deployment.environment} ({deployment.path})"
            )
    return found


def _why_production(version: ModelVersionDocument, deployments: list[str]) -> str | None:
    if version.spec.status == "production":
        return "has status production"
    if deployments:
        return f"is deployed to {', '.join(deployments)}"
    return None
