from __future__ import annotations

import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from govern_as_code import __version__
from govern_as_code.errors import UsageError
from govern_as_code.problems import GateResult, Level, LintReport, Problem, RuleInfo
from govern_as_code.reporters import REPORTER_BY_NAME, get_reporter
from govern_as_code.reporters.github import annotation, escape_data, escape_property
from govern_as_code.reporters.json_reporter import render_json
from govern_as_code.reporters.junit import render_junit
from govern_as_code.reporters.sarif import render_sarif
from govern_as_code.reporters.text import render_text

FIXTURES = Path(__file__).parent / "fixtures"

HOSTILE = "100% bad, key: value\nsecond <line> & more \x01 ünïcödé ✓ 😀"

SCHEMA_PROBLEM = Problem(
    path="models/churn.yaml",
    line=3,
    column=5,
    rule="schema",
    message=HOSTILE,
    hint="see docs, section: 2",
    subject="churn-xgb@3",
    level=Level.ERROR,
)
NAMING_WARNING = Problem(
    path="models/a.yaml", rule="naming", message="name is not kebab-case", level=Level.WARNING
)
UNSTAMPED = Problem(path="models/a.yaml", line=7, rule="ref", message="missing person: ana")
BLOCKED = GateResult(
    deployment="deployments/production/churn.yaml",
    environment="production",
    subject="churn-xgb@3",
    passed=False,
    reasons=("no approval from role risk", "digest is stale\nre-approve"),
)
PASSED = GateResult(
    deployment="deployments/staging/churn.yaml",
    environment="staging",
    subject="churn-xgb@3",
    passed=True,
)
RULES = (
    RuleInfo(id="schema", summary="Documents match their schema", description="Long *docs*."),
    RuleInfo(id="naming", summary="Ids are kebab-case", description=""),
)


def hostile_report() -> LintReport:
    return LintReport(
        problems=(SCHEMA_PROBLEM, UNSTAMPED, NAMING_WARNING),
        documents=35,
        rules=RULES,
        gates=(BLOCKED, PASSED),
    )


CLEAN = LintReport(problems=(), documents=1)


# --- registry -------------------------------------------------------------------------------


def test_registry_names_match_their_keys() -> None:
    assert list(REPORTER_BY_NAME) == ["text", "json", "sarif", "junit", "github", "codeclimate"]
    for name, reporter in REPORTER_BY_NAME.items():
        assert reporter.name == name
        assert get_reporter(name) is reporter


def test_unknown_reporter_names_the_choices() -> None:
    with pytest.raises(UsageError) as caught:
        get_reporter("xml")
    assert caught.value.message == "unknown report format 'xml'"
    assert caught.value.fix == "use one of: text, json, sarif, junit, github, codeclimate"


@pytest.mark.parametrize("name", list(REPORTER_BY_NAME))
def test_every_format_ends_with_one_newline(name: str) -> None:
    for report in (hostile_report(), CLEAN):
        output = get_reporter(name).render(report)
        assert output.endswith("\n")
        assert not output.endswith("\n\n")


# --- text -----------------------------------------------------------------------------------


def test_text_plain_is_sorted_escaped_and_summarised() -> None:
    assert render_text(hostile_report()) == (
        "models/a.yaml: warning naming: name is not kebab-case\n"
        "models/a.yaml:7: error ref: missing person: ana\n"
        "models/churn.yaml:3:5: error schema: 100% bad, key: value\n"
        "    second <line> & more \\x01 ünïcödé ✓ 😀\n"
        "    hint: see docs, section: 2\n"
        "\n"
        "gate: deployments/production/churn.yaml churn-xgb@3 -> production: blocked\n"
        "    - no approval from role risk\n"
        "    - digest is stale\n"
        "      re-approve\n"
        "gate: deployments/staging/churn.yaml churn-xgb@3 -> staging: passed\n"
        "\n"
        "2 errors, 1 warning in 35 documents; gate: 1 passed, 1 blocked\n"
    )


def test_text_color_groups_by_file() -> None:
    report = LintReport(problems=(SCHEMA_PROBLEM, NAMING_WARNING), documents=2)
    assert render_text(report, color=True) == (
        "\x1b[1mmodels/a.yaml\x1b[0m\n"
        "  \x1b[33mwarning\x1b[0m naming: name is not kebab-case\n"
        "\n"
        "\x1b[1mmodels/churn.yaml\x1b[0m\n"
        "  3:5: \x1b[31merror\x1b[0m schema: 100% bad, key: value\n"
        "      second <line> & more \\x01 ünïcödé ✓ 😀\n"
        "      hint: see docs, section: 2\n"
        "\n"
        "\x1b[31m1 error, 1 warning in 2 documents\x1b[0m\n"
    )


