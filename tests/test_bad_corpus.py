"""The corpus of broken portfolios: each case yields exactly the problems listed here.

Every folder under `fixtures/bad/<case>/` holds files that are copied over a tiny valid
portfolio (built here). A few cases cannot be committed (a 50 MB file, binary bytes, a BOM,
Latin-1 bytes, a symlink out of the repository), so they are generated at test time.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner
from repo_helpers import H, commit_all, git

from govern_as_code.cli.main import cli
from govern_as_code.commands.validate import validate
from govern_as_code.portfolio import load_portfolio, open_source
from govern_as_code.portfolio.sources import WorktreeSource

BAD = Path(__file__).parent / "fixtures" / "bad"
ZERO_DIGEST = "sha256:" + "0" * 64

BASE = {
    "governance.yaml": H + "kind: Portfolio\nmetadata:\n  id: acme\nspec:\n  name: Acme\n"
    "  environments:\n    staging:\n      protected: false\n"
    "    production:\n      protected: true\n",
    "people/alice.yaml": H + "kind: Person\nmetadata:\n  id: alice\nspec:\n  name: Alice\n"
    "  email: alice@example.com\n  department: risk\n  roles:\n    - model-risk\n",
    "initiatives/retention.yaml": H + "kind: Initiative\nmetadata:\n  id: retention\nspec:\n"
    "  goal: Keep customers\n  owner: alice\n",
    "workflows/standard.yaml": H + "kind: Workflow\nmetadata:\n  id: standard\nspec:\n"
    "  stages:\n    - id: intake\n      title: Intake\n",
    "projects/churn.yaml": H + "kind: Project\nmetadata:\n  id: churn\nspec:\n"
    "  initiative: retention\n  owner: alice\n  workflow: standard\n",
    "models/churn-xgb.yaml": H + "kind: Model\nmetadata:\n  id: churn-xgb\nspec:\n"
    "  project: churn\n  task: classification\n  riskTier: high\n  owner: alice\n",
    "versions/churn-xgb-3.yaml": H + "kind: ModelVersion\nmetadata:\n  id: churn-xgb@3\nspec:\n"
    '  model: churn-xgb\n  version: "3"\n  created: 2026-01-15T10:00:00Z\n  createdBy: alice\n'
    f"  artifact:\n    uri: s3://models/churn-xgb/3\n    digest: {ZERO_DIGEST}\n",
    "deployments/churn-prod.yaml": H + "kind: Deployment\nmetadata:\n  id: churn-prod\nspec:\n"
    "  environment: production\n  modelVersion: churn-xgb@3\n",
}


SECRET = "hunter2-TOP-SECRET-9f31"
HUGE_BYTES = 50 * 1024 * 1024


def build_base(root: Path) -> Path:
    """The tiny valid portfolio, committed; cases are overlaid as untracked files."""
    for path, text in BASE.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "base")
    return root


# --- cases generated at test time ---------------------------------------------------------------


def _huge(folder: Path, depth: int) -> None:
    path = folder / "data" / "huge.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.write(H.encode())
        handle.truncate(HUGE_BYTES)  # sparse: instant to create, and NUL bytes if ever read


def _binary(folder: Path, depth: int) -> None:
    path = folder / "models" / "garbage.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    # A PNG header: two newlines, then the first NUL byte on line 3.
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)


def _bom(folder: Path, depth: int) -> None:
    path = folder / "people" / "bom.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = H + "kind: Person\nmetadata:\n  id: bom\nspec:\n  name: Bo\n  email: bo@example.com\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())


def _latin1(folder: Path, depth: int) -> None:
    path = folder / "people" / "zoe.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (
        H + "kind: Person\nmetadata:\n  id: zoe\nspec:\n  name: Zoë Müller\n"
        "  email: zoe@example.com\n  department: risk\n"
    )
    path.write_bytes(text.encode("latin-1"))


def _symlink(folder: Path, depth: int) -> None:
    """people/leak.yaml -> a valid Person document outside the repository, holding a secret."""
    path = folder / "people" / "leak.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    up = "../" * (depth + 2)  # out of people/, out of the case folders, out of the repository
    path.symlink_to(f"{up}outside/secret.yaml")


GENERATED: dict[str, Callable[[Path, int], None]] = {
    "file-too-large": _huge,
    "binary-garbage": _binary,
    "byte-order-mark": _bom,
    "latin-1-bytes": _latin1,
    "symlink-outside-repository": _symlink,
}


class Expect(NamedTuple):
    rule: str
    path: str
    line: int
    says: str = ""  # a fragment the message must contain


# (case, rule, path, line, a fragment of the message): exactly these problems, nothing else.
REF = "references-resolve"
ROWS: list[tuple[str, str, str, int, str]] = [
    # --- malformed YAML
    ("yaml-unclosed-quote", "parse", "people/bob.yaml", 9, "scalar (line 6, column 9)"),
    ("yaml-bad-indentation", "parse", "projects/pricing.yaml", 7, "mapping values"),
    ("yaml-unclosed-flow", "parse", "people/bob.yaml", 10, "sequence (line 9, column 10)"),
    ("yaml-colon-in-plain-scalar", "parse", "projects/pricing.yaml", 5, "mapping values"),
    ("yaml-tab-indentation", "parse", "projects/pricing.yaml", 6, "a tab is used for indent"),
    ("explicit-tag", "parse", "models/fraud.yaml", 7, "explicit YAML tags"),
    ("deep-nesting", "parse", "policies/deep.yaml", 9, "nests deeper than 100 levels"),
    ("broken-non-governance-yaml", "parse", "config/settings.yaml", 5, "(line 4, column 13)"),
    # --- keys, anchors, documents
    ("duplicate-key-top-level", "duplicate-key", "models/fraud.yaml", 9, "line 2, again at line 9"),
    ("duplicate-key-nested", "duplicate-key", "models/fraud.yaml", 10, "8, again at line 10"),
    ("json-duplicate-key", "duplicate-key", "people/carol.json", 9, "line 8, again at line 9"),
    ("yaml-alias", "yaml-anchor", "models/fraud.yaml", 5, "anchors and aliases"),
    ("yaml-merge-key", "yaml-anchor", "models/fraud.yaml", 6, "merge keys ('<<')"),
    ("billion-laughs", "yaml-anchor", "models/lol.yaml", 5, "anchors and aliases"),
    ("multi-document-governance", "multi-document", "governance.yaml", 10, "than one YAML"),
    ("empty-file", "empty-file", "people/empty.yaml", 1, "the file is empty"),
    ("comment-only-file", "empty-file", "people/todo.yaml", 1, "the file is empty"),
    # --- kinds and versions
    ("unknown-kind", "unknown-kind", "data/customers.yaml", 2, "unknown kind 'Dataset'"),
    ("non-string-kind", "unknown-kind", "data/customers.yaml", 2, "unknown kind ['Person']"),
    ("unsupported-api-version", "schema", "people/bob.yaml", 1, "'govern-as-code/v2'"),
    # --- types and fields
    ("wrong-type-int-for-string", "schema", "models/fraud.yaml", 7, "string, not int 42"),
    ("wrong-type-string-for-int", "schema", "models/fraud.yaml", 9, "valid integer"),
    ("wrong-type-scalar-for-list", "schema", "workflows/fast.yaml", 6, "valid list"),
    ("wrong-type-out-of-range", "schema", "projects/pricing.yaml", 8, "less than or equal to 5"),
    ("missing-required-field", "schema", "people/bob.yaml", 5, "spec.email: required field"),
    ("unknown-field-top-level", "schema", "people/bob.yaml", 5, "status: unknown field"),
    ("unknown-field-in-spec", "schema", "people/bob.yaml", 9, "spec.phone: unknown field"),
    ("unknown-field-nested", "schema", "versions/churn-xgb-4.yaml", 13, "artifact.checksum: unk"),
    ("version-id-disagrees-with-spec", "schema", "versions/churn-xgb-4.yaml", 4, "disagrees"),
    ("bad-date-month-13", "schema", "versions/churn-xgb-4.yaml", 10, "'2026-13-01' is not an"),
    ("bad-date-word", "schema", "approvals/churn-xgb-3.yaml", 11, "'yesterday' is not an ISO"),
    ("bad-digest-length", "schema", "versions/churn-xgb-4.yaml", 12, "'sha256:abc123' does not"),
    ("bad-digest-algorithm", "schema", "approvals/churn-xgb-3.yaml", 7, "'md5:d41d8cd98f00"),
    ("attachment-parent-path", "schema", "projects/pricing.yaml", 9, "without '..'"),
    ("reference-parent-id", "schema", "models/fraud.yaml", 6, "'../churn' does not match"),
    ("extension-schema-parent-path", "schema", "governance.yaml", 10, "without '..'"),
    # --- YAML 1.1 surprises, which the strict design turns into schema errors
    ("yaml11-boolean-yes", "schema", "projects/pricing.yaml", 7, "true or false, not 'yes'"),
    ("yaml11-version-float", "schema", "versions/churn-xgb-1.10.yaml", 7, "not float 1.1"),
    ("yaml11-norway-department", "schema", "people/bob.yaml", 8, "'NO' does not match"),
    # --- identities and references
    ("duplicate-id", "duplicate-id", "people/team/alice.yaml", 4, "in people/alice.yaml:4"),
    ("second-portfolio", "duplicate-id", "teams/portfolio.yaml", 1, "a second Portfolio"),
    ("missing-ref-initiative-and-workflow", REF, "projects/pricing.yaml", 6, "'growth'"),
    ("missing-ref-initiative-and-workflow", REF, "projects/pricing.yaml", 8, "'fast-track'"),
    ("missing-ref-people", REF, "projects/pricing.yaml", 7, "spec.owner names Person 'bob'"),
    ("missing-ref-people", REF, "projects/pricing.yaml", 10, "sponsors.1 names Person 'carol'"),
    ("missing-ref-people", REF, "projects/pricing.yaml", 16, "assessedBy names Person 'dave'"),
    ("missing-ref-people", REF, "projects/pricing.yaml", 20, "completedBy names Person 'erin'"),
    ("missing-ref-people", REF, "projects/pricing.yaml", 23, "0.by names Person 'frank'"),
    ("missing-ref-project", REF, "models/fraud.yaml", 6, "Project 'fraud-detection'"),
    ("missing-ref-model", REF, "versions/ghost-model-1.yaml", 6, "Model 'ghost-model'"),
    ("missing-ref-model-version", REF, "approvals/churn-xgb-9.yaml", 6, "ModelVersion 'churn"),
    ("missing-ref-deployment-version", REF, "deployments/churn-canary.yaml", 7, "'churn-xgb@9'"),
    ("missing-ref-trust-root-subject", REF, "approvals/zed.yaml", 6, "names Person 'zed'"),
    ("missing-ref-trust-root-subject", REF, "approvals/zed.yaml", 9, "names Person 'yann'"),
    ("undeclared-environment", REF, "deployments/churn-qa.yaml", 7, "environment 'qa'"),
    # --- generated at test time
    ("file-too-large", "file-too-large", "data/huge.yaml", 0, "52,428,800 bytes"),
    ("binary-garbage", "encoding", "models/garbage.yaml", 3, "NUL bytes"),
    ("byte-order-mark", "encoding", "people/bom.yaml", 1, "byte-order mark"),
    ("latin-1-bytes", "encoding", "people/zoe.yaml", 6, "not valid UTF-8 (byte 0xeb)"),
    ("symlink-outside-repository", "symlink", "people/leak.yaml", 0, "(outside the repository)"),
]
CLEAN_CASES = ("ci-config-with-anchors-is-skipped",)
EXPECTED: dict[str, tuple[Expect, ...]] = {case: () for case in CLEAN_CASES}
for row_case, row_rule, row_path, row_line, row_says in ROWS:
    EXPECTED[row_case] = (
        *EXPECTED.get(row_case, ()),
        Expect(row_rule, row_path, row_line, row_says),
    )

FOLDER_CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir())
ALL_CASES = [*FOLDER_CASES, *GENERATED]
PREFIX = "zz-cases"  # sorts after every base folder, so base documents are always "first"


def add_case(root: Path, case: str, prefix: str = "") -> None:
    target = root / prefix if prefix else root
    if case in GENERATED:
        GENERATED[case](target, len(Path(prefix).parts))
    else:
        shutil.copytree(BAD / case, target, dirs_exist_ok=True)


def place_secret(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.yaml"
    secret.parent.mkdir(parents=True)
    secret.write_text(
        H + f"kind: Person\nmetadata:\n  id: mallory\n  title: {SECRET}\nspec:\n"
        f"  name: {SECRET}\n  email: m@example.com\n  department: risk\n"
    )
    return secret


def found(root: Path, revision: str | None = None) -> set[tuple[str, str, int]]:
    return {(p.rule, p.path, p.line) for p in validate(root, revision).problems}


def expected_set(case: str) -> set[tuple[str, str, int]]:
    return {(e.rule, e.path, e.line) for e in EXPECTED[case]}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    place_secret(tmp_path)
    root = tmp_path / "repo"
    root.mkdir()
    return build_base(root)


def test_the_corpus_is_large_and_every_case_has_an_expectation() -> None:
    assert len(FOLDER_CASES) >= 32
    assert set(EXPECTED) == set(ALL_CASES)
    assert not set(FOLDER_CASES) & set(GENERATED)


def test_the_base_portfolio_is_clean(repo: Path) -> None:
    report = validate(repo)
    assert report.problems == ()
    assert report.documents == 8


@pytest.mark.parametrize("case", ALL_CASES)
def test_each_case_yields_exactly_its_problems(repo: Path, case: str) -> None:
    add_case(repo, case)
    problems = validate(repo).problems
    assert {(p.rule, p.path, p.line) for p in problems} == expected_set(case)
    for expect in EXPECTED[case]:
        messages = [p.message for p in problems if (p.rule, p.path, p.line) == expect[:3]]
        assert any(expect.says in m for m in messages), (expect, messages)
    assert all(SECRET not in p.message + p.hint for p in problems)


def test_every_case_at_once_and_from_a_revision(repo: Path) -> None:
    """One broken file never hides another's problems, in the working tree or in a commit."""
    for case in ALL_CASES:
        add_case(repo, case, f"{PREFIX}/{case}")
    expected = {
        (e.rule, f"{PREFIX}/{case}/{e.path}", e.line) for case in ALL_CASES for e in EXPECTED[case]
    }
    assert len(expected) == sum(len(e) for e in EXPECTED.values())
    assert found(repo) == expected
    commit_all(repo, "every broken case")
    shutil.rmtree(repo / PREFIX)  # the revision is read from git, not from the working tree
    assert found(repo) == set()
    assert found(repo, "HEAD") == expected


