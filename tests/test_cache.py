"""The cache (docs/cache.md): cold, warm and incremental lints give identical problems and gates.

That equality is the cache's correctness test. Each case compares the full JSON of
`gac lint --format json` with the cache against a cold run with --no-cache on the same state,
on the small synthetic preset (benchmarks/synth.py): after nothing changed, after a commit,
after an edit that is not staged, and after a change in the trusted base to something cached
documents depend on (a Person's key and role, a policy option, a model's risk tier).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from repo_helpers import commit_all, git
from signing_helpers import init_repo
from test_benchmark_synth import _synth

from govern_as_code.cli.main import cli
from govern_as_code.commands.assess import LintRequest, assess
from govern_as_code.git import Repository, blob_id
from govern_as_code.portfolio import loader

TODAY = "2025-06-01"  # the synthetic history's approvals are current on this day


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    synth = _synth()
    root = tmp_path_factory.mktemp("synth") / "portfolio"
    synth.synthesize(root, synth.PRESETS["small"], seed=3)
    return root


@pytest.fixture
def repo(pristine: Path, tmp_path: Path) -> Path:
    root = tmp_path / "portfolio"
    shutil.copytree(pristine, root, symlinks=True)
    shutil.rmtree(root / ".git" / "govern-as-code", ignore_errors=True)
    return root


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many files the loader parsed, per `lint` call (a cache hit parses nothing)."""
    counts: list[int] = [0]
    real = loader.parse_bytes

    def counting(raw: bytes, *, is_json: bool = False) -> Any:
        counts[-1] += 1
        return real(raw, is_json=is_json)

    monkeypatch.setattr(loader, "parse_bytes", counting)
    yield counts


def lint(root: Path, *extra: str, counts: list[int] | None = None) -> tuple[int, dict[str, Any]]:
    if counts is not None:
        counts.append(0)
    out = root.parent / "lint.json"
    args = ["lint", "--repo", str(root), "--base", "main", "--today", TODAY]
    result = CliRunner().invoke(cli, [*args, "--format", "json", "--output", str(out), *extra])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(out.read_text("utf-8"))


def cold(root: Path) -> tuple[int, dict[str, Any]]:
    return lint(root, "--no-cache")


def cache_of(root: Path) -> Path:
    return root / ".git" / "govern-as-code"


def test_cold_warm_and_incremental_lints_agree(repo: Path, parses: list[int]) -> None:
    before = cold(repo)
    assert not cache_of(repo).exists(), "--no-cache writes no cache"
    # Without any cache, a blob the base and the head share is still parsed once.
    files = len(git(repo, "ls-files").splitlines())
    parses.clear()
    lint(repo, "--no-cache", counts=parses)
    assert parses[-1] <= files

    assert lint(repo, counts=parses) == before  # fills the cache
    assert list(cache_of(repo).glob("parse-*/*.json")), "the cache was written"
    assert (cache_of(repo) / "signatures.json").is_file()
    assert lint(repo, counts=parses) == before  # warm
    assert parses[-1] == 0, "a warm lint parses nothing again"

    # Incremental: a pull request changes one version against the base.
    git(repo, "checkout", "-q", "-b", "change")
    version = next(p for p in git(repo, "ls-files").splitlines() if "/versions/" in p)
    target = repo / version
    target.write_text(target.read_text() + "# a new drift figure is on its way\n")
    commit_all(repo, "Touch one version")
    incremental = lint(repo, counts=parses)
    assert parses[-1] == 1, "only the changed blob is parsed"
    assert incremental == cold(repo)


