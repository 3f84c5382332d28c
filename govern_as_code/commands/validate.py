"""`gac validate`: schemas and references only, no history and no evidence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from govern_as_code.git import Repository
from govern_as_code.portfolio import load_portfolio, open_source
from govern_as_code.portfolio.base import resolve_at
from govern_as_code.portfolio.blobs import BlobStore
from govern_as_code.portfolio.cache import ParseCache, cache_folder
from govern_as_code.portfolio.trust import TrustRoot
from govern_as_code.problems import Level, LintReport
from govern_as_code.rules import references_resolve
from govern_as_code.rules.base import NoOptions, RuleContext
from govern_as_code.rules.registry import rule_infos


def validate(
    root: Path,
    revision: str | None = None,
    cache_dir: Path | None = None,
    no_cache: bool = False,
) -> LintReport:
    """Load every document of `root` (or of `revision`) and check schemas and references.

    `revision` is what `--at` accepts everywhere: an ISO date (the last commit on or before
    it) or a git revision.
    """
    label = revision
    repo = Repository.discover(root)
    if revision is not None and repo is not None and repo.has_commits():
        revision = resolve_at(repo, revision)
    folder = cache_folder(cache_dir, no_cache, repo.git_dir if repo is not None else None)
    store = BlobStore(ParseCache(folder) if folder is not None else None)
    portfolio = load_portfolio(open_source(root, revision, label), store=store)
    store.save()
    context = RuleContext(portfolio, TrustRoot.from_portfolio(portfolio), date.today())
    problems = [p.with_level(p.level or Level.ERROR) for p in portfolio.problems]
    problems += [p.with_level(Level.ERROR) for p in references_resolve.check(context, NoOptions())]
    return LintReport(tuple(sorted(set(problems))), len(portfolio.documents), rule_infos())
