"""Findings: who can act on each lint problem and gate result, and which pages show it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from govern_as_code.problems import GateResult, Level, Problem
from govern_as_code.report.aggregate import merge
from govern_as_code.report.data import (
    ApprovalRec,
    DeploymentRec,
    FindingRec,
    InitiativeRec,
    KeyRec,
    ModelRec,
    NeedRec,
    PersonRec,
    ProjectRec,
    ReportData,
    SignoffRec,
    VersionRec,
)
from govern_as_code.report.export import from_dict, to_dict
from govern_as_code.report.findings import PORTFOLIO, attach, build_findings, ref
from govern_as_code.report.health import (
    APPROVALS,
    BLOCKED,
    DRIFT,
    OVERDUE,
    WAIVER,
    HealthIndex,
)
from govern_as_code.report.lookup import Lookup
from govern_as_code.report.signoff import signoff_matrix
from govern_as_code.report.views_findings import finding_view

WHEN = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
VERSION_FILE = "projects/churn/models/churn-xgb/versions/3.yaml"
FRAUD_FILE = "projects/fraud/models/txn-ae/versions/2.yaml"
MANIFEST = "deployments/production/txn-ae.yaml"
APPROVAL_FILE = "approvals/txn-ae/2/technical-review--li.yaml"


def _data() -> ReportData:
    return ReportData(
        name="Test",
        people=(
            PersonRec("ann", "Ann Owner", "ds", roles=("data-scientist",)),
            PersonRec("bob", "Bob Business", "business", roles=("business-review",)),
            PersonRec("sam", "Sam Sponsor", "risk", roles=("business-review", "risk-review")),
            PersonRec("li", "Li Tech", "ds", roles=("technical-review",)),
            PersonRec("pat", "Pat Project", "ds"),
            PersonRec("ivy", "Ivy Initiative", "exec"),
            PersonRec(
                "old",
                "Old Timer",
                "risk",
                keys=(KeyRec("ssh", "SHA256:x", WHEN, None),),
                status="departed",
                departed_on=WHEN.date(),
            ),
        ),
        initiatives=(InitiativeRec("growth", "Growth", owner="ivy"),),
        projects=(
            ProjectRec("churn", "Churn", "pat", initiative="growth"),
            ProjectRec("fraud", "Fraud", "pat", sponsors=("sam",)),
        ),
        models=(
            ModelRec("churn-xgb", "Churn XGB", "churn", "classification", "medium", owner="ann"),
            ModelRec("txn-ae", "Txn AE", "fraud", "anomaly", "medium"),  # no owner: the project's
        ),
        versions=(
            VersionRec("churn-xgb@3", "churn-xgb", "3", WHEN, "ann", "production"),
            VersionRec("txn-ae@2", "txn-ae", "2", WHEN, "ann", "production"),
        ),
        approvals=(
            ApprovalRec(
                "txn-ae@2",
                "technical-review",
                "li",
                "approved",
                WHEN,
                "current",
                "signed commit",
                path=APPROVAL_FILE,
            ),
            ApprovalRec(
                "txn-ae@2",
                "risk-review",
                "sam",
                "approved",
                WHEN,
                "current",
                "signed commit",
                signer_fingerprint="SHA256:sam",
                commit="c" * 40,
            ),
        ),
        deployments=(
            DeploymentRec(MANIFEST, "production", "txn-ae@2", "", False, True, "blocked"),
        ),
        signoffs=(
            SignoffRec(
                "txn-ae@2",
                ("technical-review", "risk-review", "business-review", "final-approval"),
                gated=True,
                needed=(
                    NeedRec(
                        "business-review",
                        ("bob",),
                        "",
                        ("sam holds the role but already fills risk-review",),
                    ),
                    NeedRec("final-approval", (), "signed after all the approvals above"),
                ),
            ),
        ),
    )


def _problems() -> list[Problem]:
    return [
        Problem(
            VERSION_FILE,
            36,
            28,
            "drift-threshold",
            "churn-xgb@3 (production): drift psi is 0.31",
            "investigate the drift",
            "churn-xgb@3",
            Level.WARNING,
        ),
        Problem(
            FRAUD_FILE,
            18,
            3,
            "revalidation-due",
            "txn-ae@2 is 51 days overdue",
            "revalidate the version",
            "txn-ae@2",
            Level.ERROR,
        ),
        Problem(
            MANIFEST,
            9,
            3,
            "production-requires-approvals",
            "txn-ae@2 cannot go to production: missing a current, verified business-review"
            " approval (can give it: bob)",
            "run `gac request-review txn-ae@2`",
            "txn-ae@2",
            Level.ERROR,
        ),
        Problem(APPROVAL_FILE, 3, 1, "schema", "bad field", level=Level.ERROR),
        Problem("people/old.yaml", 1, 1, "identities", "a key expired", level=Level.WARNING),
        Problem("x.yaml", 1, 1, "quiet", "switched off", level=Level.OFF),
    ]


DOCUMENTS = {
    VERSION_FILE: ("ModelVersion", "churn-xgb@3"),
    FRAUD_FILE: ("ModelVersion", "txn-ae@2"),
    MANIFEST: ("Deployment", "txn-ae-prod"),
    APPROVAL_FILE: ("Approval", "txn-ae-2-tech-li"),
    "people/old.yaml": ("Person", "old"),
}


def _findings(gates: tuple[GateResult, ...] = ()) -> ReportData:
    data = _data()
    return replace(data, findings=build_findings(data, _problems(), gates, DOCUMENTS))


def _one(data: ReportData, rule: str) -> FindingRec:
    (found,) = [f for f in data.findings if f.rule == rule]
    return found


def test_who_can_act_is_named_in_words() -> None:
    data = _findings()
    assert [f.rule for f in data.findings] == [
        "drift-threshold",
        "revalidation-due",
        "production-requires-approvals",
        "schema",
        "identities",
    ]  # a rule switched off is no finding
    drift = _one(data, "drift-threshold")
    assert (drift.level, drift.actors) == ("warning", ("ann",))
    assert drift.act.startswith("the model's owner: investigate the drift")
    # A model without an owner falls back on its project's owner.
    overdue = _one(data, "revalidation-due")
    assert overdue.actors == ("pat",) and "revalidate" in overdue.act
    gate = _one(data, "production-requires-approvals")
    assert gate.actors == ("bob",)
    assert gate.act == "eligible to give the missing business-review"
    assert (gate.kind, gate.document) == ("Deployment", MANIFEST)
    assert _one(data, "schema").actors == ("li",)  # the approval's reviewer
    assert _one(data, "identities").actors == ("old",)


def test_a_gate_result_already_among_the_problems_counts_once() -> None:
    gate = GateResult(
        MANIFEST,
        "production",
        "txn-ae@2",
        False,
        (
            "missing a current, verified business-review approval (can give it: bob)",
            "missing a current, verified final-approval approval, signed after all the others",
        ),
    )
    passed = GateResult("deployments/production/other.yaml", "production", "churn-xgb@3", True)
    data = _findings((gate, passed))
    gates = [f for f in data.findings if f.rule == "production-requires-approvals"]
    assert len(gates) == 2
    added = gates[1]
    assert added.source == "gate" and "final-approval" in added.message
    # Nobody can give it: the finding says so rather than naming nobody in silence.
    assert added.actors == () and added.act.startswith("nobody can give the missing final")


def test_findings_are_attached_to_every_document_they_concern() -> None:
    attached = attach(_findings())
    rules = {key: [f.rule for f in attached.of(key)] for key in attached.by_ref}
    assert rules[ref("version", "churn-xgb@3")] == ["drift-threshold"]
    assert rules[ref("model", "churn-xgb")] == ["drift-threshold"]
    assert rules[ref("project", "churn")] == ["drift-threshold"]
    assert rules[ref("initiative", "growth")] == ["drift-threshold"]
    assert rules[ref("person", "ann")] == ["drift-threshold"]
    # A gate result: its deployment and its version (and up); an approval's problem: its subject.
    assert rules[ref("deployment", MANIFEST)] == ["production-requires-approvals"]
    assert rules[ref("version", "txn-ae@2")] == [
        "revalidation-due",
        "production-requires-approvals",
        "schema",
    ]
    assert rules[ref("project", "fraud")] == rules[ref("version", "txn-ae@2")]
    assert rules[ref("person", "bob")] == ["production-requires-approvals"]
    assert rules[ref("person", "old")] == ["identities"]
    assert len(attached.of(PORTFOLIO)) == 5
    assert ref("initiative", "none") not in rules and attached.of("model:nope") == ()


def test_health_says_what_is_wrong() -> None:
    data = _findings()
    health = HealthIndex(data, attach(data))
    assert health.version("churn-xgb@3") == (DRIFT,)
    assert health.version("txn-ae@2") == (BLOCKED, OVERDUE, APPROVALS)
    assert health.project("churn") == (DRIFT,)
    assert health.deployment(data.deployments[0]) == (BLOCKED, OVERDUE, APPROVALS)
    assert health.version("unknown@1") == ()


def test_signoff_matrix_names_the_missing_role_and_who_can_give_it() -> None:
    lookup = Lookup(_findings())
    matrix = signoff_matrix(lookup, lookup.versions["txn-ae@2"])
    rows = {r.role: r for r in matrix.rows}
    assert [r.role for r in matrix.missing] == ["business-review", "final-approval"]
    assert rows["business-review"].state.text == "missing"
    assert [p.text for p in rows["business-review"].can_give] == ["Bob Business"]
    assert rows["final-approval"].can_give_text == "nobody can give it now"
    risk = rows["risk-review"]
    assert (risk.state.text, risk.person_text, risk.department) == ("given", "Sam Sponsor", "risk")
    assert (risk.fingerprint, risk.commit) == ("SHA256:sam", "c" * 10)
    assert "the approver is also a sponsor of the project" in risk.flags


def test_approvals_given_after_production_are_flagged() -> None:
    data = _findings()
    late = replace(data.signoffs[0], deployed_since=datetime(2026, 10, 1, tzinfo=UTC))
    lookup = Lookup(replace(data, signoffs=(late,)))
    rows = {r.role: r for r in signoff_matrix(lookup, lookup.versions["txn-ae@2"]).rows}
    assert rows["technical-review"].flags[0].startswith("given after the version reached")
    early = replace(late, deployed_since=datetime(2026, 12, 1, tzinfo=UTC))
    lookup = Lookup(replace(data, signoffs=(early,)))
    rows = {r.role: r for r in signoff_matrix(lookup, lookup.versions["txn-ae@2"]).rows}
    assert rows["technical-review"].flags == ()


def test_findings_round_trip_and_are_prefixed_when_aggregated() -> None:
    data = _findings()
    again = from_dict(json.loads(json.dumps(to_dict(data))), "x.json")
    assert again == data
    merged = merge([data], "Group")
    gate = next(f for f in merged.findings if f.rule == "production-requires-approvals")
    assert gate.actors == ("test/bob",) and gate.subject == "test/txn-ae@2"
    assert gate.document == f"test/{MANIFEST}"
    assert merged.signoffs[0].needed[0].people == ("test/bob",)
    assert merged.people[-1].departed_on == WHEN.date()
    attached = attach(merged)
    assert [f.rule for f in attached.of(ref("deployment", f"test/{MANIFEST}"))] == [
        "production-requires-approvals"
    ]
    assert len(attached.of(ref("person", "test/ann"))) == 1


def test_a_waived_problem_says_so_in_health() -> None:
    data = _data()
    waived = Problem(
        VERSION_FILE,
        18,
        3,
        "revalidation-due",
        "churn-xgb@3 is 3 days overdue (waived until 2026-12-31 by Waiver/churn-reval)",
        subject="churn-xgb@3",
        level=Level.WARNING,
    )
    data = replace(data, findings=build_findings(data, [waived], (), DOCUMENTS))
    assert data.findings[0].waiver == "churn-reval"
    health = HealthIndex(data, attach(data))
    assert health.version("churn-xgb@3") == (OVERDUE, WAIVER)
    assert WAIVER in health.project("churn")


def test_a_live_version_missing_a_required_role_is_pending() -> None:
    data = _data()
    churn = SignoffRec("churn-xgb@3", ("technical-review", "final-approval"))
    given = ApprovalRec(
        "churn-xgb@3", "technical-review", "li", "approved", WHEN, "current", "signed commit"
    )
    data = replace(data, signoffs=(*data.signoffs, churn), approvals=(*data.approvals, given))
    lookup = Lookup(data)
    version = lookup.versions["churn-xgb@3"]
    assert lookup.pending_reason(version) == "required sign-offs missing (final-approval)"
    matrix = signoff_matrix(lookup, version)
    assert [r.state.text for r in matrix.rows] == ["given", "not given"]  # nothing gates it
    final = replace(given, role="final-approval", reviewer="sam")
    lookup = Lookup(replace(data, approvals=(*data.approvals, final)))
    assert lookup.pending_reason(version) is None


def test_a_departed_actor_is_named_as_departed() -> None:
    lookup = Lookup(_findings())
    found = next(f for f in lookup.data.findings if f.rule == "identities")
    (actor,) = finding_view(lookup, found).actors
    assert (actor.text, actor.note) == ("Old Timer", "departed on 2026-11-01")
    assert actor.link is not None and actor.link.path == "people/old.html"
    drift = next(f for f in lookup.data.findings if f.rule == "drift-threshold")
    assert finding_view(lookup, drift).actors[0].note == ""
