"""A deployment to a protected environment needs current, verified approvals.

The model version it names must carry, for every role the policy requires at the model's
risk tier, an approval that is signed by the reviewer (every commit that added or changed the
approval file), bound to the version's current digest, younger than `maxAgeDays`, and given
by someone who holds the role in the trusted base and did not author the version. One person
fills at most one role; departments are distinct when `distinctDepartments` is true; no
verified rejection is outstanding; and a `finalRole` approval is signed after all the others.

The risk tier is the strictest of the change's and the trusted base's, and the deployment's
environment is the trusted one (a deployment glob's, a protected folder's) before its claim.

Given, in the trusted base: people/ with alice (technical-review), carol (final-approval)
and dan, the version's author, each with a signing key; and a low-tier model deployed:

```yaml
# governance.yaml
apiVersion: govern-as-code/v1
kind: Portfolio
metadata: {id: acme}
spec:
  environments: {production: {protected: true}}
```

```yaml
# projects/p/models/m/model.yaml
apiVersion: govern-as-code/v1
kind: Model
metadata: {id: m}
spec: {project: p, task: classification, riskTier: low, owner: dan}
```

```yaml
# projects/p/models/m/versions/1.yaml
apiVersion: govern-as-code/v1
kind: ModelVersion
metadata: {id: m@1}
spec:
  model: m
  version: "1"
  created: 2026-10-20T09:00:00Z
  createdBy: dan
  artifact:
    uri: s3://models/m/1/model.bin
    digest: sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
  status: production
  metrics: {performance: {auc: 0.81}}
```

```yaml
# deployments/production/m.yaml
apiVersion: govern-as-code/v1
kind: Deployment
metadata: {id: m-production}
spec: {environment: production, modelVersion: m@1}
```

Passing (alice, then carol, each commit their approval signed with their own key; the digest
is `gac digest m@1`):

```yaml
# approvals/m/1/technical-review--alice.yaml (signed by alice)
apiVersion: govern-as-code/v1
kind: Approval
metadata: {id: m-1-technical-review-alice}
spec:
  subject: m@1
  digest: sha256:2e30d4ff7d724700c84fa9574fc1e3034c74155a5515df39743f164a344dac43
  role: technical-review
  reviewer: alice
  decision: approved
  comment: Reviewed the evaluation report.
  date: 2026-11-02T09:00:00Z
```

```yaml
# approvals/m/1/final-approval--carol.yaml (signed by carol)
apiVersion: govern-as-code/v1
kind: Approval
metadata: {id: m-1-final-approval-carol}
spec:
  subject: m@1
  digest: sha256:2e30d4ff7d724700c84fa9574fc1e3034c74155a5515df39743f164a344dac43
  role: final-approval
  reviewer: carol
  decision: approved
  comment: Go.
  date: 2026-11-03T09:00:00Z
```

Failing (dan, the author, commits alice's approval for her, unsigned):

```yaml
# approvals/m/1/technical-review--alice.yaml
apiVersion: govern-as-code/v1
kind: Approval
metadata: {id: m-1-technical-review-alice}
spec:
  subject: m@1
  digest: sha256:2e30d4ff7d724700c84fa9574fc1e3034c74155a5515df39743f164a344dac43
  role: technical-review
  reviewer: alice
  decision: approved
  comment: Reviewed the evaluation report.
  date: 2026-11-02T09:00:00Z
```

```yaml
# approvals/m/1/final-approval--carol.yaml (signed by carol)
apiVersion: govern-as-code/v1
kind: Approval
metadata: {id: m-1-final-approval-carol}
spec:
  subject: m@1
  digest: sha256:2e30d4ff7d724700c84fa9574fc1e3034c74155a5515df39743f164a344dac43
  role: final-approval
  reviewer: carol
  decision: approved
  comment: Go.
  date: 2026-11-03T09:00:00Z
```
"""

from __future__ import annotations

from collections.abc import Iterator

from govern_as_code.gate.options import GateOptions
from govern_as_code.gate.verdict import evaluate
from govern_as_code.problems import Problem
from govern_as_code.rules.base import RuleContext

ID = "production-requires-approvals"
SUMMARY = "Deployments to protected environments need current, verified approvals."
KINDS = ("Deployment",)
Options = GateOptions


def check(context: RuleContext, options: GateOptions) -> Iterator[Problem]:
    settings = context.trust.settings
    for deployment in context.portfolio.deployments():
        if not settings.gates(deployment.environment, deployment.path):
            continue
        if not deployment.subject:
            yield deployment.problem(
                ID,
                f"the deployment to {deployment.environment} names no model version, so"
                " nothing can be approved",
                "name it: govern-as-code/model-version: model@version",
            )
            continue
        verdict = evaluate(context, deployment.subject, options)
        command = f"gac request-review {deployment.subject}"
        for reason in verdict.reasons:
            hint = f"run `{command}`"
            if verdict.hints:
                hint += "; " + "; ".join(verdict.hints)
            yield deployment.problem(
                ID, f"{deployment.subject} cannot go to {deployment.environment}: {reason}", hint
            )
