"""`gac init`: a portfolio repository that passes `gac validate` and `gac lint` from the start."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from govern_as_code.commands.scaffold.identity import git_user
from govern_as_code.commands.scaffold.render import Forge, ScaffoldSettings, render_files
from govern_as_code.errors import GovernError, UsageError
from govern_as_code.git import (
    CommitFailure,
    Repository,
    current_branch,
    init_user_repository,
    read_config,
    remote_url,
    repository_at,
)

FORGES: tuple[Forge, ...] = ("github", "gitlab")


@dataclass(frozen=True)
class InitRequest:
    root: Path
    name: str | None = None
    forge: Forge | None = None
    force: bool = False
    commit: bool = False


@dataclass(frozen=True)
class InitResult:
    root: Path
    written: tuple[str, ...]
    created_repository: bool
    commit: str | None = None
    next_steps: tuple[str, ...] = field(default=())


def init_portfolio(request: InitRequest) -> InitResult:
    """Write the scaffold into `request.root`; `git init` first when it is not a repository."""
    root = request.root
    if request.forge is not None and request.forge not in FORGES:
        raise UsageError(f"unknown forge {request.forge!r}", f"use one of: {', '.join(FORGES)}")
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} exists and is not a folder", "name a folder for the portfolio")
    repo = repository_at(root) if root.is_dir() else None
    absolute = root.resolve()

    def config(key: str) -> str | None:
        return repo.config(key) if repo is not None else read_config(absolute, key)

    user = git_user(config)
    branch = (current_branch(repo) if repo else None) or config("init.defaultBranch") or "main"
    name = request.name or absolute.name
    settings = ScaffoldSettings(
        name=name,
        portfolio_id=_slug(name),
        branch=branch,
        user=user,
        forge=request.forge,
        forge_repository=(_origin_slug(repo) if repo else None) or f"{_slug(name)}/{_slug(name)}",
    )
    files = render_files(settings)
    existing = sorted(p for p in files if (root / p).exists())
    if existing and not request.force:
        shown = ", ".join(existing[:8]) + (
            f" and {len(existing) - 8} more" if len(existing) > 8 else ""
        )
        raise GovernError(
            f"{len(existing)} file(s) of the scaffold already exist in {root}: {shown}",
            "move them out of the way, or pass --force to overwrite them",
        )
    created = repo is None
    if repo is None:
        repo = init_user_repository(root, branch)
    for path, text in files.items():
        target = root / path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        except OSError as e:
            raise GovernError(f"cannot write {target}: {e.strerror}", "check the folder") from e
    steps = list(user.next_steps)
    if request.forge is not None and not _origin_slug(repo):
        steps.append(
            f"set spec.forge.{request.forge} in governance.yaml to your repository's"
            f" owner/name (it says {settings.forge_repository!r} for now)"
        )
    commit = None
    if request.commit:
        made = repo.commit_paths(sorted(files), "Start the governance portfolio", sign=False)
        if isinstance(made, CommitFailure):
            raise GovernError(
                f"git could not commit the new portfolio: {made.reason}",
                "fix what git says, then commit it yourself: git add -A && git commit",
            )
        commit = made
    else:
        steps.append('commit it: git add -A && git commit -m "Start the governance portfolio"')
    return InitResult(root, tuple(sorted(files)), created, commit, tuple(steps))


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "portfolio"


def _origin_slug(repo: Repository) -> str | None:
    """`owner/name` of the origin remote (https or scp-like ssh URL), if there is one."""
    url = remote_url(repo)
    if not url:
        return None
    path = urlparse(url).path if "://" in url else url.partition(":")[2]
    path = path.strip("/").removesuffix(".git")
    return path if re.fullmatch(r"[\w.-]+(/[\w.-]+)+", path) else None
