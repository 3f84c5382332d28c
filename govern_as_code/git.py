"""The one module that talks to git.

Everything returns plain records; every git failure becomes a GitError that says what to do.
Bulk reads (blobs, raw commits) go through one `git cat-file --batch` process, never a process
per object.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

# GitPython looks for git when imported and raises ImportError if it is missing; our own
# calls say which program is missing and how to install it, so keep the import quiet.
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
import git as gitpython

from govern_as_code.errors import GitError

_ENV = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
FULL_COMMIT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
# The order in which git itself guesses what a short name means (refs.c ref_rev_parse_rules).
_SHORT_NAME_RULES = (
    "refs/{}",
    "refs/tags/{}",
    "refs/heads/{}",
    "refs/remotes/{}",
    "refs/remotes/{}/HEAD",
)
GIT_MISSING = GitError(
    "git is needed but is not installed (or not on PATH)",
    "install git (https://git-scm.com/downloads; e.g. apt-get install git, brew install git)",
)


def run_git(args: Sequence[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    """subprocess.run for git; a missing git becomes a GitError that says how to install it."""
    try:
        return subprocess.run(list(args), **kwargs)  # type: ignore[call-overload]
    except FileNotFoundError as e:
        raise GitError(GIT_MISSING.message, GIT_MISSING.fix) from e


def blob_id(data: bytes, object_format: str = "sha1") -> str:
    """The id git gives a blob with these bytes, computed here without running git."""
    digest = hashlib.new(object_format)
    digest.update(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


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
    """A commit that changed a path, as `git log` walks the history that produced the file.

    `status` is git's name-status letter for it: "A" added, "M" modified, "D" deleted, "T"
    type changed; a merge that changed the file has one letter per parent ("AM", "MM").
    """

    commit: str
    path: str
    status: str = "M"

    @property
    def creates(self) -> bool:
        """The file did not exist before this commit (in no parent, for a merge)."""
        return bool(self.status) and set(self.status) == {"A"}


@dataclass(frozen=True)
class BlobChange:
    """A commit's change to one path: the blob before and after (None where there is none)."""

    commit: str
    time: datetime  # committer time
    path: str
    status: str  # git's raw status letter: A, M, D or T
    old_blob: str | None
    new_blob: str | None


@dataclass(frozen=True)
class ResolvedRef:
    """A revision named by the user, with the full ref name (or commit id) it stands for."""

    name: str  # e.g. "refs/remotes/origin/main", or the full commit id itself
    commit: str


@dataclass(frozen=True)
class CommitFailure:
    """Why git could not make a commit, in git's own words."""

    reason: str


@dataclass(frozen=True)
class FileDeletion:
    """A commit that deleted a path, with its parents (the path is in at least one)."""

    commit: str
    parents: tuple[str, ...]
    path: str


_HEX_ID = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
HISTORY_MEMO_FORMAT = 1
HISTORY_MEMO_KEEP = 48
HISTORY_MEMO_REACH = 64  # plain commits back to look for an ancestor's kept walk