def test_text_without_color_has_no_escape_sequences() -> None:
    hostile = Problem(path="a.yaml", line=1, rule="r", message="\x1b[2Jgone", level=Level.ERROR)
    output = render_text(LintReport(problems=(hostile,), documents=1))
    assert "\x1b" not in output
    assert "a.yaml:1: error r: \\x1b[2Jgone\n" in output


@pytest.mark.parametrize(
    ("levels", "documents", "summary"),
    [
        ((), 35, "no problems in 35 documents"),
        ((), 1, "no problems in 1 document"),
        ((Level.ERROR,), 1, "1 error, 0 warnings in 1 document"),
        ((Level.WARNING, Level.WARNING), 2, "0 errors, 2 warnings in 2 documents"),
        ((Level.ERROR, Level.ERROR, Level.WARNING), 35, "2 errors, 1 warning in 35 documents"),
    ],
)
def test_text_summary_counts_and_plurals(
    levels: tuple[Level, ...], documents: int, summary: str
) -> None:
    problems = tuple(
        Problem(path="a.yaml", line=n + 1, rule="r", message="m", level=level)
        for n, level in enumerate(levels)
    )
    output = render_text(LintReport(problems=problems, documents=documents))
    assert output.splitlines()[-1] == summary


def test_text_clean_report_is_one_line() -> None:
    assert render_text(CLEAN) == "no problems in 1 document\n"


# --- json -----------------------------------------------------------------------------------


def test_json_shape_is_exact() -> None:
    output = render_json(hostile_report())
    assert output.startswith('{\n  "problems": [\n    {\n      "rule": "naming",')
    assert output.isascii()
    document = json.loads(output)
    assert list(document) == ["problems", "summary", "gates"]
    assert document["problems"] == [
        {
            "rule": "naming",
            "level": "warning",
            "path": "models/a.yaml",
            "line": 0,
            "column": 0,
            "message": "name is not kebab-case",
            "subject": "",
            "hint": "",
        },
        {
            "rule": "ref",
            "level": "error",
            "path": "models/a.yaml",
            "line": 7,
            "column": 0,
            "message": "missing person: ana",
            "subject": "",
            "hint": "",
        },
        {
            "rule": "schema",
            "level": "error",
            "path": "models/churn.yaml",
            "line": 3,
            "column": 5,
            "message": HOSTILE,
            "subject": "churn-xgb@3",
            "hint": "see docs, section: 2",
        },
    ]
    assert [list(problem) for problem in document["problems"]] == [
        ["rule", "level", "path", "line", "column", "message", "subject", "hint"]
    ] * 3
    assert document["summary"] == {"errors": 2, "warnings": 1, "documents": 35}
    assert list(document["summary"]) == ["errors", "warnings", "documents"]
    assert document["gates"] == [
        {
            "deployment": "deployments/production/churn.yaml",
            "environment": "production",
            "subject": "churn-xgb@3",
            "passed": False,
            "reasons": ["no approval from role risk", "digest is stale\nre-approve"],
        },
        {
            "deployment": "deployments/staging/churn.yaml",
            "environment": "staging",
            "subject": "churn-xgb@3",
            "passed": True,
            "reasons": [],
        },
    ]


def test_json_clean_report() -> None:
    assert json.loads(render_json(CLEAN)) == {
        "problems": [],
        "summary": {"errors": 0, "warnings": 0, "documents": 1},
        "gates": [],
    }


# --- sarif ----------------------------------------------------------------------------------


def sarif_validator() -> Draft4Validator:
    schema = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def sarif_run(report: LintReport) -> dict[str, Any]:
    log = json.loads(render_sarif(report))
    errors = [error.message for error in sarif_validator().iter_errors(log)]
    assert errors == []
    assert len(log["runs"]) == 1
    run: dict[str, Any] = log["runs"][0]
    return run


@pytest.mark.parametrize("report", [hostile_report(), CLEAN], ids=["hostile", "clean"])
def test_sarif_validates_against_the_oasis_schema(report: LintReport) -> None:
    log = json.loads(render_sarif(report))
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    sarif_run(report)


