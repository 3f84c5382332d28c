"""`gac validate`: schemas and references only, no history and no evidence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from govern_as_code.git import Repository
from govern_as_code.portfolio import load_portfolio, open_source
from govern_as_code.portfolio.base import resolve_at
from govern_as_code.portfolio.trust import TrustRoot
from govern_as_code.problems import Level, LintReport
from govern_as_code.rules import references_resolve
from govern_as_code.rules.base import NoOptions, RuleContext
from govern_as_code.rules.registry import rule_infos


def validate(root: Path, revision: str | None = None) -> LintReport:
    """Load every document of `root` (or of `revision`) and check schemas and references.

    `revision` is what `--at` accepts everywhere: an ISO date (the last commit on or before
    it) or a git revision.
    """
    label = revision
    if revision is not None:
        repo = Repository.discover(root)
        if repo is not None and repo.has_commits():
            revision = resolve_at(repo, revision)
    portfolio = load_portfolio(open_source(root, revision, label))
    context = RuleContext(portfolio, TrustRoot.from_portfolio(portfolio), date.today())
    problems = [p.with_level(p.level or Level.ERROR) for p in portfolio.problems]
    problems += [p.with_level(Level.ERROR) for p in references_resolve.check(context, NoOptions())]
    return LintReport(tuple(sorted(set(problems))), len(portfolio.documents), rule_infos())
