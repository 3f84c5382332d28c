"""A deployment to a protected environment needs current, verified approvals.

The model version it names must carry, for every role the policy requires at the model's
risk tier, an approval that is signed by the reviewer (every commit that added or changed the
approval file), bound to the version's current digest, younger than `maxAgeDays`, and given
by someone who holds the role in the trusted base and did not author the version. One person
fills at most one role; departments are distinct when `distinctDepartments` is true; no
verified rejection is outstanding; and a `finalRole` approval is signed after all the others.

Passing (a low-tier model; alice and dave signed their approval commits)::

    # deployments/production/churn.yaml
    kind: Deployment
    spec: {environment: production, modelVersion: churn-xgb@3}
    # approvals/churn-xgb/3/technical-review--alice.yaml   signed by alice
    # approvals/churn-xgb/3/final-approval--dave.yaml      signed by dave, later

Failing (no risk-review approval for a medium-tier model)::

    kind: Deployment
    spec: {environment: production, modelVersion: churn-xgb@3}
    # approvals/churn-xgb/3/technical-review--alice.yaml only
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
