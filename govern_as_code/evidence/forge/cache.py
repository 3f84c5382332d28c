"""A cache of the forge's answers about merged pull requests.

A merged pull request does not change: its head, its base and the reviews given on that head
are settled. So the answers are kept by PR number and head sha, and `gac lint --offline`
reads only them. Answers about open pull requests are never cached.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

FORMAT = 1


class AnswerCache:
    """JSON files under `root/<forge>/<repository>/`; a missing root caches nothing."""

    def __init__(self, root: Path | None, forge: str, repository: str) -> None:
        safe = repository.replace("/", "__")
        self.folder = root / forge / safe if root is not None else None

    def _path(self, name: str) -> Path | None:
        return self.folder / f"{name}.json" if self.folder is not None else None

    def load(self, name: str) -> Any | None:
        path = self._path(name)
        if path is None or not path.is_file():
            return None
        try:
            stored = json.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return None  # a damaged entry is as good as none: the answer is fetched again
        if not isinstance(stored, dict) or stored.get("format") != FORMAT:
            return None
        return stored.get("answer")

    def store(self, name: str, answer: Any) -> None:
        path = self._path(name)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written to a temporary file and renamed, so a reader never sees half an entry.
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"format": FORMAT, "answer": answer}, out, sort_keys=True)
        os.replace(temporary, path)

    def heads_of(self, number: int) -> list[str]:
        """The head shas of PR `number` that have a cached answer."""
        if self.folder is None or not self.folder.is_dir():
            return []
        prefix = f"pull-{number}-"
        return sorted(p.stem[len(prefix) :] for p in self.folder.glob(f"{prefix}*.json"))


def pull_key(number: int, head: str) -> str:
    return f"pull-{number}-{head}"


def commit_key(sha: str) -> str:
    return f"commit-{sha}"
