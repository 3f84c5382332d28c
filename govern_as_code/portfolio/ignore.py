"""The `.gacignore` file: the one reader, for working trees and revisions alike.

A symbolic link in its place is never followed: an ignore file that points elsewhere could
hide documents from the gate.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from govern_as_code.git import Repository

IGNORE_FILE = ".gacignore"


@dataclass(frozen=True)
class IgnoreFiles:
    """The raw `.gacignore` of the change under review and of the trusted base."""

    head: bytes = b""
    base: bytes = b""


def read_worktree_ignore(root: Path) -> bytes:
    """The working tree's `.gacignore`, or nothing when it is missing or a symbolic link."""
    try:
        fd = os.open(root / IGNORE_FILE, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return b""
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def read_revision_ignore(repo: Repository, revision: str) -> bytes:
    """A revision's `.gacignore`, or nothing when it is missing or a symbolic link."""
    entry = next((e for e in repo.tree(revision, [IGNORE_FILE]) if e.path == IGNORE_FILE), None)
    if entry is None or entry.is_symlink or entry.is_submodule:
        return b""
    return repo.read_blobs([entry.sha]).get(entry.sha, b"")


def ignore_lines(raw: bytes) -> tuple[str, ...]:
    return tuple(raw.decode("utf-8", "replace").splitlines())
