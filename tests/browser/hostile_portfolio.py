"""A portfolio whose every free-text field tries to run a script in the report."""

from __future__ import annotations

from pathlib import Path

from browser.report_fixtures import DIGEST, WHEN, _doc, write
from govern_as_code.portfolio import Portfolio, load_portfolio, open_source
from govern_as_code.problems import GateResult, Level, LintReport, Problem
from govern_as_code.results import (
    ApprovalCheck,
    DriftLimits,
    HistoryEvent,
    NeededRole,
    PortfolioStatus,
    SignoffStatus,
    StageEvent,
)

# Every way we know of to run a script from text that ends up in HTML, SVG or a URL.
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
JS_URL = "javascript:window.__pwned=1"
BREAKOUTS = (
    "</textarea></title></svg><script>window.__pwned=1</script><svg onload=window.__pwned=1>"
)
HOSTILE = f"{SCRIPT} {IMG} {JS_URL} {BREAKOUTS} ' \" & {{{{ 7*7 }}}}"


def write_hostile(root: Path) -> None:
    """A portfolio whose every free-text field tries to run a script in the report."""
    write(root, "governance.yaml", _doc("Portfolio", "evil", {"name": HOSTILE}, title=HOSTILE))
    write(
        root,
        "people/eve.yaml",
        _doc(
            "Person",
            "eve",
            {"name": HOSTILE, "email": "eve@example.com", "department": "red"},
            title=HOSTILE,
        ),
    )
    write(
        root,
        "initiatives/chaos.yaml",
        _doc(
            "Initiative",
            "chaos",
            {"goal": HOSTILE, "owner": "eve", "sponsors": ["eve"]},
            title=HOSTILE,
        ),
    )
    write(
        root,
        "workflows/flow.yaml",
        _doc(
            "Workflow",
            "flow",
            {"stages": [{"id": "idea", "title": HOSTILE}, {"id": "build", "title": JS_URL}]},
            title=HOSTILE,
        ),
    )
    write(
        root,
        "projects/pwn/project.yaml",
        _doc(
            "Project",
            "pwn",
            {
                "initiative": "chaos",
                "owner": "eve",
                "objectives": HOSTILE,
                "scope": HOSTILE,
                "useCase": HOSTILE,
                "sponsors": ["eve"],
                "workflow": "flow",
                "attachments": [
                    {"title": HOSTILE, "path": "docs/</svg><script>x.md"},
                    {"title": JS_URL, "url": "https://example.com/?q=<script>"},
                ],
                "qualification": {
                    "value": 3,
                    "risk": 4,
                    "feasibility": 2,
                    "assessedBy": "eve",
                    "notes": HOSTILE,
                },
                "stages": [
                    {
                        "id": "idea",
                        "status": "complete",
                        "completedBy": "eve",
                        "completedOn": "2026-01-01T00:00:00Z",
                        "comments": [{"by": "eve", "on": "2026-01-01T00:00:00Z", "text": HOSTILE}],
                    }
                ],
            },
            title=HOSTILE,
            description=HOSTILE,
            labels={"x": HOSTILE},
        ),
    )
    write(
        root,
        "projects/pwn/models/m/model.yaml",
        _doc(
            "Model",
            "pwn-model",
            {
                "project": "pwn",
                "task": HOSTILE,
                "riskTier": "high",
                "owner": "eve",
                "source": {"type": "mlflow", "uri": JS_URL},
            },
            title=HOSTILE,
        ),
    )
    for v, status in (("1", "production"), ("2", "challenger")):
        write(
            root,
            f"projects/pwn/models/m/versions/{v}.yaml",
            _doc(
                "ModelVersion",
                f"pwn-model@{v}",
                {
                    "model": "pwn-model",
                    "version": v,
                    "created": f"2026-0{v}-01T00:00:00Z",
                    "createdBy": "eve",
                    "artifact": {"uri": JS_URL, "digest": DIGEST},
                    "codeRef": JS_URL,
                    "dataRef": JS_URL,
                    "source": {"type": "mlflow", "uri": JS_URL, "runId": HOSTILE},
                    "status": status,
                    "metrics": {
                        "performance": {HOSTILE: 0.5, "auc": 0.7 + int(v) / 100},
                        "drift": [
                            {"date": "2026-03-01", HOSTILE: 0.1},
                            {"date": "2026-04-01", HOSTILE: 0.2},
                        ],
                    },
                },
                title=HOSTILE,
                description=HOSTILE,
                labels={"team": HOSTILE},
                annotations={"note": HOSTILE},
            ),
        )
    write(
        root,
        "deployments/production/pwn.yaml",
        _doc(
            "Deployment",
            "pwn-prod",
            {"environment": "production", "modelVersion": "pwn-model@1", "target": JS_URL},
            title=HOSTILE,
        ),
    )


def load_hostile(root: Path) -> tuple[Portfolio, PortfolioStatus]:
    write_hostile(root)
    portfolio = load_portfolio(open_source(root))
    assert not portfolio.problems, portfolio.problems
    gates = (
        GateResult(
            "deployments/production/pwn.yaml", "production", "pwn-model@1", False, (HOSTILE,)
        ),
    )
    approvals = (
        ApprovalCheck(
            "approvals/x.yaml",
            "pwn-model@1",
            "risk-review",
            "eve",
            "approved",
            WHEN,
            "unverified",
            HOSTILE,
            HOSTILE,
            HOSTILE,
            HOSTILE,
            WHEN,
            comment=HOSTILE,
        ),
    )
    events = (
        StageEvent("pwn", HOSTILE, HOSTILE, WHEN),
        StageEvent(
            "pwn", "x", "eve", WHEN, HOSTILE, WHEN, HOSTILE, HOSTILE, "other signer", HOSTILE
        ),
    )
    changes = tuple(
        HistoryEvent(kind, HOSTILE, HOSTILE, WHEN, HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE)
        for kind in ("promotion", "deployment", "qualification", "policy")
    )
    problem = Problem(
        "x.yaml", 1, 1, "revalidation-due", HOSTILE, subject=HOSTILE, level=Level.WARNING
    )
    report = LintReport((problem,), len(portfolio.documents), gates=gates)
    # A limit the hostile drift figure crosses, so its name reaches the drift warning too;
    # the sign-off matrix, the findings' actors and the people pages' "waiting for you".
    signoffs = (
        SignoffStatus(
            "pwn-model@1",
            ("risk-review", HOSTILE),
            True,
            needed=(NeededRole(HOSTILE, ("eve",), HOSTILE, (HOSTILE,)),),
        ),
    )
    status = PortfolioStatus(
        report,
        approvals,
        events,
        HOSTILE,
        WHEN,
        drift_limits=DriftLimits(0.15),
        history_events=changes,
        commit_url=HOSTILE,
        signoffs=signoffs,
        today=WHEN.date(),
    )
    return portfolio, status
