"""Each rule's docstring examples are run as rule cases, so the documentation cannot drift.

A rule's docstring has a ``Passing`` and a ``Failing`` section, and may have a ``Given``
section of files both share. Each section holds fenced YAML blocks whose first line names the
file (``# projects/churn.yaml``). A file in Passing or Failing replaces a Given file of the same
path. Passing must give no problem at all (loading problems included) and Failing at least one
of the rule's own, on a document of one of the rule's ``KINDS``.

The rules that read signed commits (production-requires-approvals, trust-changes-need-admin)
run their examples in a real repository: Given is committed as the trusted base, on ``main``,
by a governance-admin whose key signs it; each example file is then committed on a branch by
the person its header names (``# approvals/... (signed by alice)``), signed with their key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from gate_helpers import PEOPLE, GateKeys, identity, make_gate_keys, person_document, ssh_key_entry
from repo_helpers import write
from signing_helpers import git, git_commit, init_repo

from govern_as_code.commands.assess import LintRequest, assess
from govern_as_code.documents.kinds import KINDS
from govern_as_code.portfolio import load_portfolio, open_source
from govern_as_code.portfolio.trust import TrustRoot
from govern_as_code.problems import Problem
from govern_as_code.rules.base import RuleContext
from govern_as_code.rules.engine import run_rules
from govern_as_code.rules.policy import resolve_policy
from govern_as_code.rules.registry import RULES, rule_infos

TODAY = date(2026, 11, 26)
SIGNED_RULES = {"production-requires-approvals", "trust-changes-need-admin"}
SECTION = re.compile(r"^(Given|Passing|Failing)\b", re.MULTILINE)
BLOCK = re.compile(r"^```yaml\n(.*?)^```$", re.MULTILINE | re.DOTALL)
HEADER = re.compile(r"^# (?P<path>[\w./@-]+\.ya?ml)(?: \(signed by (?P<signer>[\w-]+)\))?$")


@dataclass(frozen=True)
class ExampleFile:
    path: str
    text: str
    signer: str | None = None


@dataclass
class Examples:
    given: list[ExampleFile] = field(default_factory=list)
    passing: list[ExampleFile] = field(default_factory=list)
    failing: list[ExampleFile] = field(default_factory=list)


def parse_examples(doc: str) -> Examples:
    """The Given, Passing and Failing files of a rule's docstring."""
    examples = Examples()
    marks = list(SECTION.finditer(doc))
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(doc)
        target = getattr(examples, mark.group(1).lower())
        for block in BLOCK.finditer(doc, mark.end(), end):
            first, _, _ = block.group(1).partition("\n")
            header = HEADER.match(first)
            assert header, f"a block must start with '# <path>.yaml', not {first!r}"
            target.append(ExampleFile(header["path"], block.group(1), header["signer"]))
    return examples


def _files(given: list[ExampleFile], chosen: list[ExampleFile]) -> dict[str, ExampleFile]:
    files = {f.path: f for f in given}
    files.update({f.path: f for f in chosen})
    return files


# A folder without governance.yaml is not a portfolio; an example that shows none gets this one.
GOVERNANCE = "apiVersion: govern-as-code/v1\nkind: Portfolio\nmetadata:\n  id: examples\n"


def _run_folder(root: Path, rule: str, files: dict[str, ExampleFile]) -> list[Problem]:
    write(root, {"governance.yaml": GOVERNANCE, **{path: f.text for path, f in files.items()}})
    portfolio = load_portfolio(open_source(root))
    trust = TrustRoot.from_portfolio(portfolio)
    return run_rules(RuleContext(portfolio, trust, TODAY), resolve_policy(trust), only=[rule])


def _run_signed(
    root: Path, keys: GateKeys, rule: str, given: list[ExampleFile], chosen: list[ExampleFile]
) -> list[Problem]:
    init_repo(root)
    base = {f.path: f.text for f in given}
    for person, info in PEOPLE.items():
        entry = ssh_key_entry(keys.ssh[person])
        base[f"people/{person}.yaml"] = person_document(person, info, [entry])
    when = datetime(2026, 11, 1, 9, tzinfo=UTC)
    git_commit(
        root,
        "Trusted base",
        sign_with=keys.ssh["erin"],
        date=when,
        author=identity("erin"),
        files=base,
    )
    git(root, "checkout", "-q", "-b", "change")
    for offset, example in enumerate(chosen, start=1):
        # An unsigned file is committed by dan, without a signature.
        author = example.signer or "dan"
        git_commit(
            root,
            f"Add {example.path}",
            sign_with=keys.ssh[example.signer] if example.signer else None,
            date=when + timedelta(days=offset),
            author=identity(author),
            files={example.path: example.text},
        )
    assessment = assess(LintRequest(root, today=TODAY))
    return [
        p
        for p in assessment.report.problems
        if p.rule == rule or p.rule not in RULES  # its own, and every loading problem
    ]


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> GateKeys:
    return make_gate_keys(tmp_path_factory.mktemp("keys"))


def _kind_at(root: Path, path: str) -> str | None:
    portfolio = load_portfolio(open_source(root))
    for document in portfolio.documents:
        if document.path == path:
            return document.kind
    return "Deployment" if any(d.path == path for d in portfolio.foreign) else None


@pytest.mark.parametrize("rule_id", sorted(RULES))
@pytest.mark.parametrize("which", ["passing", "failing"])
def test_docstring_example(rule_id: str, which: str, tmp_path: Path, keys: GateKeys) -> None:
    module = RULES[rule_id]
    examples = parse_examples(module.__doc__ or "")
    chosen = getattr(examples, which)
    assert chosen, f"{rule_id}: the {which} example has no ```yaml block"
    if rule_id in SIGNED_RULES:
        problems = _run_signed(tmp_path, keys, rule_id, examples.given, chosen)
    else:
        problems = _run_folder(tmp_path, rule_id, _files(examples.given, chosen))
    shown = "\n".join(f"  {p.rule} {p.path}:{p.line} {p.message}" for p in problems)
    if which == "passing":
        assert problems == [], f"{rule_id}: the passing example reports:\n{shown}"
        return
    own = [p for p in problems if p.rule == rule_id]
    assert own and own == problems, f"{rule_id}: the failing example reports:\n{shown}"
    for problem in own:
        kind = _kind_at(tmp_path, problem.path)
        assert kind is None or kind in module.KINDS, f"{rule_id} reported on a {kind}"


def test_the_parser_reads_sections_blocks_and_signers() -> None:
    doc = (
        "Summary.\n\nGiven:\n\n```yaml\n# a.yaml\nx: 1\n```\n\nPassing:\n\n"
        "```yaml\n# b/c.yaml (signed by alice)\ny: 2\n```\n\nFailing (why):\n\n"
        "```yaml\n# b/c.yaml\ny: 3\n```\n"
    )
    examples = parse_examples(doc)
    assert examples.given == [ExampleFile("a.yaml", "# a.yaml\nx: 1\n")]
    assert examples.passing == [
        ExampleFile("b/c.yaml", "# b/c.yaml (signed by alice)\ny: 2\n", "alice")
    ]
    assert examples.failing == [ExampleFile("b/c.yaml", "# b/c.yaml\ny: 3\n")]


def test_gac_rules_prints_the_examples_readably() -> None:
    info = next(i for i in rule_infos() if i.id == "stage-order")
    assert "Passing" in info.description and "```yaml\n# projects/churn.yaml\n" in info.description
    assert set(KINDS) >= set(RULES["stage-order"].KINDS)
