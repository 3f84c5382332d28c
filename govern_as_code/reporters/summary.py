"""The GitHub job summary: a Markdown table of every gate, passed or blocked.

`gac lint --summary "$GITHUB_STEP_SUMMARY"` appends it to the page of the workflow run, so the
person who opened the pull request sees at once what is missing and who can give it.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from govern_as_code.gate.model import GateVerdict
from govern_as_code.problems import GateResult, LintReport


def _cell(text: str) -> str:
    # Messages quote document content: no HTML may pass, and a `|` or newline would break the row.
    escaped = html.escape(text, quote=False).replace("|", "\\|")
    return "<br>".join(line.strip() for line in escaped.splitlines() if line.strip())


def _code(text: str) -> str:
    quoted = text.replace("`", "'")
    return f"`{quoted}`" if text else ""


def _missing_and_who(gate: GateResult, verdict: GateVerdict | None) -> tuple[str, str]:
    if gate.passed:
        return "", ""
    if verdict is None or not verdict.missing_roles:
        return "\n".join(gate.reasons), "-"
    roles = verdict.missing_roles
    missing = [f"{role} approval" for role in roles]
    # Other reasons (a stale digest, a rejection, an order broken) are shown as they are.
    missing += [r for r in gate.reasons if not r.startswith("missing a current")]
    who = [
        f"{role}: {', '.join(verdict.eligible.get(role, [])) or 'nobody holds this role'}"
        for role in roles
    ]
    return "\n".join(missing), "\n".join(who)


def render_summary(report: LintReport, verdicts: Mapping[str, GateVerdict]) -> str:
    """The job summary in GitHub-flavoured Markdown, ending in a newline."""
    blocked = sum(1 for gate in report.gates if not gate.passed)
    summary = report.summary
    lines = [
        "## govern-as-code: deploy gate",
        "",
        f"{len(report.gates) - blocked} passed, {blocked} blocked;"
        f" {summary.errors} error(s), {summary.warnings} warning(s)"
        f" in {summary.documents} document(s).",
        "",
    ]
    if not report.gates:
        lines.append("No deployment to a protected environment.")
        return "\n".join(lines) + "\n"
    lines += [
        "| gate | deployment | model version | environment | what is missing | who can give it |",
        "|---|---|---|---|---|---|",
    ]
    for gate in report.gates:
        missing, who = _missing_and_who(gate, verdicts.get(gate.subject))
        verdict = "✅ passed" if gate.passed else "❌ blocked"
        row = [
            verdict,
            _code(_cell(gate.deployment)),
            _code(_cell(gate.subject)),
            _cell(gate.environment),
            _cell(missing) or "-",
            _cell(who) or "-",
        ]
        lines.append("| " + " | ".join(row) + " |")
    if blocked:
        lines += ["", "Ask for what is missing with `gac request-review MODEL@VERSION`."]
    return "\n".join(lines) + "\n"
