"""The policy engine fails closed: packs, extends, merging, levels, selectors and options.

Each portfolio is a real folder in tmp_path (no history, so it is its own trusted base), or a
real git repository where the trusted base matters. Every run uses a pinned date.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from repo_helpers import commit_all, git, write

from govern_as_code.cli.common import exit_code
from govern_as_code.cli.main import cli
from govern_as_code.errors import GovernError
from govern_as_code.gate.context import GateContext
from govern_as_code.gate.options import GateOptions
from govern_as_code.portfolio import load_portfolio, open_source
from govern_as_code.portfolio.trust import TrustRoot
from govern_as_code.problems import GateResult, Level, LintReport, Problem
from govern_as_code.rules.engine import gated_deployments, run_rules
from govern_as_code.rules.policy import SAFETY_RULES, gate_options, resolve_policy

TODAY = date(2026, 3, 1)
DIGEST = "sha256:" + "0" * 64


def governance(policies: list[str] | None = None, extra: str = "") -> str:
    listed = f"  policies: {json.dumps(policies)}\n" if policies is not None else ""
    return (
        "apiVersion: govern-as-code/v1\n"
        "kind: Portfolio\n"
        "metadata:\n"
        "  id: acme\n"
        "spec:\n"
        "  environments:\n"
        "    staging: {protected: false}\n"
        "    production: {protected: true}\n"
        f"{listed}{extra}"
    )


def policy(ident: str, rules: str, extends: list[str] | None = None) -> str:
    """A Policy document; its `rules:` body starts on line 7 (8 with extends)."""
    parents = f"  extends: {json.dumps(extends)}\n" if extends else ""
    return (
        "apiVersion: govern-as-code/v1\n"
        "kind: Policy\n"
        "metadata:\n"
        f"  id: {ident}\n"
        "spec:\n"
        f"{parents}"
        "  rules:\n"
        f"{rules}"
    )


def model_files(
    *, governed: bool = True, tier: str = "low", version: str = "m@1", model: str = "m"
) -> dict[str, str]:
    number = version.split("@")[1]
    return {
        f"projects/{model}-p.yaml": "apiVersion: govern-as-code/v1\nkind: Project\n"
        f"metadata:\n  id: {model}-p\nspec:\n  owner: ana\n  governed: {str(governed).lower()}\n",
        f"models/{model}.yaml": "apiVersion: govern-as-code/v1\nkind: Model\n"
        f"metadata:\n  id: {model}\nspec:\n  project: {model}-p\n  task: classification\n"
        f"  riskTier: {tier}\n",
        f"versions/{model}-{number}.yaml": "apiVersion: govern-as-code/v1\nkind: ModelVersion\n"
        f"metadata:\n  id: {version}\nspec:\n  model: {model}\n  version: '{number}'\n"
        "  created: 2026-01-10T09:00:00Z\n  createdBy: ana\n"
        f"  artifact: {{uri: s3://models/{model}/{number}, digest: '{DIGEST}'}}\n"
        "  status: production\n",
    }


def deployment(name: str, environment: str, version: str = "m@1") -> str:
    return (
        "apiVersion: govern-as-code/v1\nkind: Deployment\n"
        f"metadata:\n  id: {name}\nspec:\n  environment: {environment}\n"
        f"  modelVersion: {version}\n"
    )


def context_of(root: Path, files: dict[str, str], base: Path | None = None) -> GateContext:
    """The rule context of a folder; `base`, when given, is a second folder read as the base."""
    write(root, files)
    portfolio = load_portfolio(open_source(root))
    trusted = load_portfolio(open_source(base)) if base is not None else portfolio
    return GateContext(portfolio, TrustRoot.from_portfolio(trusted), TODAY)


def resolve_error(tmp_path: Path, files: dict[str, str]) -> str:
    context = context_of(tmp_path, files)
    with pytest.raises(GovernError) as caught:
        resolve_policy(context.trust)
    return f"{caught.value.message} | {caught.value.fix}"


def lint(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli, ["lint", "--repo", str(root), "--today", TODAY.isoformat(), *args]
    )
    return result.exit_code, result.stdout, result.stderr


# --- 1. unknown rule ids ---------------------------------------------------------------------


def test_unknown_rule_id_stops_with_file_line_and_nearest_id(tmp_path: Path) -> None:
    files = {
        "governance.yaml": governance(["gate"]),
        "policies/gate.yaml": policy(
            "gate", "    production-requires-approval:\n      level: error\n"
        ),
        **model_files(),
        "deployments/production/m.yaml": deployment("m-prod", "production"),
    }
    write(tmp_path, files)

    code, out, err = lint(tmp_path)

    assert code == 2, out
    assert "no problems" not in out
    assert err.splitlines() == [
        "gac: error: policies/gate.yaml:7: unknown rule 'production-requires-approval';"
        " did you mean 'production-requires-approvals'?",
        "gac: fix: use one of: dates-not-after-commit, drift-threshold, foreign-manifest-linked,"
        " production-needs-metrics, production-requires-approvals,"
        " qualified-before-development, references-resolve, revalidation-due, stage-order,"
        " trust-changes-need-admin, ungoverned-in-production (see `gac rules`)",
    ]


def test_unknown_rule_in_an_extended_pack_is_found_there(tmp_path: Path) -> None:
    message = resolve_error(
        tmp_path,
        {
            "governance.yaml": governance(["child"]),
            "policies/child.yaml": policy("child", "    stage-order: {level: warning}\n", ["base"]),
            "policies/base.yaml": policy("base", "    stage-ordre: {level: error}\n"),
        },
    )
    assert message.startswith(
        "policies/base.yaml:7: unknown rule 'stage-ordre'; did you mean 'stage-order'?"
    )


def test_a_loading_check_cannot_be_configured(tmp_path: Path) -> None:
    message = resolve_error(
        tmp_path,
        {
            "governance.yaml": governance(["p"]),
            "policies/p.yaml": policy("p", "    schema: {level: off}\n"),
        },
    )
    assert message.startswith("policies/p.yaml:7: 'schema' is a loading check, always on")


# --- 2. a blocked gate is exit 1, whatever the problem list says ------------------------------


def test_exit_code_is_1_for_a_blocked_gate_without_any_error() -> None:
    blocked = GateResult("deployments/production/m.yaml", "production", "m@1", False, ("no",))
    warning = Problem("a.yaml", 1, 1, "drift-threshold", "drift", level=Level.WARNING)
    assert exit_code(LintReport((warning,), 1, (), (blocked,))) == 1
    passed = GateResult("deployments/production/m.yaml", "production", "m@1", True)
    assert exit_code(LintReport((warning,), 1, (), (passed,))) == 0


def test_lint_exits_1_when_the_gate_rule_is_only_a_warning(tmp_path: Path) -> None:
    files = {
        "governance.yaml": governance(["gate"]),
        "policies/gate.yaml": policy(
            "gate", "    production-requires-approvals:\n      level: warning\n"
        ),
        **model_files(),
        "people/ana.yaml": "apiVersion: govern-as-code/v1\nkind: Person\nmetadata:\n  id: ana\n"
        "spec:\n  name: Ana\n  email: ana@example.com\n  department: data\n",
        "deployments/production/m.yaml": deployment("m-prod", "production"),
    }
    write(tmp_path, files)

    code, out, _ = lint(tmp_path, "--format", "json")

    report = json.loads(out)
    assert report["summary"]["errors"] == 0
    assert {p["rule"] for p in report["problems"]} == {"production-requires-approvals"}
    assert code == 1


# --- 3. bad options --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            "        maxAgeDays: 0\n",
            "policies/gate.yaml:10: option maxAgeDays of rule production-requires-approvals"
            " is 0: Input should be greater than or equal to 1"
            " | fix the option (maxAgeDays is a int, default 365),"
            " see `gac rules production-requires-approvals`",
        ),
        (
            "        maxAgeDay: 30\n",
            "policies/gate.yaml:10: rule production-requires-approvals has no option"
            " 'maxAgeDay'; did you mean 'maxAgeDays'?"
            " | use only these options of production-requires-approvals: roles, finalRole,"
            " distinctDepartments, maxAgeDays",
        ),
        (
            "        roles:\n          hgih: [risk-review]\n",
            "policies/gate.yaml:11: option roles.hgih of rule production-requires-approvals"
            " is 'hgih': Input should be 'low', 'medium', 'high' or 'critical'",
        ),
        (
            "        distinctDepartments: 'no'\n",
            "policies/gate.yaml:10: option distinctDepartments of rule"
            " production-requires-approvals is 'no': Input should be a valid boolean",
        ),
    ],
    ids=["too-small", "misspelled", "unknown-tier", "wrong-type"],
)
def test_bad_gate_options_stop_with_the_option_and_its_line(
    tmp_path: Path, options: str, expected: str
) -> None:
    rules = f"    production-requires-approvals:\n      level: error\n      options:\n{options}"
    files = {
        "governance.yaml": governance(["gate"]),
        "policies/gate.yaml": policy("gate", rules),
    }
    assert resolve_error(tmp_path, files).startswith(expected)
    code, _, err = lint(tmp_path)
    assert code == 2
    assert "internal error" not in err and "validation error" not in err
    assert err.startswith(f"gac: error: {expected.split(' | ')[0]}")


def test_every_caller_resolves_gate_options_through_the_policy(tmp_path: Path) -> None:
    rules = "    production-requires-approvals:\n      options:\n        maxAgeDays: 30\n"
    context = context_of(
        tmp_path,
        {"governance.yaml": governance(["gate"]), "policies/gate.yaml": policy("gate", rules)},
    )
    options = gate_options(context.trust)
    assert options == GateOptions(maxAgeDays=30)
    assert options.roles == GateOptions().roles  # the defaults live in one place


def test_the_shipped_pack_keeps_the_gate_defaults_in_one_place(tmp_path: Path) -> None:
    context = context_of(tmp_path, {"governance.yaml": governance()})
    assert gate_options(context.trust) == GateOptions()
    assert GateOptions().roles["medium"] == ["technical-review", "risk-review"]


# --- 4. the safety rules ---------------------------------------------------------------------


def test_own_policies_keep_the_safety_rules_on(tmp_path: Path) -> None:
    context = context_of(
        tmp_path,
        {
            "governance.yaml": governance(["mine"]),
            "policies/mine.yaml": policy("mine", "    stage-order: {level: warning}\n"),
        },
    )
    resolved = resolve_policy(context.trust)
    assert {r: resolved[r].level for r in SAFETY_RULES} == dict.fromkeys(SAFETY_RULES, Level.ERROR)
    assert resolved["stage-order"].level is Level.WARNING
    assert "drift-threshold" not in resolved  # a pack of one's own replaces the default
    assert resolved.notices == ()


def test_own_policies_still_report_a_broken_reference(tmp_path: Path) -> None:
    files = {
        "governance.yaml": governance(["mine"]),
        "policies/mine.yaml": policy("mine", "    stage-order: {level: warning}\n"),
        **model_files(),
    }
    write(tmp_path, files)
    code, out, _ = lint(tmp_path, "--format", "json")
    found = {(p["rule"], p["path"], p["level"]) for p in json.loads(out)["problems"]}
    # The project names owner ana, whom no Person document describes.
    assert ("references-resolve", "projects/m-p.yaml", "error") in found
    assert code == 1


def test_a_safety_rule_switched_off_warns_on_every_run(tmp_path: Path) -> None:
    rules = "    references-resolve:\n      level: off\n    production-requires-approvals:\n"
    rules += "      level: off\n"
    files = {
        "governance.yaml": governance(["mine"]),
        "policies/mine.yaml": policy("mine", rules),
        **model_files(),
        "deployments/production/m.yaml": deployment("m-prod", "production"),
    }
    context = context_of(tmp_path, files)
    resolved = resolve_policy(context.trust)

    problems = run_rules(context, resolved)

    off = [(p.path, p.line, p.rule, p.level) for p in problems]
    assert off == [
        ("policies/mine.yaml", 8, "references-resolve", Level.WARNING),
        ("policies/mine.yaml", 10, "production-requires-approvals", Level.WARNING),
    ]
    assert all("switched off" in p.message for p in problems)
    assert gated_deployments(context, resolved) == []
    code, out, _ = lint(tmp_path)
    assert code == 0
    assert "safety rule production-requires-approvals is switched off" in out


# --- 5. selectors judge what is gated --------------------------------------------------------


def test_a_native_deployment_in_a_production_glob_is_production(tmp_path: Path) -> None:
    extra = "  deploymentGlobs:\n    - {glob: 'live/*.yaml', environment: production}\n"
    context = context_of(
        tmp_path,
        {
            "governance.yaml": governance(extra=extra),
            **model_files(),
            "live/m.yaml": deployment("m-live", "staging"),
        },
    )
    (found,) = context.portfolio.deployments()
    assert found.environment == "production"
    assert [d.path for d in gated_deployments(context, resolve_policy(context.trust))] == [
        "live/m.yaml"
    ]


def _ungoverned(tmp_path: Path, when: str, files: dict[str, str]) -> list[Problem]:
    rules = f"    ungoverned-in-production:\n      when: {when}\n"
    context = context_of(
        tmp_path,
        {
            "governance.yaml": files.pop("governance.yaml", governance(["p"])),
            "policies/p.yaml": policy("p", rules),
            **files,
        },
    )
    return run_rules(context, resolve_policy(context.trust), only=["ungoverned-in-production"])


def test_environment_selector_uses_the_gated_folder_not_the_claim(tmp_path: Path) -> None:
    problems = _ungoverned(
        tmp_path,
        "{environment: production}",
        {
            **model_files(governed=False),
            "deployments/production/m.yaml": deployment("m-prod", "staging"),
        },
    )
    assert [(p.rule, p.path) for p in problems] == [
        ("ungoverned-in-production", "deployments/production/m.yaml")
    ]


def test_a_decoy_manifest_in_the_same_file_does_not_decide_for_the_other(tmp_path: Path) -> None:
    manifests = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: risky\n  annotations:\n"
        "    govern-as-code/model-version: r@1\n"
        "---\n"
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: decoy\n  annotations:\n"
        "    govern-as-code/model-version: m@1\n"
    )
    problems = _ungoverned(
        tmp_path,
        "{riskTier: high}",
        {
            "governance.yaml": governance(["p"], "  deploymentGlobs: ['k8s/*.yaml']\n"),
            **model_files(governed=True, tier="low"),
            **model_files(governed=False, tier="high", version="r@1", model="r"),
            "k8s/both.yaml": manifests,
        },
    )
    assert [(p.path, p.line, p.subject) for p in problems] == [("k8s/both.yaml", 6, "r@1")]


def test_risk_tier_selector_uses_the_strictest_of_base_and_head(tmp_path: Path) -> None:
    rules = "    ungoverned-in-production:\n      when: {riskTier: high}\n"
    common = {
        "governance.yaml": governance(["p"]),
        "policies/p.yaml": policy("p", rules),
        "deployments/production/m.yaml": deployment("m-prod", "production"),
    }
    base = tmp_path / "base"
    write(base, {**common, **model_files(governed=False, tier="high")})
    # The change lowers the model's tier to dodge the selector.
    context = context_of(
        tmp_path / "head", {**common, **model_files(governed=False, tier="low")}, base
    )

    problems = run_rules(context, resolve_policy(context.trust), only=["ungoverned-in-production"])

    assert [p.path for p in problems] == ["deployments/production/m.yaml"]


@pytest.mark.parametrize(
    ("rule", "when", "expected"),
    [
        (
            "ungoverned-in-production",
            "{environment: prodution}",
            "policies/p.yaml:8: when.environment names 'prodution', which governance.yaml"
            " does not declare; did you mean 'production'?",
        ),
        (
            "ungoverned-in-production",
            "{kind: Deploymnet}",
            "policies/p.yaml:8: when.kind names an unknown kind 'Deploymnet'; did you mean"
            " 'Deployment'?",
        ),
        (
            "stage-order",
            "{kind: Deployment}",
            "policies/p.yaml:8: rule stage-order never reports on a Deployment, so when.kind"
            " 'Deployment' would select nothing",
        ),
        (
            "stage-order",
            "{environment: production}",
            "policies/p.yaml:8: rule stage-order reports on Project, which have no environment",
        ),
        (
            "stage-order",
            "{riskTier: high}",
            "policies/p.yaml:8: rule stage-order reports on Project, which have no risk tier",
        ),
    ],
    ids=["environment-typo", "kind-typo", "kind-never-reported", "no-environment", "no-tier"],
)
def test_a_selector_that_selects_nothing_is_an_error(
    tmp_path: Path, rule: str, when: str, expected: str
) -> None:
    files = {
        "governance.yaml": governance(["p"]),
        "policies/p.yaml": policy("p", f"    {rule}:\n      when: {when}\n"),
    }
    assert resolve_error(tmp_path, files).startswith(expected)


# --- extends, merging, policy names ----------------------------------------------------------


def test_extends_merges_levels_selectors_and_options(tmp_path: Path) -> None:
    parent = (
        "    drift-threshold:\n      level: error\n      options: {threshold: 0.5}\n"
        "    stage-order: {level: warning}\n"
    )
    child = "    drift-threshold:\n      options: {metrics: {psi: 0.1}}\n"
    context = context_of(
        tmp_path,
        {
            "governance.yaml": governance(["child"]),
            "policies/child.yaml": policy("child", child, ["parent"]),
            "policies/parent.yaml": policy("parent", parent, ["default"]),
        },
    )
    resolved = resolve_policy(context.trust)
    drift = resolved["drift-threshold"]
    assert drift.level is Level.ERROR  # the child set options only
    assert drift.options.model_dump() == {"threshold": 0.5, "metrics": {"psi": 0.1}}
    assert drift.where == "policies/parent.yaml:9"  # its `level:` line
    assert resolved["stage-order"].level is Level.WARNING
    assert resolved["revalidation-due"].level is Level.ERROR  # from the shipped default


def test_an_extends_cycle_is_an_error(tmp_path: Path) -> None:
    message = resolve_error(
        tmp_path,
        {
            "governance.yaml": governance(["a"]),
            "policies/a.yaml": policy("a", "    stage-order: {level: error}\n", ["b"]),
            "policies/b.yaml": policy("b", "    stage-order: {level: error}\n", ["a"]),
        },
    )
    assert message.startswith("policies/a.yaml:6: policy 'a' extends itself through a -> b -> a")


def test_a_misspelled_parent_names_where_it_was_written(tmp_path: Path) -> None:
    message = resolve_error(
        tmp_path,
        {
            "governance.yaml": governance(["a"]),
            "policies/a.yaml": policy("a", "    stage-order: {level: error}\n", ["defualt"]),
        },
    )
    assert message.startswith(
        "policies/a.yaml:6: the policy 'defualt' was not found in the trusted base nor among"
        " the shipped packs; did you mean 'default'?"
    )


def test_a_missing_policy_names_the_governance_line(tmp_path: Path) -> None:
    message = resolve_error(tmp_path, {"governance.yaml": governance(["policies/gate.yaml"])})
    assert message.startswith(
        "governance.yaml:9: the policy 'policies/gate.yaml' was not found in the trusted base"
    )


def test_an_invalid_policy_is_named_with_its_own_problem(tmp_path: Path) -> None:
    message = resolve_error(
        tmp_path,
        {
            "governance.yaml": governance(["policies/gate.yaml"]),
            "policies/gate.yaml": policy("gate", "    stage-order: {level: of}\n"),
        },
    )
    assert message.startswith(
        "governance.yaml:9: the policy 'policies/gate.yaml' is not a valid Policy in the"
        " trusted base: policies/gate.yaml:7:"
    )


def test_the_policy_comes_from_the_trusted_base_not_the_change(tmp_path: Path) -> None:
    """A change that switches the gate off is still gated, and lint says so with exit 1."""
    files = {
        "governance.yaml": governance(["gate"]),
        "policies/gate.yaml": policy("gate", "    production-requires-approvals: {level: error}\n"),
        **model_files(),
        "deployments/production/m.yaml": deployment("m-prod", "production"),
    }
    write(tmp_path, files)
    git(tmp_path, "init", "-q", "-b", "main")
    commit_all(tmp_path, "base")
    git(tmp_path, "checkout", "-q", "-b", "change")
    write(
        tmp_path,
        {"policies/gate.yaml": policy("gate", "    production-requires-approvals: {level: off}\n")},
    )
    commit_all(tmp_path, "switch the gate off")

    code, out, _ = lint(tmp_path, "--format", "json")

    assert code == 1
    rules = {p["rule"] for p in json.loads(out)["problems"]}
    assert "production-requires-approvals" in rules
    assert "trust-changes-need-admin" in rules


# --- 6. gac rules --repo ---------------------------------------------------------------------


def test_gac_rules_shows_the_repository_policy(tmp_path: Path) -> None:
    rules = (
        "    drift-threshold:\n      level: error\n      options: {threshold: 0.5}\n"
        "    production-requires-approvals:\n      when: {environment: production}\n"
    )
    write(
        tmp_path,
        {"governance.yaml": governance(["p"]), "policies/p.yaml": policy("p", rules)},
    )
    runner = CliRunner()

    listing = runner.invoke(cli, ["rules", "--repo", str(tmp_path)])
    one = runner.invoke(cli, ["rules", "drift-threshold", "--repo", str(tmp_path)])

    assert listing.exit_code == 0, listing.output
    levels = {line.split()[0]: line.split()[1] for line in listing.stdout.splitlines()[1:]}
    assert levels["drift-threshold"] == "error"
    assert levels["stage-order"] == "off"  # a pack of one's own replaces the default
    assert levels["references-resolve"] == "error"  # a safety rule stays on
    assert levels["parse"] == "error"
    assert one.exit_code == 0, one.output
    assert one.stdout.splitlines()[:6] == [
        "policy read from the working tree (no git history)",
        "",
        "drift-threshold: error (set at policies/p.yaml:8)",
        "options:",
        "  threshold: 0.5",
        "  metrics: {}",
    ]
    assert "Passing" in one.stdout and "Failing" in one.stdout


def test_gac_rules_stops_on_a_bad_policy(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "governance.yaml": governance(["p"]),
            "policies/p.yaml": policy("p", "    drift-treshold: {level: error}\n"),
        },
    )
    result = CliRunner().invoke(cli, ["rules", "--repo", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "gac: error: policies/p.yaml:7: unknown rule 'drift-treshold'; did you mean"
        " 'drift-threshold'?"
    )


# --- 10. what a change cannot do to a selector, and typos that would select nothing ---------


def test_editing_labels_does_not_take_a_document_out_of_a_selection(tmp_path: Path) -> None:
    rules = "    ungoverned-in-production:\n      when: {labels: {team: risk}}\n"
    labelled = deployment("m-prod", "production").replace(
        "  id: m-prod\n", "  id: m-prod\n  labels: {team: risk}\n"
    )
    common = {
        "governance.yaml": governance(["p"]),
        "policies/p.yaml": policy("p", rules),
        **model_files(governed=False),
    }
    base = tmp_path / "base"
    write(base, {**common, "deployments/production/m.yaml": labelled})
    # The change drops the label the trusted policy selects on.
    head = {**common, "deployments/production/m.yaml": deployment("m-prod", "production")}
    context = context_of(tmp_path / "head", head, base)

    problems = run_rules(context, resolve_policy(context.trust), only=["ungoverned-in-production"])

    assert [p.path for p in problems] == ["deployments/production/m.yaml"]


def test_the_gate_rule_cannot_select_an_unprotected_environment(tmp_path: Path) -> None:
    rules = "    production-requires-approvals:\n      when: {environment: staging}\n"
    files = {"governance.yaml": governance(["p"]), "policies/p.yaml": policy("p", rules)}
    assert resolve_error(tmp_path, files).startswith(
        "policies/p.yaml:8: rule production-requires-approvals judges only protected"
        " environments, and 'staging' is not protected"
    )


def test_a_policy_nothing_puts_in_force_is_warned_about(tmp_path: Path) -> None:
    context = context_of(
        tmp_path,
        {
            "governance.yaml": governance(),
            "policies/strict.yaml": policy("strict", "    drift-threshold: {level: error}\n"),
        },
    )
    resolved = resolve_policy(context.trust)
    assert [(n.path, n.line, n.rule, n.level) for n in resolved.notices] == [
        ("policies/strict.yaml", 4, "policy-not-in-force", Level.WARNING)
    ]
    assert resolved["drift-threshold"].level is Level.WARNING  # the default pack is in force


def test_gac_rules_outside_a_portfolio_shows_the_shipped_pack(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["rules", "--repo", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert (
        lines[0] == f"policy read from the shipped default pack (no governance.yaml in {tmp_path})"
    )
    levels = {line.split()[0]: line.split()[1] for line in lines[1:]}
    assert levels["drift-threshold"] == "warning"
    assert levels["production-requires-approvals"] == "error"


def test_request_review_stops_on_bad_gate_options_like_lint(tmp_path: Path) -> None:
    rules = "    production-requires-approvals:\n      options: {maxAgeDays: 0}\n"
    write(
        tmp_path,
        {
            "governance.yaml": governance(["gate"]),
            "policies/gate.yaml": policy("gate", rules),
            **model_files(),
        },
    )
    git(tmp_path, "init", "-q", "-b", "main")
    commit_all(tmp_path, "base")
    result = CliRunner().invoke(cli, ["request-review", "m@1", "--repo", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[0] == (
        "gac: error: policies/gate.yaml:8: option maxAgeDays of rule"
        " production-requires-approvals is 0: Input should be greater than or equal to 1"
    )
