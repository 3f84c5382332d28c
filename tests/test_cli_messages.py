"""What the CLI says when a new user does something odd: closed pipes, missing folders, files
given twice, a wrong kind of path. Each case ends with one clear line, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from gate_helpers import SUBJECT, GateRepo, make_gate_keys
from repo_helpers import H, commit_all, git, write

import govern_as_code
from govern_as_code.cli.main import cli
from govern_as_code.documents.kinds import MODEL_BY_KIND

PROJECT_ROOT = Path(govern_as_code.__file__).resolve().parent.parent
PORTFOLIO = {
    "governance.yaml": H + "kind: Portfolio\nmetadata:\n  id: acme\nspec:\n  environments:\n"
    "    staging:\n      protected: false\n",
    "people/alice.yaml": H + "kind: Person\nmetadata:\n  id: alice\nspec:\n  name: Alice\n"
    "  email: alice@example.com\n  department: risk\n",
    "projects/churn.yaml": H + "kind: Project\nmetadata:\n  id: churn\nspec:\n  owner: alice\n",
}
BROKEN_PERSON = (
    H + "kind: Person\nmetadata:\n  id: bob\nspec:\n  name: Bob\n  email: b@example.com\n"
    "  department: risk\n  phone: 123\n"
)


def gac(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def stop_lines(result: Result) -> list[str]:
    """The stderr of a run that stopped: exit 2 with an error line and a fix line."""
    assert result.exit_code == 2, result.output
    # lint and check-deploy name the trusted base first; the stop follows it.
    lines = [line for line in result.stderr.splitlines() if not line.startswith("trusted base: ")]
    assert len(lines) == 2, lines
    assert lines[0].startswith("gac: error: ")
    assert lines[1].startswith("gac: fix: ")
    assert "internal error" not in result.stderr
    return lines


@pytest.fixture()
def portfolio(tmp_path: Path) -> Path:
    root = tmp_path / "portfolio"
    write(root, PORTFOLIO)
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "portfolio")
    return root


@pytest.fixture(scope="module")
def blocked(tmp_path_factory: pytest.TempPathFactory) -> GateRepo:
    keys = make_gate_keys(tmp_path_factory.mktemp("keys"))
    return GateRepo.create(tmp_path_factory.mktemp("blocked") / "repo", keys)


# --- 1. a reader that stops early ------------------------------------------------------------


def _run_into_closed_pipe(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """`gac ARGS | head -0`, made deterministic: the pipe has no reader before gac starts."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("GAC_DEBUG", None)
    try:
        return subprocess.run(
            [sys.executable, "-m", "govern_as_code", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
            check=False,
        )
    finally:
        os.close(write_end)


def test_rules_into_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    done = _run_into_closed_pipe("rules", cwd=tmp_path)
    assert done.stderr == b""
    assert done.returncode == 141


def test_request_review_into_a_closed_pipe_exits_quietly(blocked: GateRepo) -> None:
    done = _run_into_closed_pipe(
        "request-review", SUBJECT, "--repo", str(blocked.root), cwd=blocked.root
    )
    assert done.stderr == b""
    assert done.returncode == 141


def test_head_reads_the_first_lines_and_gac_ends_cleanly(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run(
        f"{sys.executable} -m govern_as_code rules --repo {tmp_path} | head -2",
        shell=True,
        capture_output=True,
        cwd=tmp_path,
        env=env,
        check=True,
    )
    full = CliRunner().invoke(cli, ["rules", "--repo", str(tmp_path)]).stdout.encode()
    assert done.stdout.splitlines() == full.splitlines()[:2]
    assert b"internal error" not in done.stderr
    assert b"Traceback" not in done.stderr


# --- 2. --output and --out into folders that do not exist, or cannot be ---------------------


def test_export_output_creates_missing_folders(portfolio: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "dir" / "x.json"
    result = gac("export", "--repo", str(portfolio), "--output", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{target}\n"
    assert json.loads(target.read_text("utf-8"))["format"] == "govern-as-code/export/v1"


def test_lint_output_creates_missing_folders_like_export(portfolio: Path, tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "lint.json"
    result = gac("lint", "--repo", str(portfolio), "--format", "json", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text("utf-8"))["summary"]["errors"] == 0


@pytest.mark.parametrize(
    "command",
    [
        ("export",),
        ("lint", "--format", "json"),
        ("validate", "--format", "sarif"),
    ],
)
def test_output_under_a_file_names_the_folder(
    command: tuple[str, ...], portfolio: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    target = blocker / "x.json"
    result = gac(*command, "--repo", str(portfolio), "--output", str(target))
    error, fix = stop_lines(result)
    assert error.startswith(f"gac: error: cannot create the folder {blocker} for {target}")
    assert fix == "gac: fix: choose another --output in a folder you can write to"


def test_output_that_is_a_folder_is_refused_by_click(portfolio: Path, tmp_path: Path) -> None:
    result = gac("export", "--repo", str(portfolio), "--output", str(tmp_path))
    assert result.exit_code == 2
    assert "is a directory" in result.stderr
    assert "internal error" not in result.stderr


def test_report_out_under_a_file_names_the_folder(portfolio: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = gac("report", "--repo", str(portfolio), "--out", str(blocker / "site"))
    error, _ = stop_lines(result)
    assert f"{blocker / 'site'}" in error


def test_schema_export_out_under_a_file_names_the_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = gac("schema", "export", "--out", str(blocker / "schemas"))
    error, fix = stop_lines(result)
    assert error.startswith(f"gac: error: cannot write the schemas into {blocker / 'schemas'}")
    assert fix == "gac: fix: choose another --out, a folder you can write to"


def test_demo_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = gac("demo", "--out", str(blocker))
    assert result.exit_code == 2
    assert "is a file" in result.stderr
    assert "internal error" not in result.stderr


# --- 3. --output prints one summary line -----------------------------------------------------


def test_sarif_output_prints_one_summary_line(blocked: GateRepo, tmp_path: Path) -> None:
    target = tmp_path / "gac.sarif"
    args = ("--repo", str(blocked.root), "--today", "2026-03-01")
    result = gac("lint", *args, "--format", "sarif", "--output", str(target))
    assert result.exit_code == 1
    assert result.stdout == (
        f"wrote {target}: 2 errors, 0 warnings in 13 documents; gate: 0 passed, 1 blocked\n"
    )
    assert json.loads(target.read_text("utf-8"))["version"] == "2.1.0"


def test_text_output_also_prints_one_summary_line(portfolio: Path, tmp_path: Path) -> None:
    write(portfolio, {"people/bob.yaml": BROKEN_PERSON})
    target = tmp_path / "lint.txt"
    result = gac("validate", "--repo", str(portfolio), "--output", str(target))
    assert result.exit_code == 1
    assert result.stdout == f"wrote {target}: 1 error, 0 warnings in 3 documents\n"
    assert target.read_text("utf-8").splitlines()[-1] == "1 error, 0 warnings in 3 documents"


# --- 4. one portfolio counted twice -----------------------------------------------------------


@pytest.fixture()
def export_file(portfolio: Path, tmp_path: Path) -> Path:
    target = tmp_path / "exports" / "acme.json"
    assert gac("export", "--repo", str(portfolio), "--output", str(target)).exit_code == 0
    return target


def test_the_same_export_twice_is_refused(export_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = gac(
        "report",
        "--out",
        str(out),
        "--from-export",
        str(export_file),
        "--from-export",
        str(export_file),
    )
    error, fix = stop_lines(result)
    assert error == (
        f"gac: error: the export {export_file} is given twice: it would be counted twice"
    )
    assert fix == "gac: fix: name each --from-export file once"
    assert not out.exists()


def test_the_same_export_under_two_paths_is_refused(export_file: Path, tmp_path: Path) -> None:
    other = export_file.parent / ".." / "exports" / export_file.name
    link = tmp_path / "link.json"
    link.symlink_to(export_file)
    for second in (other, link):
        result = gac(
            "report",
            "--out",
            str(tmp_path / "site"),
            "--from-export",
            str(export_file),
            "--from-export",
            str(second),
        )
        error, _ = stop_lines(result)
        assert error == (
            f"gac: error: the export {second} is given twice (also given as {export_file}):"
            " it would be counted twice"
        )


def test_two_exports_of_one_portfolio_are_refused(
    export_file: Path, portfolio: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.json"
    copy.write_bytes(export_file.read_bytes())
    revision = git(portfolio, "rev-parse", "HEAD").strip()
    result = gac(
        "report",
        "--out",
        str(tmp_path / "site"),
        "--from-export",
        str(export_file),
        "--from-export",
        str(copy),
    )
    error, fix = stop_lines(result)
    assert error == (
        f"gac: error: {export_file} and {copy} are exports of the same portfolio 'acme'"
        f" at revision {revision}: it would be counted twice"
    )
    assert fix == "gac: fix: keep one of them, or export the other portfolio again"


def test_exports_of_two_revisions_aggregate(
    export_file: Path, portfolio: Path, tmp_path: Path
) -> None:
    write(
        portfolio,
        {"projects/pricing.yaml": PORTFOLIO["projects/churn.yaml"].replace("churn", "pricing")},
    )
    commit_all(portfolio, "pricing")
    later = tmp_path / "later.json"
    assert gac("export", "--repo", str(portfolio), "--output", str(later)).exit_code == 0
    result = gac(
        "report",
        "--out",
        str(tmp_path / "site"),
        "--from-export",
        str(export_file),
        "--from-export",
        str(later),
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "index.html").is_file()


# --- 5. --repo on demo and schema export ------------------------------------------------------


def test_schema_export_writes_into_the_repos_schemas_folder(tmp_path: Path) -> None:
    result = gac("schema", "export", "--repo", str(tmp_path))
    assert result.exit_code == 0, result.output
    expected = sorted(f"{k.lower()}.schema.json" for k in MODEL_BY_KIND)
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == expected
    assert result.stdout.splitlines()[0].startswith(str(tmp_path / "schemas"))


def test_schema_export_out_wins_over_repo(tmp_path: Path) -> None:
    result = gac("schema", "export", "--repo", str(tmp_path), "--out", str(tmp_path / "elsewhere"))
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "schemas").exists()
    assert (tmp_path / "elsewhere" / "person.schema.json").is_file()


def test_schema_export_repo_must_exist(tmp_path: Path) -> None:
    result = gac("schema", "export", "--repo", str(tmp_path / "nope"))
    error, _ = stop_lines(result)
    assert error == f"gac: error: the repository folder {tmp_path / 'nope'} does not exist"


def test_demo_builds_in_repo(tmp_path: Path) -> None:
    result = gac("demo", "--repo", str(tmp_path / "d"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "d" / "portfolio" / "governance.yaml").is_file()
    assert f"Report: {tmp_path / 'd' / 'report' / 'index.html'}" in result.stdout


def test_demo_refuses_two_different_folders(tmp_path: Path) -> None:
    result = gac("demo", "--repo", str(tmp_path / "a"), "--out", str(tmp_path / "b"))
    error, _ = stop_lines(result)
    assert (
        error
        == f"gac: error: --out {tmp_path / 'b'} and --repo {tmp_path / 'a'} name different folders"
    )
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


@pytest.mark.parametrize("command", [("demo",), ("schema", "export")])
def test_help_documents_repo(command: tuple[str, ...]) -> None:
    result = gac(*command, "--help")
    assert result.exit_code == 0
    assert "--repo" in result.stdout


# --- 10. what a new user runs into ------------------------------------------------------------


def test_ctrl_c_ends_with_one_line_and_exit_130(
    portfolio: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import govern_as_code.commands.validate as validate_module

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(validate_module, "validate", interrupted)
    result = gac("validate", "--repo", str(portfolio))
    assert result.exit_code == 130
    assert result.stderr == "\ngac: error: interrupted\n"


def _gac_strict(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """gac under a strict UTF-8 stdout, as on a machine with a real UTF-8 locale."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "PYTHONIOENCODING": "utf-8:strict"}
    env.pop("GAC_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "govern_as_code", *args],
        capture_output=True,
        cwd=cwd,
        env=env,
        check=False,
    )


@pytest.fixture()
def odd_name(portfolio: Path) -> Path:
    """The portfolio plus a Person file whose name is not UTF-8 (the bytes ff fe)."""
    name = os.fsdecode(b"\xff\xfe.yaml")
    (portfolio / "people" / name).write_text(BROKEN_PERSON, encoding="utf-8")
    return portfolio


def test_a_file_name_that_is_not_utf8_is_printed_as_its_bytes(odd_name: Path) -> None:
    done = _gac_strict("validate", "--repo", str(odd_name), cwd=odd_name)
    assert done.returncode == 1, done.stderr
    assert done.stderr == b""
    assert b"people/\xff\xfe.yaml:" in done.stdout


def test_sarif_percent_encodes_a_file_name_that_is_not_utf8(odd_name: Path) -> None:
    done = _gac_strict("validate", "--repo", str(odd_name), "--format", "sarif", cwd=odd_name)
    assert done.returncode == 1, done.stderr
    sarif = json.loads(done.stdout)
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
        for loc in r["locations"]
    }
    assert "people/%FF%FE.yaml" in uris


def test_output_file_keeps_a_file_name_that_is_not_utf8(odd_name: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    done = _gac_strict("validate", "--repo", str(odd_name), "--output", str(target), cwd=odd_name)
    assert done.returncode == 1, done.stderr
    assert done.stderr == b""
    assert b"people/\xff\xfe.yaml:" in target.read_bytes()


@pytest.mark.parametrize(
    ("options", "where"),
    [("maxAgeDays: 0o777", "maxAgeDays"), ("maxAg%Days: 365", "maxAg%Days")],
)
def test_unreadable_gate_options_stop_lint_naming_the_option(
    portfolio: Path, options: str, where: str
) -> None:
    # Found by benchmarks/fuzz.py: the gate's options were read before the rules, unguarded.
    write(
        portfolio,
        {
            "governance.yaml": PORTFOLIO["governance.yaml"] + "  policies: [policies/gate.yaml]\n",
            "policies/gate.yaml": H + "kind: Policy\nmetadata:\n  id: gate\nspec:\n  rules:\n"
            "    production-requires-approvals:\n      level: error\n"
            f"      options:\n        {options}\n",
        },
    )
    commit_all(portfolio, "policy")
    result = gac("lint", "--repo", str(portfolio))
    error, fix = stop_lines(result)
    # The policy engine's friendly validation names the file, the line and the option.
    assert error.startswith("gac: error: policies/gate.yaml:10: ")
    assert where in error and "production-requires-approvals" in error
    assert fix.startswith("gac: fix: ")


def test_check_deploy_of_a_folder_says_it_is_a_folder(portfolio: Path) -> None:
    (portfolio / "deployments").mkdir(exist_ok=True)
    result = gac("check-deploy", "deployments", "--repo", str(portfolio))
    error, fix = stop_lines(result)
    assert error == "gac: error: deployments is a folder, not a manifest"
    assert fix == "gac: fix: name the manifest files in it, e.g. deployments/*.yaml"


def test_request_review_write_into_a_file_is_a_stop(portfolio: Path) -> None:
    (portfolio / "review-requests").write_text("not a folder\n", encoding="utf-8")
    result = gac("request-review", "Person/alice", "--write", "--repo", str(portfolio))
    error, fix = stop_lines(result)
    assert error.startswith("gac: error: cannot write ")
    assert fix == "gac: fix: make review-requests/ a folder you can write to, or leave out --write"
