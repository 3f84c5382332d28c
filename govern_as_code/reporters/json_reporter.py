"""The machine format whose shape DESIGN §5 promises to keep stable."""

from __future__ import annotations

import dataclasses
import json

from govern_as_code.problems import GateResult, LintReport


def _gate_dict(gate: GateResult) -> dict[str, object]:
    found: dict[str, object] = {
        "deployment": gate.deployment,
        "environment": gate.environment,
        "subject": gate.subject,
        "passed": gate.passed,
        "reasons": list(gate.reasons),
    }
    if gate.signoffs:  # which role each reviewer filled, and how it was verified
        found["signoffs"] = list(gate.signoffs)
    return found


def render_json(report: LintReport) -> str:
    """``{"problems": [...], "summary": {...}, "gates": [...]}``, indented, ending in a newline.

    ``gates`` is an addition to the stable contract, which allows extra keys.
    """
    document = {
        "problems": [problem.to_dict() for problem in sorted(report.problems)],
        "summary": dataclasses.asdict(report.summary),
        "gates": [_gate_dict(gate) for gate in report.gates],
    }
    # ASCII-only output survives any console or file encoding the caller happens to use.
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"


class JsonReporter:
    """``--format json``: for scripts and dashboards."""

    name = "json"

    def render(self, report: LintReport, *, color: bool = False) -> str:
        """Render ``report`` as JSON; ``color`` is ignored."""
        return render_json(report)