def test_an_edit_that_is_not_staged_is_seen(repo: Path) -> None:
    _, before = lint(repo)  # the index and the cache both know every file now
    path = next(p for p in git(repo, "ls-files").splitlines() if "/versions/" in p)
    target = repo / path
    text = target.read_text()
    assert "kind: ModelVersion" in text
    target.write_text(text.replace("kind: ModelVersion", "kind: ModelVersoin"))
    _, after = lint(repo)
    assert after == cold(repo)[1]
    assert any(p["path"] == path and p["rule"] == "unknown-kind" for p in after["problems"])
    assert after != before
    # Staged, then put back on disk only: the file on disk wins again.
    git(repo, "add", path)
    target.write_text(text)
    restored = lint(repo)[1]
    assert restored == cold(repo)[1]
    assert not any(p["path"] == path and p["rule"] == "unknown-kind" for p in restored["problems"])
    # git is told not to look at the file: the lint still does.
    git(repo, "update-index", "--assume-unchanged", path)
    target.write_text(text.replace("kind: ModelVersion", "kind: ModelVersoin"))
    hidden = lint(repo)[1]
    assert hidden == cold(repo)[1]
    assert any(p["path"] == path and p["rule"] == "unknown-kind" for p in hidden["problems"])


def _replace_in_base(repo: Path, path: str, old: str, new: str) -> None:
    target = repo / path
    text = target.read_text()
    assert old in text, (path, old)
    target.write_text(text.replace(old, new, 1))
    commit_all(repo, f"Change {path}")


def _approver(repo: Path) -> tuple[str, str]:
    """A person who signed approvals, and the role they hold."""
    for person in sorted((repo / "people").glob("*.yaml")):
        text = person.read_text()
        role = text.split("roles: [", 1)[1].split("]", 1)[0].split(",")[0].strip()
        if role == "technical-review":
            return f"people/{person.name}", role
    raise AssertionError("no technical reviewer in the synthetic portfolio")


@pytest.mark.parametrize("change", ["person-role", "person-key", "policy-option", "risk-tier"])
def test_a_change_to_what_cached_documents_depend_on_is_seen(repo: Path, change: str) -> None:
    before = lint(repo)  # every blob of the base and the head is cached now
    if change in ("person-role", "person-key"):
        path, role = _approver(repo)
        if change == "person-role":
            _replace_in_base(repo, path, f"roles: [{role}", "roles: [compliance-review")
        else:
            _replace_in_base(
                repo, path, 'publicKey: "ssh-ed25519 AAAA', 'publicKey: "ssh-ed25519 BAAA'
            )
    elif change == "policy-option":
        (repo / "policies").mkdir()
        (repo / "policies" / "org.yaml").write_text(
            "apiVersion: govern-as-code/v1\nkind: Policy\nmetadata:\n  id: org\nspec:\n"
            "  extends: [default]\n  rules:\n    production-requires-approvals:\n"
            "      options: {maxAgeDays: 400}\n"
        )
        gov = repo / "governance.yaml"
        gov.write_text(gov.read_text() + "  policies: [policies/org.yaml]\n")
        commit_all(repo, "Our own policy")
        assert lint(repo) == cold(repo)
        _replace_in_base(repo, "policies/org.yaml", "maxAgeDays: 400", "maxAgeDays: 30")
    else:
        models = sorted(git(repo, "ls-files", "*/model.yaml").splitlines())
        low = next(m for m in models if "riskTier: critical" not in (repo / m).read_text())
        tier = (repo / low).read_text().split("riskTier: ", 1)[1].split()[0]
        _replace_in_base(repo, low, f"riskTier: {tier}", "riskTier: critical")
    after = lint(repo)
    assert after == cold(repo)
    assert after != before, "the change must matter, or this test proves nothing"


def _shards(repo: Path) -> list[Path]:
    shards = sorted(cache_of(repo).glob("parse-*/*.json"))
    assert shards
    return shards


