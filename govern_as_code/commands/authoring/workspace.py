"""The portfolio being edited: its files, who is editing, and saving with an optional commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from govern_as_code.commands.authoring.files import atomic_write, check_text, with_document
from govern_as_code.documents.kinds import PersonDocument
from govern_as_code.errors import GovernError
from govern_as_code.git import CommitFailure, Repository
from govern_as_code.portfolio import Document, Portfolio, load_portfolio
from govern_as_code.portfolio.sources import WorktreeSource


@dataclass(frozen=True)
class Change:
    """New content for one repo-relative file."""

    path: str
    text: str


@dataclass
class Workspace:
    root: Path
    repo: Repository | None
    portfolio: Portfolio
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    @classmethod
    def open(cls, root: Path, now: datetime | None = None) -> Workspace:
        """The working tree at `root` (a git repository or a plain folder)."""
        if not (root / "governance.yaml").is_file():
            raise GovernError(
                f"{root} has no governance.yaml, so it is not a portfolio",
                "run the command in the portfolio's folder, or pass --repo",
            )
        repo = Repository.discover(root)
        if repo is not None and repo.root.resolve() != root.resolve():
            repo = None
        portfolio = load_portfolio(WorktreeSource(root, repo))
        stamp = (now or datetime.now(UTC)).replace(microsecond=0)
        return cls(root, repo, portfolio, stamp)

    def find(self, kind: str, ident: str) -> Document:
        """The document of `kind` with id `ident`, or a GovernError with close ids."""
        found = self.portfolio.get(kind, ident)
        if found is None:
            raise GovernError(f"there is no {kind} {ident!r}", did_you_mean(self, kind, ident))
        return found

    def person(self) -> PersonDocument:
        """The Person whose email is git's user.email: who is making this change."""
        email = (self.repo.config("user.email") if self.repo else None) or ""
        for _, person in self.portfolio.models("Person", PersonDocument):
            if email and person.spec.email.lower() == email.lower():
                return person
        raise GovernError(
            f"no Person document has the email {email or '(unset)'!r} of your git user",
            "set git config user.email to the email of your Person document"
            " (or create one: gac new Person <id> --set email=...)",
        )

    def save(self, changes: Sequence[Change], *, commit: bool, message: str) -> str | None:
        """Validate and write every change; with `commit`, commit exactly those files.

        The commit is signed when git signing is set up (user.signingkey), so that it names its
        signer in the audit trail. Returns the commit id, or None.
        """
        if commit:
            self._refuse_dirty([c.path for c in changes])
        portfolio = self.portfolio
        for change in changes:
            portfolio = with_document(portfolio, check_text(portfolio, change.path, change.text))
        for change in changes:
            atomic_write(self.root / change.path, change.text)
        if not commit:
            return None
        assert self.repo is not None
        signed = bool(self.repo.config("user.signingkey"))
        made = self.repo.commit_paths([c.path for c in changes], message, sign=signed)
        if isinstance(made, CommitFailure):
            # The files are written (and valid); only the commit failed, in git's own words.
            raise GovernError(
                f"the change is written, but git could not commit it: {made.reason}",
                "fix what git says, then commit the files yourself",
            )
        return made

    def _refuse_dirty(self, paths: Sequence[str]) -> None:
        if self.repo is None:
            raise GovernError(
                f"--commit needs a git repository, and {self.root} is not one",
                "run git init first, or leave out --commit",
            )
        tracked = [p for p in paths if (self.root / p).exists()]
        dirty = sorted(self.repo.dirty_paths(tracked)) if tracked else []
        if dirty:
            raise GovernError(
                f"{dirty[0]} has uncommitted changes, which --commit would sweep into this commit",
                "commit or stash them first (git stash), or leave out --commit",
            )


def did_you_mean(workspace: Workspace, kind: str, ident: str) -> str:
    """A hint naming the closest existing ids of `kind`."""
    import difflib

    known = [d.id for d in workspace.portfolio.of_kind(kind)]
    close = difflib.get_close_matches(ident, known, n=3, cutoff=0.5)
    if close:
        return f"did you mean {', '.join(close)}?"
    if known:
        return f"known {kind} ids: {', '.join(sorted(known)[:8])}"
    return f"create it first: gac new {kind} {ident}"
