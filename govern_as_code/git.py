"""The one module that talks to git.

Everything returns plain records; every git failure becomes a GitError that says what to do.
Bulk reads (blobs, raw commits) go through one `git cat-file --batch` process, never a process
per object.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import git as gitpython

from govern_as_code.errors import GitError

_ENV = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


@dataclass(frozen=True)
class TreeEntry:
    path: str
    mode: str
    sha: str
    size: int

    @property
    def is_symlink(self) -> bool:
        return self.mode == "120000"

    @property
    def is_submodule(self) -> bool:
        return self.mode == "160000"


@dataclass(frozen=True)
class LogEntry:
    """A commit that touched some paths: who, when, and how each path changed (A, M or D)."""

    commit: str
    author_name: str
    author_email: str
    time: datetime
    subject: str
    files: tuple[tuple[str, str], ...]  # (status, path)


@dataclass(frozen=True)
class FileChange:
    """A commit that changed a path, as `git log` walks the history that produced the file."""

    commit: str
    path: str


class Repository:
    """A git repository on disk."""

    def __init__(self, root: Path) -> None:
        self.root = root
        try:
            self._repo = gitpython.Repo(root)
        except (gitpython.InvalidGitRepositoryError, gitpython.NoSuchPathError) as e:
            raise GitError(
                f"{root} is not a git repository",
                "run the command inside the portfolio's git repository, or pass --repo",
            ) from e

    @classmethod
    def discover(cls, path: Path) -> Repository | None:
        """The repository whose top level is `path`, or None when `path` is not in git."""
        try:
            repo = gitpython.Repo(path, search_parent_directories=True)
        except (gitpython.InvalidGitRepositoryError, gitpython.NoSuchPathError):
            return None
        if repo.working_tree_dir is None:
            return None
        return cls(Path(repo.working_tree_dir))

    @property
    def git_dir(self) -> Path:
        return Path(self._repo.git_dir)

    # --- plumbing ---------------------------------------------------------------------------

    def _run(self, *args: str, input: bytes | None = None, check: bool = True) -> bytes:
        """Run git in this repository; a failure becomes a GitError naming the command."""
        result = subprocess.run(
            ["git", "-C", str(self.root), *args],
            input=input,
            capture_output=True,
            env=_ENV,
            check=False,
        )
        if check and result.returncode != 0:
            detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(
                f"git {args[0]} failed: {detail[-1] if detail else 'no output'}",
                "check the repository and the revision you named",
            )
        return result.stdout

    def _cat_batch(self, names: Sequence[str]) -> dict[str, bytes]:
        if not names:
            return {}
        out = self._run("cat-file", "--batch", input="".join(f"{n}\n" for n in names).encode())
        found: dict[str, bytes] = {}
        offset = 0
        for name in names:
            end = out.index(b"\n", offset)
            header = out[offset:end].decode()
            offset = end + 1
            if header.endswith(" missing"):
                continue
            size = int(header.rsplit(" ", 1)[1])
            found[name] = out[offset : offset + size]
            offset += size + 1
        return found

    # --- revisions --------------------------------------------------------------------------

    def resolve(self, rev: str) -> str:
        """The commit id of `rev`; a missing ref is a GitError with the fetch to run."""
        out = self._run(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}", check=False
        )
        if not out.strip():
            hint = (
                f"fetch it first (git fetch origin {rev.removeprefix('origin/')}) and, in CI,"
                " check out with full history (actions/checkout: fetch-depth: 0)"
            )
            raise GitError(f"the revision {rev!r} is not in this repository", hint)
        return out.decode().strip()

    def has_commits(self) -> bool:
        return bool(self._run("rev-parse", "--verify", "--quiet", "HEAD", check=False).strip())

    def is_shallow(self) -> bool:
        return self._run("rev-parse", "--is-shallow-repository").strip() == b"true"

    def require_full_history(self) -> None:
        if self.is_shallow():
            raise GitError(
                "this is a shallow clone: the approval history cannot be verified",
                "fetch the full history (git fetch --unshallow; in GitHub Actions set"
                " fetch-depth: 0 on actions/checkout)",
            )

    def merge_base(self, a: str, b: str) -> str | None:
        out = self._run("merge-base", a, b, check=False).strip()
        return out.decode() or None

    def ref_exists(self, ref: str) -> bool:
        return bool(
            self._run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False).strip()
        )

    def rev_before(self, moment: datetime, rev: str = "HEAD") -> str | None:
        """The last commit of `rev`'s first-parent history committed at or before `moment`."""
        out = self._run("rev-list", "-1", "--first-parent", f"--before={moment.isoformat()}", rev)
        return out.decode().strip() or None

    # --- trees and files --------------------------------------------------------------------

    def worktree_files(self) -> list[str]:
        """Tracked files and untracked files that git does not ignore, repo-relative."""
        out = self._run(
            "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--deduplicate"
        )
        return sorted({p for p in out.decode("utf-8", "surrogateescape").split("\0") if p})

    def tree(self, rev: str, paths: Sequence[str] = ()) -> list[TreeEntry]:
        """Every entry of `rev`'s tree (or only `paths`), submodules and symlinks included."""
        out = self._run("ls-tree", "-r", "-l", "-z", "--full-tree", rev, "--", *paths)
        entries = []
        for record in out.decode("utf-8", "surrogateescape").split("\0"):
            if not record:
                continue
            meta, path = record.split("\t", 1)
            mode, _kind, sha, size = meta.split()
            entries.append(TreeEntry(path, mode, sha, int(size) if size != "-" else 0))
        return entries

    def read_blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        return self._cat_batch(list(dict.fromkeys(shas)))

    def read_file(self, rev: str, path: str) -> bytes | None:
        return self._cat_batch([f"{rev}:{path}"]).get(f"{rev}:{path}")

    def dirty_paths(self, pathspecs: Sequence[str] = ()) -> set[str]:
        """Paths whose working-tree content differs from HEAD, untracked ones included."""
        out = self._run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *pathspecs)
        paths = set()
        records = out.decode("utf-8", "surrogateescape").split("\0")
        skip_next = False
        for record in records:
            if skip_next:
                skip_next = False
                continue
            if not record:
                continue
            status, path = record[:2], record[3:]
            paths.add(path)
            if status[0] in "RC":
                skip_next = True
        return paths

    # --- history ----------------------------------------------------------------------------

    def changes(self, rev: str, pathspecs: Sequence[str]) -> list[FileChange]:
        """Every commit in `rev`'s history that produced the current content of the paths.

        git's default history simplification follows the parent a merge took a file from, so
        the commits listed are exactly those whose edits the file carries; a merge that changed
        the file relative to every parent (an "evil merge") is listed too.
        """
        # With -z every header and every path ends in NUL, which no path can contain. The header
        # carries a random marker, so no file name (which may hold any other byte, \x01 and
        # newlines included) can pose as a commit. A merge's combined name list follows its
        # header with an empty field; a single-parent commit's with a newline.
        marker = f"gac-{secrets.token_hex(16)}:"
        out = self._run(
            "log",
            f"--format={marker}%H",
            "--name-only",
            "-z",
            "--diff-merges=dense-combined",
            "--no-renames",
            rev,
            "--",
            *pathspecs,
        )
        changes = []
        commit: str | None = None
        after_header = False
        for field in out.decode("utf-8", "surrogateescape").split("\0"):
            if field.startswith(marker):
                commit, after_header = field[len(marker) :].strip(), True
                continue
            if after_header and field.startswith("\n"):
                field = field[1:]
            after_header = False
            if field and commit is not None:
                changes.append(FileChange(commit, field))
        return changes

    def raw_commits(self, shas: Iterable[str]) -> dict[str, bytes]:
        """The raw commit objects (headers, signature and message) of the given commits."""
        return self._cat_batch(list(dict.fromkeys(shas)))

    # --- writing ----------------------------------------------------------------------------

    def set_config(self, key: str, value: str) -> None:
        self._run("config", key, value)

    def config(self, key: str) -> str | None:
        out = self._run("config", "--get", key, check=False).decode().strip()
        return out or None

    @classmethod
    def init(cls, root: Path, branch: str = "main") -> Repository:
        """A new repository at `root` whose settings do not depend on the user's own config."""
        root.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["git", "init", "-q", "-b", branch, str(root)],
            check=True,
            env=_ENV,
            capture_output=True,
        )
        repo = cls(root)
        for key, value in (
            ("commit.gpgsign", "false"),
            ("tag.gpgsign", "false"),
            ("core.autocrlf", "false"),
            ("user.useConfigOnly", "true"),
        ):
            repo._run("config", key, value)
        return repo

    def commit_as(
        self,
        paths: Sequence[str],
        message: str,
        *,
        name: str,
        email: str,
        when: datetime,
        ssh_key: Path | None = None,
    ) -> str:
        """Commit `paths` as this author at this time, SSH-signed with `ssh_key` if given."""
        self._run("add", "--", *paths)
        stamp = when.isoformat()
        env = {
            **_ENV,
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
        }
        args = ["git", "-C", str(self.root)]
        if ssh_key is not None:
            args += ["-c", "gpg.format=ssh", "-c", f"user.signingkey={ssh_key}"]
        args += ["commit", "-q", "-m", message]
        if ssh_key is not None:
            args.append("-S")
        result = subprocess.run(args, env=env, capture_output=True, check=False)
        if result.returncode != 0:
            raise GitError(
                f"git commit failed: {result.stderr.decode('utf-8', 'replace').strip()}",
                "check that git and ssh-keygen are installed",
            )
        return self.resolve("HEAD")

    def commit_paths(self, paths: Sequence[str], message: str, *, sign: bool) -> str:
        """Stage `paths` and commit only them, signed with the user's own git configuration."""
        self._run("add", "--", *paths)
        args = ["commit", "--only", "-m", message]
        if sign:
            args.append("-S")
        self._run(*args, "--", *paths)
        return self.resolve("HEAD")

    # --- the audit trail (gac history) ------------------------------------------------------

    def path_log(self, rev: str, pathspecs: Sequence[str]) -> list[LogEntry]:
        """Every commit of `rev`'s history that added, changed or deleted one of the paths,
        newest first, with the status of each path it touched. Deleted files are included,
        so a withdrawn approval still shows."""
        marker = f"gac-{secrets.token_hex(16)}:"
        out = self._run(
            "log",
            f"--format={marker}%H%x00%an%x00%ae%x00%aI%x00%s",
            "--name-status",
            "-z",
            "--no-renames",
            rev,
            "--",
            *pathspecs,
        )
        fields = out.decode("utf-8", "surrogateescape").split("\0")
        entries: list[LogEntry] = []
        index = 0
        while index < len(fields):
            field = fields[index].lstrip("\n")
            if not field.startswith(marker):
                index += 1
                continue
            commit = field[len(marker) :]
            name, email, stamp, subject = fields[index + 1 : index + 5]
            index += 5
            files: list[tuple[str, str]] = []
            while index + 1 < len(fields) and not fields[index].lstrip("\n").startswith(marker):
                status = fields[index].lstrip("\n")
                if not status:
                    index += 1
                    continue
                files.append((status[0], fields[index + 1]))
                index += 2
            entries.append(
                LogEntry(commit, name, email, datetime.fromisoformat(stamp), subject, tuple(files))
            )
        return entries

    def read_files_at(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], bytes]:
        """The content of each (revision, path) that exists, in one batch read."""
        wanted = list(dict.fromkeys(pairs))
        found = self._cat_batch([f"{rev}:{path}" for rev, path in wanted])
        return {
            (rev, path): found[f"{rev}:{path}"] for rev, path in wanted if f"{rev}:{path}" in found
        }
