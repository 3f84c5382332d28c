"""JUnit XML, for CI systems that show test results (GitLab, Jenkins, Azure Pipelines).

Two suites: ``deploy-gate`` with a test per gated deployment, and ``rules`` with a test per
error or warning. Errors fail; warnings pass and carry their text in ``<system-out>``, because
they do not fail ``gac lint`` either and a "skipped" count would misreport what ran.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from govern_as_code.problems import GateResult, Level, LintReport, Problem

# XML 1.0 cannot carry these at all, not even as character references.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _ILLEGAL_XML.sub(lambda match: match.group().encode("unicode_escape").decode(), text)


def _counts(cases: list[ET.Element]) -> dict[str, str]:
    failures = sum(1 for case in cases if case.find("failure") is not None)
    return {"tests": str(len(cases)), "failures": str(failures), "errors": "0"}


def _suite(name: str, cases: list[ET.Element]) -> ET.Element:
    suite = ET.Element("testsuite", {"name": name, **_counts(cases), "skipped": "0"})
    suite.extend(cases)
    return suite


def _case(classname: str, name: str) -> ET.Element:
    return ET.Element("testcase", classname=_xml_text(classname), name=_xml_text(name))


def _gate_case(gate: GateResult) -> ET.Element:
    case = _case("deploy-gate", f"{gate.deployment} {gate.subject} -> {gate.environment}")
    if not gate.passed:
        failure = ET.SubElement(case, "failure", message="blocked", type="blocked")
        failure.text = _xml_text("\n".join(gate.reasons) or "blocked")
    return case


def _location(problem: Problem) -> str:
    if problem.line <= 0:
        return problem.path
    if problem.column <= 0:
        return f"{problem.path}:{problem.line}"
    return f"{problem.path}:{problem.line}:{problem.column}"


def _problem_case(problem: Problem) -> ET.Element:
    case = _case(problem.rule, _location(problem))
    details = f"{problem.message}\nhint: {problem.hint}" if problem.hint else problem.message
    if problem.level == Level.WARNING:
        ET.SubElement(case, "system-out").text = _xml_text(f"warning: {details}")
    else:
        failure = ET.SubElement(
            case, "failure", message=_xml_text(problem.message), type=_xml_text(problem.rule)
        )
        failure.text = _xml_text(details)
    return case


def render_junit(report: LintReport) -> str:
    """The report as a ``<testsuites>`` document, ASCII-only with character references."""
    gate_cases = [_gate_case(gate) for gate in report.gates]
    rule_cases = [
        _problem_case(problem)
        for problem in sorted(report.problems)
        if problem.level in (Level.ERROR, Level.WARNING, None)
    ]
    if not rule_cases:
        rule_cases = [_case("rules", "validate")]
    root = ET.Element("testsuites", {"name": "govern-as-code", **_counts(gate_cases + rule_cases)})
    root.extend([_suite("deploy-gate", gate_cases), _suite("rules", rule_cases)])
    ET.indent(root)
    body = ET.tostring(root, encoding="us-ascii").decode("ascii")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


class JunitReporter:
    """``--format junit``: a test report for CI dashboards."""

    name = "junit"

    def render(self, report: LintReport, *, color: bool = False) -> str:
        """Render ``report`` as JUnit XML; ``color`` is ignored."""
        return render_junit(report)
