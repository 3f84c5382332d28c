"""Property: no mutation of a valid document makes loading raise; it yields problems or a pass."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from govern_as_code.portfolio import Portfolio, load_portfolio
from govern_as_code.portfolio.sources import Candidate
from govern_as_code.portfolio.trust import TrustRoot
from govern_as_code.rules import references_resolve
from govern_as_code.rules.base import NoOptions, RuleContext

H = "apiVersion: govern-as-code/v1\n"
DIGEST = "sha256:" + "ab" * 32

SEEDS: dict[str, str] = {
    "governance.yaml": H + "kind: Portfolio\nmetadata:\n  id: acme\n  labels:\n    team: ml\n"
    "spec:\n  name: Acme\n  environments:\n    staging:\n      protected: false\n"
    "  deploymentGlobs:\n    - k8s/*.yaml\n    - glob: seldon/*.yaml\n"
    "      annotationPath: spec.modelVersion\n      environment: staging\n"
    "  extensionSchemas:\n    Project: ext/project.json\n  exclude:\n    - drafts/**\n",
    "people/alice.yaml": H + "kind: Person\nmetadata:\n  id: alice\nspec:\n  name: Alice\n"
    "  email: alice@example.com\n  department: risk\n  roles: [model-risk, admin]\n"
    "  keys:\n    - type: ssh\n      publicKey: ssh-ed25519"
    " AAAAC3NzaC1lZDI1NTE5AAAAIKxDPAY2P9ve+8xvL061CkJ8OXvkxXuc8aNOGKILFSQX alice\n"
    "      validAfter: 2025-01-01T00:00:00Z\n  forge:\n    github: alice\n",
    "initiatives/retention.yaml": H + "kind: Initiative\nmetadata:\n  id: retention\nspec:\n"
    "  goal: Keep customers\n  owner: alice\n  sponsors: [alice]\n  status: active\n",
    "workflows/standard.yaml": H + "kind: Workflow\nmetadata:\n  id: standard\nspec:\n"
    "  stages:\n    - id: intake\n      title: Intake\n    - id: build\n      title: Build\n"
    "      requires: [intake]\n",
    "projects/churn.yaml": H + "kind: Project\nmetadata:\n  id: churn\n  title: Churn\nspec:\n"
    "  initiative: retention\n  owner: alice\n  workflow: standard\n  costCenter: CC-1\n"
    "  governed: true\n  attachments:\n    - title: Card\n      path: docs/card.md\n"
    "    - title: Wiki\n      url: https://example.com/wiki\n  qualification:\n    value: 4\n"
    "    risk: 3\n    feasibility: 5\n    assessedBy: alice\n    assessedOn: 2026-01-02\n"
    "  stages:\n    - id: intake\n      status: complete\n      completedBy: alice\n"
    "      completedOn: 2026-01-03T10:00:00Z\n      comments:\n        - by: alice\n"
    "          on: 2026-01-03T09:00:00Z\n          text: |\n            Ready.\n",
    "models/churn-xgb.yaml": H + "kind: Model\nmetadata:\n  id: churn-xgb\nspec:\n"
    "  project: churn\n  task: classification\n  riskTier: high\n  owner: alice\n"
    "  source:\n    type: mlflow\n    uri: models:/churn/3\n  revalidateEveryDays: 90\n",
    "versions/churn-xgb-3.yaml": H + "kind: ModelVersion\nmetadata:\n  id: churn-xgb@3\nspec:\n"
    '  model: churn-xgb\n  version: "3"\n  created: 2026-01-15T10:00:00Z\n  createdBy: alice\n'
    f"  artifact:\n    uri: s3://models/churn-xgb/3\n    digest: {DIGEST}\n"
    "  status: production\n  lastValidated: 2026-01-20\n  metrics:\n"
    "    performance:\n      auc: 0.91\n    drift:\n      - date: 2026-02-01\n        psi: 0.05\n",
    "approvals/churn-xgb-3.yaml": H + "kind: Approval\nmetadata:\n  id: churn-xgb-3-risk\nspec:\n"
    f"  subject: churn-xgb@3\n  digest: {DIGEST}\n  role: model-risk\n  reviewer: alice\n"
    "  decision: approved\n  date: 2026-01-21T12:00:00Z\n",
    "deployments/churn-prod.yaml": H + "kind: Deployment\nmetadata:\n  id: churn-prod\nspec:\n"
    "  environment: production\n  modelVersion: churn-xgb@3\n  target: k8s/prod\n",
    "policies/default.yaml": H + "kind: Policy\nmetadata:\n  id: default\nspec:\n"
    "  extends: [builtin]\n  rules:\n    references-resolve:\n      level: warning\n"
    "      when:\n        riskTier: [high, critical]\n      options:\n        limit: 3\n",
    "k8s/churn.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: churn\n"
    "  annotations:\n    govern-as-code/model-version: churn-xgb@3\n---\n"
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: churn\n",
    "seldon/fraud.yaml": "kind: SeldonDeployment\nmetadata:\n  name: fraud\n"
    "spec:\n  modelVersion: churn-xgb@3\n",
    "people/bob.json": json.dumps(
        {
            "apiVersion": "govern-as-code/v1",
            "kind": "Person",
            "metadata": {"id": "bob"},
            "spec": {"name": "Bob", "email": "bob@example.com", "department": "ops"},
        },
        indent=2,
    ),
}
EXTENSION = json.dumps(
    {"properties": {"spec": {"required": ["costCenter"], "properties": {"costCenter": {}}}}}
)
RULES = {
    "parse", "encoding", "empty-file", "file-too-large", "duplicate-key", "yaml-anchor",
    "multi-document", "symlink", "unknown-kind", "schema", "extension-schema", "duplicate-id",
}  # fmt: skip
SCALARS = [
    "42", "-1", "1.10", "1e400", ".nan", "true", "yes", "NO", "null", "~", "''", '"x"', "[]",
    "{}", "[a, b]", "{a: 1}", "2026-13-01", "1:30", "*ref", "&a x", "!!str 3", "!!binary aGk=",
    "|", ">-", "- x", "? x", "@", "`", "%", "\"unterminated", "'", "\\u0000", "a" * 300,
]  # fmt: skip


MUTATIONS = [
    "delete-key", "retype", "retype-top", "insert", "duplicate", "truncate", "indent", "swap-lines"
]  # fmt: skip


class MemorySource:
    """A FileSource over bytes in memory, so that hundreds of portfolios load in seconds."""

    description = "memory"

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def candidates(self) -> list[Candidate]:
        return [Candidate(path, len(raw)) for path, raw in sorted(self.files.items())]

    def read(self, paths: Iterable[str]) -> dict[str, bytes]:
        return {p: self.files[p] for p in paths if p in self.files}


@st.composite
def mutation(draw: st.DrawFn, text: str) -> str:
    lines = text.split("\n")
    kind = draw(st.sampled_from(MUTATIONS))
    keyed = [i for i, ln in enumerate(lines) if ":" in ln]
    if kind == "retype-top":  # the envelope's own keys, where a wrong type hurts most
        keyed = [i for i in keyed if lines[i][:1].isalpha()] or keyed
    pool = keyed if kind.startswith(("retype", "delete")) and keyed else range(len(lines))
    index = draw(st.sampled_from(list(pool))) if lines else 0
    line = lines[index] if lines else ""
    if kind == "delete-key":
        del lines[index]
    elif kind.startswith("retype") and ":" in line:
        key = line.split(":", 1)[0]
        lines[index] = f"{key}: {draw(st.sampled_from(SCALARS))}"
    elif kind == "insert":
        junk = draw(st.text(st.characters(codec="utf-8"), min_size=1, max_size=8))
        at = draw(st.integers(0, len(line)))
        lines[index] = line[:at] + junk + line[at:]
    elif kind == "duplicate":
        lines.insert(index, line)
    elif kind == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    elif kind == "indent":
        stripped = line.lstrip(" \t")
        indent = draw(st.sampled_from(["", " ", "   ", "\t", "  \t", " " * 12]))
        lines[index] = indent + stripped
    elif kind == "swap-lines" and len(lines) > 1:
        other = draw(st.integers(0, len(lines) - 1))
        lines[index], lines[other] = lines[other], lines[index]
    return "\n".join(lines)


@st.composite
def mutated_portfolio(draw: st.DrawFn) -> tuple[str, dict[str, bytes]]:
    path = draw(st.sampled_from(sorted(SEEDS)))
    text = SEEDS[path]
    for _ in range(draw(st.integers(1, 3))):
        text = draw(mutation(text))
    raw = text.encode("utf-8")
    if draw(st.booleans()) and draw(st.booleans()):
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=4)) + raw[at:]
    files = {p: t.encode("utf-8") for p, t in SEEDS.items()}
    files["ext/project.json"] = EXTENSION.encode()
    files[path] = raw
    return path, files


def check_references(portfolio: Portfolio) -> None:
    context = RuleContext(portfolio, TrustRoot.from_portfolio(portfolio), date(2026, 3, 1))
    for problem in references_resolve.check(context, NoOptions()):
        assert problem.rule == "references-resolve"


def test_the_seeds_are_a_clean_portfolio() -> None:
    files = {p: t.encode("utf-8") for p, t in SEEDS.items()}
    files["ext/project.json"] = EXTENSION.encode()
    portfolio = load_portfolio(MemorySource(files))
    assert portfolio.problems == []
    assert len(portfolio.documents) == 11
    assert [d.subject for d in portfolio.foreign] == ["churn-xgb@3", None, "churn-xgb@3"]
    check_references(portfolio)


@settings(max_examples=200, deadline=None)
@given(mutated_portfolio())
def test_a_mutated_document_never_makes_loading_raise(case: tuple[str, dict[str, bytes]]) -> None:
    path, files = case
    portfolio = load_portfolio(MemorySource(files))
    for problem in portfolio.problems:
        assert problem.rule in RULES, problem
        assert problem.path in files, problem
        assert problem.line >= 0
        assert problem.column >= 0
        assert problem.message
    # Only the mutated file (or, through settings and extension schemas, governance.yaml and
    # the documents it governs) can have problems: a broken file never spreads to the others.
    if path != "governance.yaml":
        assert {p.path for p in portfolio.problems} <= {path}
    check_references(portfolio)
