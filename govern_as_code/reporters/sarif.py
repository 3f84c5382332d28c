"""SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from urllib.parse import quote

from govern_as_code import __version__
from govern_as_code.problems import Level, LintReport, Problem, RuleInfo

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "govern-as-code"
INFORMATION_URI = "https://pypi.org/project/govern-as-code/"
FINGERPRINT_KEY = "primaryLocationLineHash/v1"

_SARIF_LEVEL = {Level.ERROR: "error", Level.WARNING: "warning", Level.OFF: "note"}
_SEVERITY = {"note": 0, "warning": 1, "error": 2}


def _level(problem: Problem) -> str:
    return _SARIF_LEVEL[problem.level or Level.ERROR]


def _uri(path: str) -> str:
    posix = path.replace("\\", "/").removeprefix("./")
    # A file name that is not UTF-8 reaches us with its bytes as surrogate escapes (PEP 383);
    # percent-encoding those bytes gives the URI of the very file.
    return quote(posix, safe="/", errors="surrogateescape")


def _identity(problem: Problem) -> tuple[str, str, str, str]:
    # Lines are left out on purpose: an edit elsewhere in the file must not turn an old alert
    # into a new one.
    return (problem.rule, _uri(problem.path), problem.subject, problem.message)


def _fingerprint(identity: tuple[str, str, str, str], occurrence: int) -> str:
    # The occurrence number keeps identical findings in one file apart, as GitHub's own does.
    digest = hashlib.sha256(json.dumps(identity).encode("ascii")).hexdigest()
    return f"{digest}:{occurrence}"


def _descriptor(info: RuleInfo, level: str) -> dict[str, object]:
    summary = info.summary or info.id
    description = info.description or summary
    return {
        "id": info.id,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": description},
        "help": {"text": description, "markdown": description},
        "defaultConfiguration": {"level": level},
    }


def _rules(report: LintReport, problems: list[Problem]) -> list[RuleInfo]:
    """Every rule the report describes, then any rule a problem uses that it does not."""
    infos: dict[str, RuleInfo] = {}
    for info in report.rules:
        infos.setdefault(info.id, info)
    for problem in problems:
        if problem.rule not in infos:
            infos[problem.rule] = RuleInfo(id=problem.rule, summary=problem.rule, description="")
    return list(infos.values())


def _default_levels(problems: list[Problem]) -> dict[str, str]:
    # RuleInfo carries no level (the policy owns it), so the strictest level seen stands in;
    # a rule that found nothing gets "error", as an unstamped problem would.
    levels: dict[str, str] = {}
    for problem in problems:
        seen = levels.get(problem.rule, "note")
        levels[problem.rule] = max(_level(problem), seen, key=_SEVERITY.__getitem__)
    return levels


def _result(problem: Problem, rule_index: int, fingerprint: str) -> dict[str, object]:
    text = f"{problem.message}\nhint: {problem.hint}" if problem.hint else problem.message
    physical: dict[str, object] = {
        "artifactLocation": {"uri": _uri(problem.path), "uriBaseId": "%SRCROOT%"}
    }
    if problem.line > 0:
        region: dict[str, int] = {"startLine": problem.line}
        if problem.column > 0:
            region["startColumn"] = problem.column
        physical["region"] = region
    result: dict[str, object] = {
        "ruleId": problem.rule,
        "ruleIndex": rule_index,
        "level": _level(problem),
        "message": {"text": text},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if problem.subject:
        result["properties"] = {"subject": problem.subject}
    return result


def render_sarif(report: LintReport) -> str:
    """One SARIF run: a descriptor per rule and a result per problem."""
    problems = sorted(report.problems)
    rules = _rules(report, problems)
    levels = _default_levels(problems)
    index = {info.id: position for position, info in enumerate(rules)}
    seen: Counter[tuple[str, str, str, str]] = Counter()
    results = []
    for problem in problems:
        identity = _identity(problem)
        seen[identity] += 1
        fingerprint = _fingerprint(identity, seen[identity])
        results.append(_result(problem, index[problem.rule], fingerprint))
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "informationUri": INFORMATION_URI,
                        "version": __version__,
                        "rules": [
                            _descriptor(info, levels.get(info.id, "error")) for info in rules
                        ],
                    }
                },
                # PyYAML reports columns in code points, not SARIF's default UTF-16 units.
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=True) + "\n"


class SarifReporter:
    """``--format sarif``: upload with github/codeql-action/upload-sarif."""

    name = "sarif"

    def render(self, report: LintReport, *, color: bool = False) -> str:
        """Render ``report`` as a SARIF 2.1.0 log; ``color`` is ignored."""
        return render_sarif(report)
