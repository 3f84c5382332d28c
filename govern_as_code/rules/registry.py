"""The explicit registry of rules: id to module. Adding a rule means adding it here."""

from __future__ import annotations

from govern_as_code.problems import RuleInfo
from govern_as_code.rules import (
    dates_not_after_commit,
    drift_threshold,
    foreign_manifest_linked,
    production_needs_metrics,
    production_requires_approvals,
    qualified_before_development,
    references_resolve,
    revalidation_due,
    stage_order,
    trust_changes_need_admin,
    ungoverned_in_production,
)
from govern_as_code.rules.base import RuleModule
from govern_as_code.rules.core_checks import CORE_CHECKS

RULES: dict[str, RuleModule] = {
    module.ID: module
    for module in (
        references_resolve,
        production_requires_approvals,
        trust_changes_need_admin,
        stage_order,
        qualified_before_development,
        production_needs_metrics,
        drift_threshold,
        revalidation_due,
        ungoverned_in_production,
        foreign_manifest_linked,
        dates_not_after_commit,
    )
}


def rule_infos() -> tuple[RuleInfo, ...]:
    """Every check and rule with its documentation, for `gac rules` and the reporters."""
    infos = [
        RuleInfo(rule_id, summary, f"{summary}\n\n{example}")
        for rule_id, (summary, example) in CORE_CHECKS.items()
    ]
    for module in RULES.values():
        infos.append(RuleInfo(module.ID, module.SUMMARY, (module.__doc__ or "").strip()))
    return tuple(infos)
