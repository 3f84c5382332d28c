"""When a version first reached a protected environment, read from a real git history."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from govern_as_code.evidence.reached_production import reached_production
from govern_as_code.git import Repository
from govern_as_code.portfolio import Deployment

MANIFEST = "deployments/production/m.yaml"
OTHER = "k8s/serving/other.yaml"


def _commit(repo: Repository, path: str, text: str, when: datetime) -> None:
    target = repo.root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, "utf-8")
    repo.commit_as([path], f"write {path}", name="Ann", email="ann@example.com", when=when)


def _deployment(path: str, subject: str) -> Deployment:
    return Deployment(path, 1, 1, "production", subject, "", False)


def test_the_first_commit_naming_the_version_counts(tmp_path: Path) -> None:
    repo = Repository.init(tmp_path / "repo")
    march, june, july = (datetime(2026, m, 1, 9, tzinfo=UTC) for m in (3, 6, 7))
    _commit(repo, MANIFEST, "spec:\n  modelVersion: m@10\n", march)  # m@10 is not m@1
    _commit(repo, MANIFEST, "spec:\n  modelVersion: m@1\n", june)
    _commit(repo, OTHER, 'annotations:\n  govern-as-code/model-version: "m@2"\n', june)
    _commit(repo, MANIFEST, "spec:\n  modelVersion: m@1\n  target: k8s://prod\n", july)
    head = repo.resolve("HEAD")
    since = reached_production(
        repo,
        head,
        [_deployment(MANIFEST, "m@1"), _deployment(OTHER, "m@2"), _deployment("new.yaml", "m@3")],
    )
    # m@3's manifest is not committed: it has reached nothing yet.
    assert since == {"m@1": june, "m@2": june}
    assert reached_production(repo, head, []) == {}