@pytest.mark.parametrize(
    "damage",
    [
        b"",  # truncated to nothing
        b'{"format": "govern-as-code/parse-cache/v1", "entries": {',  # cut short
        b"\x80\x04\x95 not JSON at all",  # e.g. a pickle: never unpickled
        b'{"format": "another-tool/v9", "entries": {}}',  # foreign
        b"[1, 2, 3]",
    ],
)
def test_a_damaged_cache_is_ignored_and_rebuilt(
    repo: Path, damage: bytes, parses: list[int]
) -> None:
    before = lint(repo)
    for shard in _shards(repo):
        shard.write_bytes(damage)
    assert lint(repo, counts=parses) == before
    assert parses[-1] > 0, "the damaged entries were parsed again"
    assert lint(repo, counts=parses) == before
    assert parses[-1] == 0, "and cached again"


def test_entries_of_the_wrong_shape_are_parsed_again(repo: Path, parses: list[int]) -> None:
    before = lint(repo)
    shapes: list[Any] = [
        {"documents": [[{"kind": "Person"}, ["1", "1"], []]]},  # positions that are not ints
        {"documents": [[{"kind": "Person"}, [1, 1, 2, 2, 3, 3], []]]},  # one position too many
        {"documents": [[{"kind": "Person"}, [-1, 1, 2, 2], []]]},  # not a line number
        {"documents": "no"},
        {"issue": ["parse", "forged", "1", 1, ""]},
        "a string",
    ]
    for index, shard in enumerate(_shards(repo)):
        data = json.loads(shard.read_bytes())
        data["entries"] = {k: shapes[index % len(shapes)] for k in data["entries"]}
        shard.write_text(json.dumps(data))
    signatures = cache_of(repo) / "signatures.json"
    data = json.loads(signatures.read_text())
    data["commits"] = {k: ["not", "a", "dict"] for k in data["commits"]}
    signatures.write_text(json.dumps(data))
    assert lint(repo, counts=parses) == before
    assert parses[-1] > 0


def test_the_cache_is_keyed_by_the_bytes_not_the_path(repo: Path) -> None:
    lint(repo)
    raw = (repo / "governance.yaml").read_bytes()
    name = blob_id(raw)
    assert name == git(repo, "hash-object", "governance.yaml").strip()
    shard = next(cache_of(repo).glob(f"parse-*/{name[:2]}.json"))
    assert name in json.loads(shard.read_text())["entries"]


def test_cache_dir_and_the_environment_variable(repo: Path, tmp_path: Path) -> None:
    before = cold(repo)
    folder = tmp_path / "ci-cache"
    assert lint(repo, "--cache-dir", str(folder)) == before
    assert list(folder.glob("parse-*/*.json")) and (folder / "signatures.json").is_file()
    assert not cache_of(repo).exists(), "--cache-dir replaces the default location"
    shutil.rmtree(folder)
    out = tmp_path / "env.json"
    args = ["lint", "--repo", str(repo), "--base", "main", "--today", TODAY, "--format", "json"]
    result = CliRunner().invoke(
        cli, [*args, "--output", str(out)], env={"GAC_CACHE_DIR": str(folder)}
    )
    assert result.exit_code in (0, 1), result.output
    assert json.loads(out.read_text()) == before[1]
    assert list(folder.glob("parse-*/*.json"))


@pytest.mark.parametrize("command", ["lint", "validate", "report", "check-deploy"])
def test_an_unusable_cache_dir_is_a_clear_error(repo: Path, tmp_path: Path, command: str) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    extra = {
        "lint": [],
        "validate": [],
        "report": ["--out", str(tmp_path / "site")],
        "check-deploy": [str(next((repo / "deployments" / "production").glob("*.yaml")))],
    }[command]
    result = CliRunner().invoke(
        cli, [command, *extra, "--repo", str(repo), "--cache-dir", str(blocker / "cache")]
    )
    assert result.exit_code == 2, result.output
    assert "the cache folder" in result.output and "cannot be used" in result.output
    assert "--no-cache" in result.output
    assert "Traceback" not in result.output


