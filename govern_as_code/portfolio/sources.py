"""Where a portfolio's files come from: a working tree, or a revision of a git repository.

A revision is read from git's object store, so `--at` and the trusted base never touch the
user's working tree. Both list symbolic links and submodules (and nested repositories) as
candidates too, never following them, so the loader can refuse one that stands where a
governance document or deployment manifest would be.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from govern_as_code.git import Repository

DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Candidate:
    path: str  # repo-relative, forward slashes
    size: int
    symlink_target: str | None = None  # set when the entry is a symlink, which is never followed
    submodule: bool = False  # a git submodule or nested repository: its files are not ours

    @property
    def is_file(self) -> bool:
        """A regular file, the only kind of entry whose content is read."""
        return self.symlink_target is None and not self.submodule


class FileSource(Protocol):
    description: str

    def candidates(self) -> list[Candidate]: ...

    def read(self, paths: Iterable[str]) -> dict[str, bytes]: ...


class WorktreeSource:
    """The files on disk: tracked and untracked-but-not-ignored in git, or every file."""

    def __init__(self, root: Path, repo: Repository | None) -> None:
        self.root = root
        self.repo = repo
        self.description = str(root)
        self._listed: list[str] = []

    def _paths(self) -> list[str]:
        if self.repo is not None and self.repo.root.resolve() == self.root.resolve():
            self._listed = self.repo.worktree_files()
            return self._listed
        found = []
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = [d for d in dirs if d not in (".git", "node_modules", "__pycache__")]
            for name in files:
                found.append(os.path.relpath(os.path.join(folder, name), self.root))
            for name in list(dirs):
                if os.path.islink(os.path.join(folder, name)):
                    found.append(os.path.relpath(os.path.join(folder, name), self.root))
                    dirs.remove(name)
        return sorted(p.replace(os.sep, "/") for p in found)

    def candidates(self) -> list[Candidate]:
        result = []
        for path in self._paths():
            full = os.path.join(self.root, path)
            try:
                found = os.lstat(full)
            except OSError:
                continue  # listed by git but deleted from the working tree
            # One lstat decides: a link is never followed, so what it points at is not asked.
            if stat.S_ISLNK(found.st_mode):
                result.append(Candidate(path, 0, os.readlink(full)))
            elif stat.S_ISREG(found.st_mode):
                result.append(Candidate(path, found.st_size))
            elif stat.S_ISDIR(found.st_mode):
                # git lists a submodule (or an untracked nested repository) as one entry.
                result.append(Candidate(path.rstrip("/"), 0, submodule=True))
        return result

    @property
    def object_format(self) -> str:
        return self.repo.object_format() if self.repo is not None else "sha1"

    def blob_ids(self, paths: Iterable[str]) -> dict[str, str]:
        """The index blob id of each of `paths` that git sees unchanged on disk.

        Modified, untracked and conflicted files are left out: they are read and hashed. So is
        everything when gitattributes or core.autocrlf could make a file on disk differ from
        its blob (a filter or an eol conversion).
        """
        repo = self.repo
        if repo is None or repo.root.resolve() != self.root.resolve():
            return {}
        wanted = list(paths)
        if repo.may_rewrite_content(self._listed or wanted):
            return {}
        index = repo.index_blobs()
        unstaged = repo.unstaged_paths()
        return {p: index[p] for p in wanted if p in index and p not in unstaged}

    def read(self, paths: Iterable[str]) -> dict[str, bytes]:
        out = {}
        for path in paths:
            # O_NOFOLLOW: a file swapped for a symlink after listing is still not followed.
            fd = os.open(self.root / path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as handle:
                out[path] = handle.read()
        return out


class RevisionSource:
    """The files of one commit, read from git's object store."""

    def __init__(self, repo: Repository, revision: str, label: str | None = None) -> None:
        """`label` is how the user named the revision (`--at 2026-06-30`), for messages."""
        self.repo = repo
        self.revision = repo.resolve(revision)
        self.description = f"{label or revision} ({self.revision[:12]})"
        self._entries = {e.path: e for e in repo.tree(self.revision)}

    def candidates(self) -> list[Candidate]:
        result = []
        for entry in self._entries.values():
            if entry.is_submodule:
                result.append(Candidate(entry.path, 0, submodule=True))
            elif entry.is_symlink:
                target = self.repo.read_blobs([entry.sha]).get(entry.sha, b"")
                result.append(Candidate(entry.path, 0, target.decode("utf-8", "replace")))
            else:
                result.append(Candidate(entry.path, entry.size))
        return sorted(result, key=lambda c: c.path)

    @property
    def object_format(self) -> str:
        return self.repo.object_format()

    def blob_ids(self, paths: Iterable[str]) -> dict[str, str]:
        """The blob id of each of `paths` that is a file of this revision."""
        found = {}
        for path in paths:
            entry = self._entries.get(path)
            if entry is not None and not entry.is_submodule and not entry.is_symlink:
                found[path] = entry.sha
        return found

    def read(self, paths: Iterable[str]) -> dict[str, bytes]:
        wanted = {
            p: self._entries[p].sha
            for p in paths
            if p in self._entries and not self._entries[p].is_submodule
        }
        blobs = self.repo.read_blobs(wanted.values())
        return {p: blobs[sha] for p, sha in wanted.items() if sha in blobs}