def test_sarif_driver_describes_every_rule() -> None:
    driver = sarif_run(hostile_report())["tool"]["driver"]
    assert driver["name"] == "govern-as-code"
    assert driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    assert driver["rules"] == [
        {
            "id": "schema",
            "shortDescription": {"text": "Documents match their schema"},
            "fullDescription": {"text": "Long *docs*."},
            "help": {"text": "Long *docs*.", "markdown": "Long *docs*."},
            "defaultConfiguration": {"level": "error"},
        },
        {
            "id": "naming",
            "shortDescription": {"text": "Ids are kebab-case"},
            "fullDescription": {"text": "Ids are kebab-case"},
            "help": {"text": "Ids are kebab-case", "markdown": "Ids are kebab-case"},
            "defaultConfiguration": {"level": "warning"},
        },
        # "ref" is used by a problem but missing from report.rules.
        {
            "id": "ref",
            "shortDescription": {"text": "ref"},
            "fullDescription": {"text": "ref"},
            "help": {"text": "ref", "markdown": "ref"},
            "defaultConfiguration": {"level": "error"},
        },
    ]


def test_sarif_results_point_at_their_rules_and_locations() -> None:
    run = sarif_run(hostile_report())
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    results = run["results"]
    assert [rule_ids[result["ruleIndex"]] for result in results] == [
        result["ruleId"] for result in results
    ]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("naming", "warning"),
        ("ref", "error"),
        ("schema", "error"),
    ]
    locations = [result["locations"][0]["physicalLocation"] for result in results]
    assert locations == [
        {"artifactLocation": {"uri": "models/a.yaml", "uriBaseId": "%SRCROOT%"}},
        {
            "artifactLocation": {"uri": "models/a.yaml", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 7},
        },
        {
            "artifactLocation": {"uri": "models/churn.yaml", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 3, "startColumn": 5},
        },
    ]
    assert results[2]["message"] == {"text": f"{HOSTILE}\nhint: see docs, section: 2"}
    assert results[2]["properties"] == {"subject": "churn-xgb@3"}
    assert "properties" not in results[0]


def test_sarif_uri_is_relative_with_forward_slashes() -> None:
    problem = Problem(path="models\\my model%.yaml", line=1, rule="r", message="m")
    run = sarif_run(LintReport(problems=(problem,), documents=1))
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "models/my%20model%25.yaml"


def fingerprints(report: LintReport) -> list[str]:
    return [
        result["partialFingerprints"]["primaryLocationLineHash/v1"]
        for result in sarif_run(report)["results"]
    ]


def test_sarif_fingerprints_survive_moved_lines() -> None:
    before = fingerprints(hostile_report())
    moved = tuple(
        dataclasses.replace(problem, line=problem.line + 40, column=problem.column + 2)
        for problem in hostile_report().problems
    )
    after = fingerprints(dataclasses.replace(hostile_report(), problems=moved))
    assert after == before
    assert all(re.fullmatch(r"[0-9a-f]{64}:1", fingerprint) for fingerprint in before)
    assert len(set(before)) == len(before)


def test_sarif_fingerprints_change_with_what_was_found() -> None:
    other = dataclasses.replace(SCHEMA_PROBLEM, message="another message")
    first = fingerprints(LintReport(problems=(SCHEMA_PROBLEM,), documents=1))
    second = fingerprints(LintReport(problems=(other,), documents=1))
    assert first != second


def test_sarif_fingerprints_keep_identical_findings_apart() -> None:
    twin = dataclasses.replace(SCHEMA_PROBLEM, line=30)
    first, second = fingerprints(LintReport(problems=(twin, SCHEMA_PROBLEM), documents=1))
    assert first.split(":") == [second.split(":")[0], "1"]
    assert second.endswith(":2")


def test_sarif_marks_off_problems_as_notes() -> None:
    note = Problem(path="a.yaml", rule="r", message="m", level=Level.OFF)
    run = sarif_run(LintReport(problems=(note,), documents=1))
    assert run["results"][0]["level"] == "note"
    assert run["tool"]["driver"]["rules"][0]["defaultConfiguration"] == {"level": "note"}


# --- junit ----------------------------------------------------------------------------------


def junit_root(report: LintReport) -> ET.Element:
    output = render_junit(report)
    assert output.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')
    assert output.isascii()
    return ET.fromstring(output.encode("ascii"))