class Repository:
    """A git repository on disk."""

    # Where `changes` keeps the walks it made, by commit id (None: none kept). Set by the run
    # that owns a cache folder; a commit's history never changes, so a walk is made once.
    history_memo: Path | None = None

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
        result = run_git(
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
            raise self._missing(rev)
        return out.decode().strip()

    def resolve_ref(self, name: str) -> ResolvedRef:
        """The one ref (or full commit id) `name` means, never a guess between several.

        git's own short-name guessing lets a tag or local branch called `main` or
        `origin/main` shadow the remote branch, so a change could name itself as its trust
        root. Here a full ref name (`refs/...`) or full commit id is taken as written; a short
        name must match exactly one of the refs git would try, else it is refused. A bare
        `main` that exists only as `refs/remotes/origin/main` (a CI clone) means that.
        """
        if FULL_COMMIT_ID.fullmatch(name):
            return ResolvedRef(name, self.resolve(name))
        if name == "HEAD" or re.search(r"[~^:]|@\{", name) or name.startswith("-"):
            raise GitError(
                f"{name!r} is not a branch, tag or commit id, so it cannot be the trusted base",
                "name a branch (main, origin/main), a full ref (refs/remotes/origin/main)"
                " or a full 40-character commit id",
            )
        refs = self.ref_names()
        if name.startswith("refs/"):
            if name not in refs:
                raise self._missing(name)
            return ResolvedRef(name, self.resolve(name))
        matches = [rule.format(name) for rule in _SHORT_NAME_RULES if rule.format(name) in refs]
        remote = f"refs/remotes/origin/{name}"
        # The local branch of a clone tracks its remote namesake; anything else called `name`
        # (a tag, say) beside the remote branch could be standing in for it.
        if remote in refs and remote not in matches and matches != [f"refs/heads/{name}"]:
            matches.append(remote)
        if len(matches) > 1:
            raise GitError(
                f"the name {name!r} is ambiguous: it could be {' or '.join(matches)}",
                f"name the one you mean in full, e.g. {matches[-1]}",
            )
        if not matches:
            if re.fullmatch(r"[0-9a-f]{4,63}", name):
                raise GitError(
                    f"{name!r} is neither a ref nor a full commit id",
                    f"give the full commit id (git rev-parse {name})",
                )
            raise self._missing(name)
        return ResolvedRef(matches[0], self.resolve(matches[0]))

    def ref_names(self) -> frozenset[str]:
        """Every ref's full name (branches, remote branches, tags, symbolic refs)."""
        out = self._run("for-each-ref", "--format=%(refname)")
        return frozenset(out.decode("utf-8", "surrogateescape").split())

    @staticmethod
    def _missing(rev: str) -> GitError:
        short = rev.removeprefix("refs/remotes/").removeprefix("refs/heads/")
        hint = (
            f"fetch it first (git fetch origin {short.removeprefix('origin/')}) and, in CI,"
            " check out with full history (actions/checkout: fetch-depth: 0)"
        )
        return GitError(f"the revision {rev!r} is not in this repository", hint)

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

    def has_commit(self, sha: str) -> bool:
        """Whether the commit object is in the local clone (a squash-merged PR's head may not)."""
        # Peeling to ^{commit} needs the object itself, not only a name that looks like one.
        out = self._run(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{sha}^{{commit}}", check=False
        )
        return bool(out.strip())

    def parents(self, sha: str) -> list[str]:
        """The parents of a commit, first parent first."""
        out = self._run("rev-list", "--parents", "-n", "1", sha).decode().split()
        return out[1:]

    def ref_exists(self, ref: str) -> bool:
        """Whether the full ref name `ref` (`refs/...`) exists; no short-name guessing."""
        return ref.startswith("refs/") and ref in self.ref_names()

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """Whether `ancestor` is `descendant` or one of its ancestors."""
        result = run_git(
            ["git", "-C", str(self.root), "merge-base", "--is-ancestor", ancestor, descendant],
            env=_ENV,
            capture_output=True,
            check=False,
        )
        if result.returncode not in (0, 1):
            raise GitError(
                f"git merge-base failed: {git_reason(result.stderr)}",
                "check the repository and the revision you named",
            )
        return result.returncode == 0

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

    def index_blobs(self) -> dict[str, str]:
        """The blob id of every file staged in the index (stage 0), by path.

        Only what is staged: a file that differs on disk has another id (`unstaged_paths`).
        A conflicted path (stages 1-3) has no single blob and is left out, and so is one
        marked assume-unchanged or skip-worktree: git does not compare those with the disk.
        """
        out = self._run("ls-files", "-s", "-v", "-z")
        found: dict[str, str] = {}
        for record in out.decode("utf-8", "surrogateescape").split("\0"):
            if not record:
                continue
            meta, path = record.split("\t", 1)
            tag, mode, sha, stage = meta.split()
            if tag == "H" and stage == "0" and mode in ("100644", "100755"):
                found[path] = sha
        return found

    def unstaged_paths(self) -> set[str]:
        """Tracked paths whose file on disk may differ from the index, deleted ones included.

        `git diff-files` compares stat data (and, for a racily clean entry, the content), so a
        path it does not list holds exactly its index blob on disk. It may list a file whose
        content did not change; that only costs a hash.
        """
        out = self._run("diff-files", "--name-only", "-z")
        return {p for p in out.decode("utf-8", "surrogateescape").split("\0") if p}

    def may_rewrite_content(self, paths: Iterable[str]) -> bool:
        """Whether gitattributes (among `paths`, or the repository's own) or core.autocrlf
        could make a file on disk differ from its blob: eol conversion, clean/smudge filters."""
        if (self.git_dir / "info" / "attributes").is_file():
            return True
        if self.config("core.autocrlf") not in (None, "false"):
            return True
        return any(p == ".gitattributes" or p.endswith("/.gitattributes") for p in paths)

    def object_format(self) -> str:
        """The hash that names objects here: sha1, or sha256 in a repository made so."""
        return self.config("extensions.objectformat") or "sha1"

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

    def changes(
        self, rev: str, pathspecs: Sequence[str], *, full_history: bool = False
    ) -> list[FileChange]:
        """Every commit in `rev`'s history that produced the current content of the paths.

        git's default history simplification follows the parent a merge took a file from, so
        the commits listed are exactly those whose edits the file carries; a merge that changed
        the file relative to every parent (an "evil merge") is listed too. `full_history`
        lists every commit that changed the paths on any side of any merge instead.
        """
        memo = self._memo_file(rev, pathspecs, full_history)
        if memo is not None:
            kept = _read_memo(memo)
            if kept is None:
                kept = self._extend_memo(rev, pathspecs, full_history)
            if kept is not None:
                if not memo.is_file():
                    _write_memo(memo, kept)
                return kept
        changes = self._walk_changes(rev, pathspecs, full_history)
        if memo is not None:
            _write_memo(memo, changes)
        return changes

    def _memo_file(self, rev: str, pathspecs: Sequence[str], full_history: bool) -> Path | None:
        """The memo of this walk: keyed by the commit id, never a name that can move, and by
        the replacement refs, which are the one way to make git show another history."""
        if self.history_memo is None or not _HEX_ID.match(rev):
            return None
        replaced = self.__dict__.get("_replace_refs")
        if replaced is None:
            replaced = self._run(
                "for-each-ref", "--format=%(refname) %(objectname)", "refs/replace"
            )
            self.__dict__["_replace_refs"] = replaced
        key = hashlib.sha256(
            repr((HISTORY_MEMO_FORMAT, rev, tuple(pathspecs), full_history)).encode() + replaced
        ).hexdigest()
        return self.history_memo / f"{key}.json"

    def _extend_memo(
        self, rev: str, pathspecs: Sequence[str], full_history: bool
    ) -> list[FileChange] | None:
        """The walk of `rev` from the kept walk of an ancestor a few plain commits back (a pull
        request's head over its base), or None.

        Along a chain of single-parent commits git lists each commit after its child whatever
        their dates, and history simplification only ever concerns merges: so the walk of the
        head is the walk of the commits above the ancestor, then the ancestor's own walk.
        Any merge on the way, and the whole history is walked instead.
        """
        out = self._run("rev-list", "--parents", f"--max-count={HISTORY_MEMO_REACH}", rev)
        chain = [line.split() for line in out.decode("ascii", "replace").splitlines()]
        for index, (sha, *parents) in enumerate(chain):
            if index > 0:
                memo = self._memo_file(sha, pathspecs, full_history)
                base = _read_memo(memo) if memo is not None and memo.is_file() else None
                if base is not None:
                    return self._walk_changes(f"{sha}..{rev}", pathspecs, full_history) + base
            following = chain[index + 1][0] if index + 1 < len(chain) else None
            if len(parents) != 1 or parents[0] != following:
                return None
        return None

    def _walk_changes(
        self, rev: str, pathspecs: Sequence[str], full_history: bool
    ) -> list[FileChange]:
        # With -z every header, status and path ends in NUL, which no path can contain. The
        # header carries a random marker, so no file name (which may hold any other byte,
        # \x01 and newlines included) can pose as a commit. A merge's combined list follows
        # its header with an empty field; a single-parent commit's with a newline. Then
        # status and path alternate.
        marker = f"gac-{secrets.token_hex(16)}:"
        out = self._run(
            "log",
            f"--format={marker}%H",
            "--name-status",
            "-z",
            "--diff-merges=dense-combined",
            "--no-renames",
            *(["--full-history"] if full_history else []),
            rev,
            "--",
            *pathspecs,
        )
        changes = []
        commit: str | None = None
        status: str | None = None
        after_header = False
        for field in out.decode("utf-8", "surrogateescape").split("\0"):
            if field.startswith(marker):
                commit, status, after_header = field[len(marker) :].strip(), None, True
                continue
            if after_header and not field:
                after_header = False
                continue  # the separator before a merge's combined list
            after_header = False
            if commit is None:
                continue
            if status is None:
                status = field.lstrip("\n")
            else:
                changes.append(FileChange(commit, field, status))
                status = None
        return changes

    def raw_commits(self, shas: Iterable[str]) -> dict[str, bytes]:
        """The raw commit objects (headers, signature and message) of the given commits."""
        return self._cat_batch(list(dict.fromkeys(shas)))

    def commit_times(self, shas: Iterable[str]) -> dict[str, datetime]:
        """When each commit was committed, as git reads its committer line, in one call."""
        wanted = list(dict.fromkeys(shas))
        if not wanted:
            return {}
        out = self._run(
            "log",
            "--no-walk=unsorted",
            "--stdin",
            "--format=%H %ct",
            input="\n".join(wanted).encode() + b"\n",
        )
        times = {}
        for line in out.decode("ascii", "replace").splitlines():
            sha, _, stamp = line.partition(" ")
            if stamp.lstrip("-").isdigit():
                times[sha] = datetime.fromtimestamp(int(stamp), UTC)
        return times

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
        run_git(
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
        result = run_git(args, env=env, capture_output=True, check=False)
        if result.returncode != 0:
            raise GitError(
                f"git commit failed: {git_reason(result.stderr)}",
                "check that git and ssh-keygen are installed",
            )
        return self.resolve("HEAD")

    def commit_paths(
        self, paths: Sequence[str], message: str, *, sign: bool, remove: bool = False
    ) -> str | CommitFailure:
        """Stage `paths` (or their removal) and commit only them, signed as the user's git is
        set up to sign. On failure the paths' index entries are put back as HEAD has them and
        git's own reason is returned; the working tree is the caller's to restore."""
        if remove:
            self._run("rm", "-q", "--cached", "--ignore-unmatch", "--", *paths)
        else:
            self._run("add", "--", *paths)
        args = ["git", "-C", str(self.root), "commit", "-q", "--only", "-m", message]
        if sign:
            args.append("-S")
        result = run_git([*args, "--", *paths], env=_ENV, capture_output=True, check=False)
        if result.returncode != 0:
            self.unstage(paths)
            return CommitFailure(git_reason(result.stderr))
        return self.resolve("HEAD")

    def unstage(self, paths: Sequence[str]) -> None:
        """Put the index entries of `paths` back as HEAD has them (absent if HEAD lacks them)."""
        self._run("reset", "-q", "HEAD", "--", *paths, check=False)

    def reset_soft(self, commit: str) -> None:
        """Move the current branch back to `commit`, keeping the index and working tree."""
        self._run("reset", "-q", "--soft", commit)

    def staged_or_changed(self, path: str) -> bool:
        """Whether `path` differs between HEAD, the index and the working tree."""
        return bool(self._run("status", "--porcelain=v1", "-z", "--", path).strip())

    # --- history of deleted files (gate identity rules) --------------------------------------

    def deletions(self, since: str, rev: str, pathspecs: Sequence[str]) -> list[FileDeletion]:
        """Every commit in `since..rev` that deleted one of the paths, newest first.

        The full history is walked (no simplification) and a merge is compared with each
        parent, so a deletion on a side branch or inside an evil merge is found too.
        """
        marker = f"gac-{secrets.token_hex(16)}:"
        out = self._run(
            "log",
            f"--format={marker}%H %P",
            "--full-history",
            "--diff-merges=separate",
            "--diff-filter=D",
            "--name-only",
            "-z",
            "--no-renames",
            f"{since}..{rev}",
            "--",
            *pathspecs,
        )
        found: dict[tuple[str, str], FileDeletion] = {}
        header: list[str] | None = None
        for field in out.decode("utf-8", "surrogateescape").split("\0"):
            if field.startswith(marker):
                header = field[len(marker) :].split()
                continue
            field = field.removeprefix("\n")
            if field and header:
                key = (header[0], field)
                found.setdefault(key, FileDeletion(header[0], tuple(header[1:]), field))
        return list(found.values())

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

    def blob_log(self, rev: str, pathspecs: Sequence[str]) -> list[BlobChange]:
        """Every change of `rev`'s history to the paths, newest first, with the blob ids
        before and after, in one `git log --raw` (the content is read later, in one batch).
        Merges are not diffed: the commits they bring in carry the changes."""
        marker = f"gac-{secrets.token_hex(16)}:"
        out = self._run(
            "log",
            f"--format={marker}%H%x00%cI",
            "--raw",
            "--no-abbrev",
            "-z",
            "--no-renames",
            rev,
            "--",
            *pathspecs,
        )
        fields = out.decode("utf-8", "surrogateescape").split("\0")
        changes: list[BlobChange] = []
        commit: str | None = None
        stamp: datetime | None = None
        index = 0
        while index < len(fields):
            field = fields[index].lstrip("\n")
            if field.startswith(marker):
                commit = field[len(marker) :]
                stamp = datetime.fromisoformat(fields[index + 1])
                index += 2
                continue
            if field.startswith(":") and commit and stamp and index + 1 < len(fields):
                _old_mode, _new_mode, old, new, status = field[1:].split()
                changes.append(
                    BlobChange(
                        commit,
                        stamp,
                        fields[index + 1],
                        status[:1],
                        None if set(old) == {"0"} else old,
                        None if set(new) == {"0"} else new,
                    )
                )
                index += 2
                continue
            index += 1
        return changes

    def read_files_at(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], bytes]:
        """The content of each (revision, path) that exists, in one batch read."""
        wanted = list(dict.fromkeys(pairs))
        found = self._cat_batch([f"{rev}:{path}" for rev, path in wanted])
        return {
            (rev, path): found[f"{rev}:{path}"] for rev, path in wanted if f"{rev}:{path}" in found
        }


def _read_memo(path: Path) -> list[FileChange] | None:
    """A walk kept earlier, or None when there is none or it is not one (then walk again)."""
    try:
        rows = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(rows, list) or not all(
        isinstance(r, list) and len(r) == 3 and all(isinstance(x, str) for x in r) for r in rows
    ):
        return None
    return [FileChange(commit, name, status) for commit, name, status in rows]


def _write_memo(path: Path, changes: list[FileChange]) -> None:
    """Written whole or not at all; a folder that cannot be written keeps nothing."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        temporary.write_text(json.dumps([[c.commit, c.path, c.status] for c in changes]))
        os.replace(temporary, path)
        # Each new head adds walks: only the latest few heads' are worth keeping.
        kept = sorted(path.parent.glob("*.json"), key=lambda f: f.stat().st_mtime, reverse=True)
        for stale in kept[HISTORY_MEMO_KEEP:]:
            stale.unlink(missing_ok=True)
    except OSError:
        return


def git_reason(stderr: bytes) -> str:
    """git's own complaint on one line: every line it printed, hints and blanks left out."""
    lines = [
        line.strip()
        for line in stderr.decode("utf-8", "replace").splitlines()
        if line.strip() and not line.startswith("hint:")
    ]
    return "; ".join(lines[:6]) or "git gave no reason"


# --- scaffolding (`gac init`) ----------------------------------------------------------------
# Module-level so that they stay apart from the methods other commands rely on.


def repository_at(root: Path) -> Repository | None:
    """The repository whose top level is exactly `root`, or None (not inside one, or nested)."""
    found = Repository.discover(root)
    if found is None or found.root.resolve() != root.resolve():
        return None
    return found


def init_user_repository(root: Path, branch: str) -> Repository:
    """`git init` for a user's own repository: their config applies, nothing is overridden."""
    root.mkdir(parents=True, exist_ok=True)
    result = run_git(
        ["git", "init", "-q", "-b", branch, str(root)], env=_ENV, capture_output=True, check=False
    )
    if result.returncode != 0:
        raise GitError(
            f"git init failed in {root}: {result.stderr.decode('utf-8', 'replace').strip()}",
            "check that git is installed and the folder is writable",
        )
    return Repository(root)


def current_branch(repo: Repository) -> str | None:
    """The branch HEAD names (also before the first commit), or None when detached."""
    out = repo._run("symbolic-ref", "--short", "-q", "HEAD", check=False).decode().strip()
    return out or None


def remote_url(repo: Repository, name: str = "origin") -> str | None:
    """The URL of remote `name`, or None when there is no such remote."""
    return repo.config(f"remote.{name}.url")


def read_config(folder: Path, key: str) -> str | None:
    """`git config --get key` as seen from `folder` (global settings outside a repository)."""
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    result = run_git(
        ["git", "-C", str(folder), "config", "--get", key],
        env=_ENV,
        capture_output=True,
        check=False,
    )
    return result.stdout.decode("utf-8", "replace").strip() or None
