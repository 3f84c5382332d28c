"""Applying the policy: which rules run, on what, at which level.

Rules yield problems without a level. The engine alone stamps levels, drops what a rule's
`when:` selector does not select (judging each problem by its own document, see facets.py),
adds the problems found while loading, and repeats the policy's warnings (a safety rule off).
"""

from __future__ import annotations

from collections.abc import Iterable

from govern_as_code.errors import GovernError
from govern_as_code.portfolio.model import Deployment
from govern_as_code.problems import Level, Problem
from govern_as_code.rules.base import RuleContext
from govern_as_code.rules.facets import FacetIndex
from govern_as_code.rules.policy import GATE_RULE, ResolvedPolicy
from govern_as_code.rules.registry import RULES
from govern_as_code.rules.waivers import apply_waivers


def run_rules(
    context: RuleContext, policy: ResolvedPolicy, only: Iterable[str] | None = None
) -> list[Problem]:
    """Every problem of the portfolio under `policy`, with levels, sorted by location."""
    wanted = set(only) if only is not None else None
    if wanted is not None and wanted - set(RULES):
        raise GovernError(f"unknown rules {sorted(wanted - set(RULES))}", "name registered rules")
    # A loader finding is an error unless the loader said otherwise (a refused exclusion).
    problems = [p.with_level(p.level or Level.ERROR) for p in context.portfolio.problems]
    problems.extend(n for n in policy.notices if wanted is None or n.rule in wanted)
    facets = FacetIndex(context)  # indexed on first use: most policies select nothing
    for rule_id, module in RULES.items():
        if wanted is not None and rule_id not in wanted:
            continue
        setting = policy.get(rule_id)
        if setting is None or setting.level is Level.OFF:
            continue
        for problem in module.check(context, setting.options):
            if setting.when is None or facets.selects(setting.when, problem):
                problems.append(problem.with_level(setting.level))
    return apply_waivers(context, sorted(set(problems)))


def gated_deployments(context: RuleContext, policy: ResolvedPolicy) -> list[Deployment]:
    """The deployments the deploy gate judges: protected, and selected by the gate rule.

    None when the gate rule is off (the policy's notices then warn about it on every run).
    """
    setting = policy[GATE_RULE]
    if setting.level is Level.OFF:
        return []
    facets = FacetIndex(context)
    chosen = []
    for deployment in context.portfolio.deployments():
        if not context.trust.settings.gates(deployment.environment, deployment.path):
            continue
        selector = setting.when
        if selector is not None and not facets.selects(selector, deployment.problem(GATE_RULE, "")):
            continue
        chosen.append(deployment)
    return chosen