def test_the_huge_file_is_refused_without_being_read(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_case(repo, "file-too-large")
    requested: list[str] = []
    original = WorktreeSource.read

    def spy(self: WorktreeSource, paths: object) -> dict[str, bytes]:
        wanted = list(paths)  # type: ignore[call-overload]
        requested.extend(wanted)
        return original(self, wanted)

    monkeypatch.setattr(WorktreeSource, "read", spy)
    portfolio = load_portfolio(open_source(repo))
    assert [(p.rule, p.path, p.line) for p in portfolio.problems] == [
        ("file-too-large", "data/huge.yaml", 0)
    ]
    assert "data/huge.yaml" not in requested
    assert "people/alice.yaml" in requested


def test_billion_laughs_is_refused_fast(repo: Path) -> None:
    add_case(repo, "billion-laughs")
    # Refused at the first anchor, before any alias could be expanded: speed is measured in
    # benchmarks/, the test checks the refusal and where it points.
    problems = validate(repo).problems
    assert [(p.rule, p.line, p.column) for p in problems] == [("yaml-anchor", 5, 6)]


@pytest.mark.parametrize("committed", [False, True], ids=["worktree", "revision"])
def test_a_symlink_out_of_the_repository_is_never_followed(
    repo: Path, tmp_path: Path, committed: bool
) -> None:
    add_case(repo, "symlink-outside-repository")
    args = ["--at", "HEAD"] if committed else []
    if committed:
        commit_all(repo, "leak")
    runner = CliRunner()
    outputs = []
    for fmt in ("text", "json"):
        result = runner.invoke(cli, ["validate", "--repo", str(repo), "--format", fmt, *args])
        assert result.exit_code == 1, result.output
        outputs.append(result.output)
    assert all(SECRET not in output for output in outputs)
    assert "mallory" not in "".join(outputs)
    problems = json.loads(outputs[1])["problems"]
    assert problems == [
        {
            "rule": "symlink",
            "level": "error",
            "path": "people/leak.yaml",
            "line": 0,
            "column": 0,
            "message": "symbolic link to '../../outside/secret.yaml' (outside the repository)"
            " refused; it was not followed",
            "subject": "",
            "hint": "replace the link with the file itself, or exclude it in .gacignore",
        }
    ]
    assert outputs[0].splitlines()[0] == (
        "people/leak.yaml: error symlink: symbolic link to '../../outside/secret.yaml'"
        " (outside the repository) refused; it was not followed"
    )
    assert (tmp_path / "outside" / "secret.yaml").read_text().count(SECRET) == 2
