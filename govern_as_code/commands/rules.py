"""`gac rules`: every rule with its level, `when:` and options under a repository's policy.

The policy is read from the trusted base, as `gac lint` reads it, so what this prints is what
lint enforces; a bad policy stops here with the same message lint would give.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from govern_as_code.documents.kinds import PortfolioSpec
from govern_as_code.errors import UsageError
from govern_as_code.git import Repository
from govern_as_code.portfolio import LoadOptions, load_portfolio
from govern_as_code.portfolio.base import find_base
from govern_as_code.portfolio.ignore import ignore_lines, read_revision_ignore
from govern_as_code.portfolio.sources import RevisionSource, WorktreeSource
from govern_as_code.portfolio.trust import TrustRoot
from govern_as_code.problems import RuleInfo
from govern_as_code.rules.core_checks import CORE_CHECKS
from govern_as_code.rules.policy import ResolvedPolicy, resolve_policy
from govern_as_code.rules.registry import rule_infos


@dataclass(frozen=True)
class RuleRow:
    """One rule as the repository's policy sets it."""

    info: RuleInfo
    level: str  # error, warning, off; loading checks are "error (always)"
    where: str  # the policy file and line that set the level
    when: str  # the selector, as YAML, or "" for everything the rule checks
    options: str  # the options in force, as YAML


@dataclass(frozen=True)
class RuleListing:
    source: str  # where the policy was read: a revision, or the working tree
    rows: tuple[RuleRow, ...]

    def row(self, rule_id: str) -> RuleRow:
        """The row of `rule_id`, or a UsageError listing the valid ids."""
        for row in self.rows:
            if row.info.id == rule_id:
                return row
        raise UsageError(
            f"unknown rule {rule_id!r}", f"use one of: {', '.join(r.info.id for r in self.rows)}"
        )


def list_rules(root: Path, base: str | None = None) -> RuleListing:
    """Every check and rule, with the level and options the repository's policy gives it."""
    trust, source = _trust(root, base)
    policy = resolve_policy(trust)
    return RuleListing(source, tuple(_row(info, policy) for info in rule_infos()))


def _row(info: RuleInfo, policy: ResolvedPolicy) -> RuleRow:
    if info.id in CORE_CHECKS:
        return RuleRow(info, "error (always)", "", "", "")
    setting = policy.get(info.id)
    if setting is None:
        return RuleRow(info, "off", "not named by the policy", "", "")
    when = (
        _yaml(setting.when.model_dump(mode="json", exclude_defaults=True)) if setting.when else ""
    )
    return RuleRow(
        info,
        str(setting.level),
        setting.where,
        when,
        _yaml(setting.options.model_dump(mode="json")),
    )


def _yaml(value: object, *, flow: bool | None = None) -> str:
    if value in ({}, None):
        return ""
    return yaml.safe_dump(value, sort_keys=False, default_flow_style=flow).rstrip()


def _trust(root: Path, base: str | None) -> tuple[TrustRoot, str]:
    repo = Repository.discover(root)
    if repo is None or not repo.has_commits():
        if base:
            raise UsageError(f"{root} has no git history, so --base cannot be used")
        if not any((root / name).is_file() for name in ("governance.yaml", "governance.yml")):
            # Not a portfolio: show the shipped pack rather than read an unrelated folder.
            return TrustRoot(
                None, PortfolioSpec()
            ), f"the shipped default pack (no governance.yaml in {root})"
        portfolio = load_portfolio(WorktreeSource(root, None))
        return TrustRoot.from_portfolio(portfolio), "the working tree (no git history)"
    repo.require_full_history()
    revision = find_base(repo, repo.resolve("HEAD"), base)
    portfolio = load_portfolio(RevisionSource(repo, revision), LoadOptions(require_settings=False))
    lines = ignore_lines(read_revision_ignore(repo, revision))
    return TrustRoot.from_portfolio(portfolio, lines), f"the trusted base {revision[:12]}"
