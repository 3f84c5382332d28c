"""The latest drift observation of a live model version is within its thresholds.

For each ModelVersion with `status: production` or `challenger`, the most recent point of
`spec.metrics.drift` (by date) is compared with the threshold: the option `metrics` gives a
threshold per drift figure (e.g. `{psi: 0.25}`), and `threshold` applies to every other figure.
Each figure above its threshold is reported. Older points are history and are not reported.

Passing (the latest point, 2026-11-01, has psi 0.08):

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
    drift:
      - {date: 2026-10-01, psi: 0.31}
      - {date: 2026-11-01, psi: 0.08}
```

Failing (the latest point, 2026-11-01, has psi 0.31 above the default threshold 0.2):

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
    drift:
      - {date: 2026-10-01, psi: 0.08}
      - {date: 2026-11-01, psi: 0.31}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from govern_as_code.documents.kinds import ModelVersionDocument
from govern_as_code.problems import Problem
from govern_as_code.rules.base import RuleContext

ID = "drift-threshold"
SUMMARY = "The latest drift observation of a production or challenger version is in bounds."
KINDS = ("ModelVersion",)
LIVE = ("production", "challenger")


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    threshold: float = 0.2
    """The highest acceptable value of a drift figure without its own threshold."""
    metrics: dict[str, float] = Field(default_factory=dict)
    """Thresholds for named drift figures, overriding `threshold`, e.g. {psi: 0.25}."""


def check(context: RuleContext, options: Options) -> Iterator[Problem]:
    for document, version in context.portfolio.models("ModelVersion", ModelVersionDocument):
        drift = version.spec.metrics.drift
        if version.spec.status not in LIVE or not drift:
            continue
        # By date, not list order; on equal dates the later entry is taken as the correction.
        index, latest = max(enumerate(drift), key=lambda item: (item[1].date, item[0]))
        for metric, value in latest.values.items():
            limit = options.metrics.get(metric, options.threshold)
            if value > limit:
                yield document.problem(
                    ID,
                    f"{document.id} ({version.spec.status}): drift {metric} is {value:g} on"
                    f" {latest.date.isoformat()}, above the threshold {limit:g}",
                    "spec",
                    "metrics",
                    "drift",
                    index,
                    metric,
                    hint="investigate the drift and retrain, recalibrate or roll back; the"
                    f" threshold for {metric} is the {ID} rule's option in the policy",
                    subject=document.id,
                )