def test_base_and_head_share_one_document_per_blob_without_a_cache(repo: Path) -> None:
    assessment = assess(
        LintRequest(repo, base="main", today=date.fromisoformat(TODAY), no_cache=True)
    )
    base = assessment.trust.portfolio
    assert base is not None and base is not assessment.portfolio
    assert len(base.documents) == len(assessment.portfolio.documents) > 0
    for document in assessment.portfolio.documents:
        assert base.get(document.kind, document.id) is document
    assert not cache_of(repo).exists()


def test_blob_ids_are_gits_own_in_sha1_and_sha256_repositories(tmp_path: Path) -> None:
    data = b"apiVersion: govern-as-code/v1\nkind: Person\n"
    for object_format in ("sha1", "sha256"):
        root = init_repo(tmp_path / object_format, object_format=object_format)
        (root / "x.yaml").write_bytes(data)
        expected = git(root, "hash-object", "x.yaml").strip()
        assert blob_id(data, object_format) == expected
        assert Repository(root).object_format() == object_format


def test_concurrent_lints_leave_a_readable_cache(repo: Path) -> None:
    before = cold(repo)
    argv = [sys.executable, "-m", "govern_as_code", "lint", "--repo", str(repo), "--base"]
    runs = [
        subprocess.Popen(
            [*argv, "main", "--today", TODAY, "--format", "json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(3)
    ]
    outputs = [json.loads(run.communicate()[0]) for run in runs]
    assert all(output == before[1] for output in outputs)
    for shard in _shards(repo):
        json.loads(shard.read_bytes())  # whole, never half-written
    assert not list(cache_of(repo).rglob(".*.json.*")), "no temporary file is left behind"
    assert lint(repo) == before


def test_history_walks_are_kept_by_commit_id_and_never_trusted_when_damaged(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = lint(repo)
    memos = sorted((cache_of(repo) / "history").glob("*.json"))
    assert memos  # the walks of this head were kept
    walks: list[tuple[str, ...]] = []
    real = Repository._walk_changes

    def counting(self: Repository, rev: str, specs: Any, full: bool) -> Any:
        walks.append(tuple(specs))
        return real(self, rev, specs, full)

    monkeypatch.setattr(Repository, "_walk_changes", counting)
    assert lint(repo) == before
    assert walks == []  # the same head: every walk came from the memo
    for memo in memos:
        memo.write_text('[["not", "a"], 3]')
    assert lint(repo) == before
    assert walks  # damaged memos were walked again, never believed
    walks.clear()
    # A new head is another history: its walks are made, not borrowed from the old head.
    (repo / "README.md").write_text("a change that is not governance\n")
    commit_all(repo, "Touch the readme")
    assert lint(repo)[1]["gates"] == before[1]["gates"]
    assert walks


def test_a_new_head_extends_its_parents_kept_walks_exactly(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lint(repo)  # the walks of this head are kept
    version = next(repo.glob("projects/*/models/*/versions/*.yaml"))
    version.write_text(version.read_text() + "# monitored again\n")
    commit_all(repo, "Touch one version")
    ranges: list[str] = []
    real = Repository._walk_changes

    def counting(self: Repository, rev: str, specs: Any, full: bool) -> Any:
        ranges.append(rev)
        return real(self, rev, specs, full)

    monkeypatch.setattr(Repository, "_walk_changes", counting)
    extended = lint(repo)
    assert ranges and all(".." in r for r in ranges)  # only the new commit was walked
    monkeypatch.undo()
    assert extended == cold(repo)
    # A merge between the head and the kept walk: the whole history is walked again.
    git(repo, "checkout", "-q", "-b", "side", "HEAD~1")
    (repo / "side.md").write_text("a side branch\n")
    commit_all(repo, "Side work")
    git(repo, "checkout", "-q", "-")
    git(repo, "merge", "-q", "--no-edit", "side")
    ranges.clear()
    monkeypatch.setattr(Repository, "_walk_changes", counting)
    merged = lint(repo)
    assert ranges and all(".." not in r for r in ranges)
    monkeypatch.undo()
    assert merged == cold(repo)
