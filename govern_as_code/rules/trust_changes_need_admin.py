"""A change to the trust root needs its own approvals from the governance-admin role.

People, policies, workflows and the Portfolio (with `.gacignore`) are read from the trusted
base. A change that adds, edits or removes one of them must carry an Approval whose subject is
`KIND/id` (e.g. `Person/carol`), whose digest is that document's new canonical content
(`gac digest Person/carol`), signed by someone holding the admin role in the trusted base,
who is not the person being changed. Otherwise anyone could add their own key and approve
their own model.

Given, in the trusted base: governance.yaml, and people/ with erin (governance-admin) and
dan, each with a signing key:

```yaml
# governance.yaml
apiVersion: govern-as-code/v1
kind: Portfolio
metadata: {id: acme}
spec:
  environments: {production: {protected: true}}
```

Passing (dan adds gina as a risk reviewer; erin approves the new document, signed):

```yaml
# people/gina.yaml
apiVersion: govern-as-code/v1
kind: Person
metadata: {id: gina}
spec: {name: Gina Gold, email: gina@acme.example, department: risk, roles: [risk-review]}
```

```yaml
# approvals/Person/gina/governance-admin--erin.yaml (signed by erin)
apiVersion: govern-as-code/v1
kind: Approval
metadata: {id: person-gina-governance-admin-erin}
spec:
  subject: Person/gina
  digest: sha256:da1a0ae2e0d10b094601ae005198943be310c8b2bf2d7a4af7cbb913914e0c3b
  role: governance-admin
  reviewer: erin
  decision: approved
  comment: Gina joins the risk team.
  date: 2026-11-03T09:00:00Z
```

Failing (dan adds gina, and no governance-admin approved `Person/gina`):

```yaml
# people/gina.yaml
apiVersion: govern-as-code/v1
kind: Person
metadata: {id: gina}
spec: {name: Gina Gold, email: gina@acme.example, department: risk, roles: [risk-review]}
```

It also guards identities, whatever the approvals say. People are marked departed
(`status: departed`, `departedOn`), never deleted, so their past sign-offs stay verifiable;
a departed person is never made active again (a new person gets a new id). A key (by
fingerprint, whatever its comment) or an email (case and spaces aside) identifies one
person: listed for two, it is an error, and it counts for nobody.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from govern_as_code.documents.kinds import ApprovalDocument
from govern_as_code.portfolio.trust_changes import TrustChange, trust_changes
from govern_as_code.problems import Problem
from govern_as_code.rules.base import RuleContext
from govern_as_code.rules.identities import identity_problems

ID = "trust-changes-need-admin"
SUMMARY = "Changes to people, policies, workflows or governance.yaml need admin approval."
KINDS = ("Person", "Policy", "Workflow", "Portfolio")


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: str = "governance-admin"
    minApprovals: int = Field(default=1, ge=1)


def check(context: RuleContext, options: Options) -> Iterator[Problem]:
    yield from identity_problems(context.trust.portfolio, context.portfolio)
    for change in trust_changes(context.trust.portfolio, context.portfolio, context.ignore):
        if change.action == "removed" and change.ref.startswith("Person/"):
            continue  # reported by identity_problems: people are never deleted
        approvers = _approvers(context, change, options.role)
        if len(approvers) >= options.minApprovals:
            continue
        eligible = [
            p.metadata.id
            for p in context.trust.holders(options.role, context.today)
            if p.metadata.id != change.ref.partition("/")[2]
        ]
        need = options.minApprovals - len(approvers)
        yield Problem(
            change.path,
            change.line,
            change.column,
            ID,
            f"{change.ref} is {change.action} by this change, which needs {need} more verified"
            f" {options.role} approval(s) of digest {change.digest} (can give it:"
            f" {', '.join(eligible) or 'nobody'})",
            f"run `gac request-review {change.ref}`",
            change.ref,
        )


def _approvers(context: RuleContext, change: TrustChange, role: str) -> set[str]:
    found = set()
    for document in context.portfolio.approvals_of(change.ref):
        approval = document.model
        if not isinstance(approval, ApprovalDocument):
            continue
        spec = approval.spec
        proof = context.evidence.of(document.path)
        if (
            spec.decision == "approved"
            and spec.role == role
            and spec.digest == change.digest
            and proof is not None
            and proof.verified
            and context.trust.holds(spec.reviewer, role, proof.signed_at or context.today)
            and spec.reviewer != change.ref.partition("/")[2]
        ):
            found.add(spec.reviewer)
    return found