def suite(root: ET.Element, name: str) -> ET.Element:
    found = root.find(f"testsuite[@name='{name}']")
    assert found is not None
    return found


def test_junit_counts_and_cases() -> None:
    root = junit_root(hostile_report())
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "3", "0")
    gate = suite(root, "deploy-gate")
    assert (gate.get("tests"), gate.get("failures")) == ("2", "1")
    names = [case.get("name") for case in gate.iter("testcase")]
    assert names == [
        "deployments/production/churn.yaml churn-xgb@3 -> production",
        "deployments/staging/churn.yaml churn-xgb@3 -> staging",
    ]
    failure = gate.find("testcase/failure")
    assert failure is not None
    assert failure.get("message") == "blocked"
    assert failure.text == "no approval from role risk\ndigest is stale\nre-approve"

    rules = suite(root, "rules")
    assert (rules.get("tests"), rules.get("failures")) == ("3", "2")
    cases = list(rules.iter("testcase"))
    assert [(case.get("classname"), case.get("name")) for case in cases] == [
        ("naming", "models/a.yaml"),
        ("ref", "models/a.yaml:7"),
        ("schema", "models/churn.yaml:3:5"),
    ]
    # Warnings pass and keep their text in system-out.
    assert cases[0].find("failure") is None
    assert cases[0].findtext("system-out") == "warning: name is not kebab-case"
    assert cases[1].find("failure") is not None


def test_junit_replaces_characters_xml_cannot_carry() -> None:
    root = junit_root(hostile_report())
    failure = suite(root, "rules").find("testcase[@classname='schema']/failure")
    assert failure is not None
    expected = HOSTILE.replace("\x01", "\\x01")
    assert failure.get("message") == expected
    assert failure.get("type") == "schema"
    assert failure.text == f"{expected}\nhint: see docs, section: 2"


def test_junit_clean_report_has_a_passing_validate_case() -> None:
    root = junit_root(CLEAN)
    assert (root.get("tests"), root.get("failures")) == ("1", "0")
    assert suite(root, "deploy-gate").get("tests") == "0"
    rules = suite(root, "rules")
    assert (rules.get("tests"), rules.get("failures")) == ("1", "0")
    case = rules.find("testcase")
    assert case is not None
    assert (case.get("name"), list(case)) == ("validate", [])


# --- github ---------------------------------------------------------------------------------


def test_github_escaping_is_exact() -> None:
    assert escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    assert escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"


def test_github_annotation_for_a_crafted_message() -> None:
    crafted = Problem(
        path="models/we,ird:name.yaml",
        line=12,
        column=4,
        rule="rule:with,chars",
        message="50% done,\r\nthen: ::error::fake <&> é",
        level=Level.ERROR,
    )
    assert annotation(crafted) == (
        "::error file=models/we%2Cird%3Aname.yaml,line=12,col=4,title=rule%3Awith%2Cchars"
        "::50%25 done,%0D%0Athen: ::error::fake <&> é"
    )


def test_github_annotation_omits_unknown_positions() -> None:
    assert annotation(NAMING_WARNING) == (
        "::warning file=models/a.yaml,title=naming::name is not kebab-case"
    )
    assert (
        annotation(UNSTAMPED) == "::error file=models/a.yaml,line=7,title=ref::missing person: ana"
    )
    assert annotation(SCHEMA_PROBLEM) == (
        "::error file=models/churn.yaml,line=3,col=5,title=schema"
        "::100%25 bad, key: value%0Asecond <line> & more \x01 ünïcödé ✓ 😀"
        "%0Ahint: see docs, section: 2"
    )


def test_github_output_is_annotations_then_guarded_text() -> None:
    report = hostile_report()
    output = get_reporter("github").render(report, color=True)
    annotations, rest = output.split("\n\n", 1)
    assert annotations.split("\n") == [annotation(p) for p in sorted(report.problems)]
    start, *text, end = rest.removesuffix("\n").split("\n")
    token = start.removeprefix("::stop-commands::")
    assert re.fullmatch(r"gac-[0-9a-f]{32}", token)
    assert end == f"::{token}::"
    assert "\n".join(text) + "\n" == render_text(report, color=False)
    assert token not in render_text(report)


def test_github_clean_report_is_only_text() -> None:
    start, summary, end = get_reporter("github").render(CLEAN).splitlines()
    token = start.removeprefix("::stop-commands::")
    assert token.startswith("gac-")
    assert (summary, end) == ("no problems in 1 document", f"::{token}::")
