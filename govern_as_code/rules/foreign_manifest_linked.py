"""Every foreign deployment manifest names the model version it deploys.

Files matched by governance.yaml `spec.deploymentGlobs` (Kubernetes, Helm or Seldon manifests,
say) are deployments. Each must carry the annotation `govern-as-code/model-version` (or the
glob's `annotationPath`) with a `<model>@<version>` value, so that the deploy gate and the other
rules know what it puts into its environment. A manifest without it deploys an unknown model.

Given:

```yaml
# governance.yaml
apiVersion: govern-as-code/v1
kind: Portfolio
metadata: {id: acme}
spec:
  deploymentGlobs: [k8s/**/*.yaml]
```

Passing:

```yaml
# k8s/prod/churn.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: churn-scorer
  annotations:
    govern-as-code/model-version: churn-xgb@3
```

Failing (no annotation: nothing says which model version this serves):

```yaml
# k8s/prod/churn.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: churn-scorer
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pathspec

from govern_as_code.documents.kinds import DeploymentGlob, PortfolioSpec
from govern_as_code.documents.types import SUBJECT_PATTERN
from govern_as_code.portfolio import Deployment
from govern_as_code.portfolio.loader import MODEL_VERSION_ANNOTATION
from govern_as_code.problems import Problem
from govern_as_code.rules.base import NoOptions, RuleContext

ID = "foreign-manifest-linked"
SUMMARY = "Every foreign deployment manifest names its model version in an annotation."
KINDS = ("Deployment",)
Options = NoOptions


def check(context: RuleContext, options: NoOptions) -> Iterator[Problem]:
    settings = context.portfolio.settings
    for deployment in context.portfolio.foreign:
        where = _annotation_field(settings, deployment)
        if deployment.subject is None:
            yield deployment.problem(
                ID,
                f"deployment manifest {deployment.target!r} ({deployment.environment}) does not"
                f" name the model version it deploys: {where} is missing or not a string",
                f"add {where}: <model>@<version>, e.g. churn-xgb@3",
            )
        elif not re.fullmatch(SUBJECT_PATTERN, deployment.subject):
            yield deployment.problem(
                ID,
                f"deployment manifest {deployment.target!r} names {deployment.subject!r} in"
                f" {where}, which is not a model version '<model>@<version>'",
                f"write the model version as <model>@<version>, e.g. {where}: churn-xgb@3",
            )


def _annotation_field(settings: PortfolioSpec, deployment: Deployment) -> str:
    """Where the manifest should name its version, as the user would write it."""
    for entry in settings.deploymentGlobs:
        glob = entry if isinstance(entry, DeploymentGlob) else DeploymentGlob(glob=entry)
        # The loader takes the first glob that matches; so does this.
        if pathspec.GitIgnoreSpec.from_lines([glob.glob]).match_file(deployment.path):
            if glob.annotationPath:
                return glob.annotationPath
            break
    return f'metadata.annotations["{MODEL_VERSION_ANNOTATION}"]'
