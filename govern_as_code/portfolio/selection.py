"""Which entries of a source are read: every one that could be a document or a manifest.

An entry that counts (see `classify`) but cannot be read as a plain file of this repository,
a symbolic link, a submodule or a file too large, is an error, never a skip. An exclusion
pattern (`.gacignore`, `spec.exclude`) cannot hide the files the gate judges or counts:
governance.yaml, deployments/, approvals/ and the deployment globs.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass

import pathspec

from govern_as_code.documents.kinds import DeploymentGlob
from govern_as_code.documents.yaml_loader import MAX_FILE_BYTES, too_large_issue
from govern_as_code.portfolio.classify import (
    GlobMatcher,
    conventional_folder,
    is_protected,
    is_settings_path,
    looks_like_document,
)
from govern_as_code.portfolio.sources import Candidate
from govern_as_code.problems import Level, Problem


@dataclass(frozen=True)
class Selected:
    """A file to read, and the deployment glob it falls in, if any."""

    candidate: Candidate
    glob: DeploymentGlob | None
    glob_case_only: bool = False  # the glob matches only when letter case is ignored


def select(
    candidates: Iterable[Candidate],
    globs: GlobMatcher,
    excluded: pathspec.GitIgnoreSpec,
    problems: list[Problem],
) -> list[Selected]:
    """The files to read; what cannot be read but counts becomes a problem."""
    wanted: list[Selected] = []
    for candidate in candidates:
        path = candidate.path
        glob = globs.match(path)
        if not _counts(candidate, glob, globs):
            continue
        if excluded.match_file(path):
            if not (glob is not None or is_protected(path)):
                continue
            problems.append(_exclusion_refused(path, glob))
        if candidate.submodule:
            problems.append(_submodule_problem(path, glob))
        elif candidate.symlink_target is not None:
            problems.append(_symlink_problem(candidate, glob))
        elif candidate.size > MAX_FILE_BYTES:
            problems.append(too_large_issue(candidate.size).to_problem(path))
        else:
            case_only = glob is not None and not globs.matches_exactly(path)
            wanted.append(Selected(candidate, glob, case_only))
    return wanted


def _counts(candidate: Candidate, glob: DeploymentGlob | None, globs: GlobMatcher) -> bool:
    path = candidate.path
    if looks_like_document(path) or glob is not None:
        return True
    if candidate.is_file:
        return False  # a README.md in deployments/ is no manifest
    # A folder that is a link or a submodule: its files would count, had they been here.
    return bool(conventional_folder(path) or is_settings_path(path) or globs.could_contain(path))


def _area(path: str, glob: DeploymentGlob | None) -> str:
    if glob is not None:
        return f"a deployment glob ({glob.glob})"
    folder = conventional_folder(path)
    return f"{folder}/" if folder else "a governance document's place"


def _exclusion_refused(path: str, glob: DeploymentGlob | None) -> Problem:
    # A warning, not an error: the file is checked all the same, so nothing is hidden, and a
    # pattern in the trusted base must not block the change that removes it.
    return Problem(
        path,
        0,
        0,
        "exclude",
        f"an exclusion pattern (.gacignore or spec.exclude) matches this file in"
        f" {_area(path, glob)}; it is checked all the same",
        "remove the pattern: deployments, approvals and governance.yaml cannot be excluded",
        level=Level.WARNING,
    )


def _submodule_problem(path: str, glob: DeploymentGlob | None) -> Problem:
    return Problem(
        path,
        0,
        0,
        "submodule",
        f"{path} is a git submodule or a nested repository in {_area(path, glob)}; its files"
        " are not part of this repository, so they cannot be checked",
        "put the files themselves in this repository (git rm the submodule)",
    )


def _symlink_problem(candidate: Candidate, glob: DeploymentGlob | None) -> Problem:
    target = candidate.symlink_target or ""
    folder = posixpath.dirname(candidate.path)
    resolved = posixpath.normpath(posixpath.join(folder, target))
    outside = target.startswith("/") or resolved == ".." or resolved.startswith("../")
    where = "outside the repository" if outside else "inside the repository"
    if glob is not None or is_protected(candidate.path) or not looks_like_document(target):
        hint = "replace the link with the files themselves; a link is never followed"
    else:
        hint = "replace the link with the file itself, or exclude it in .gacignore"
    return Problem(
        candidate.path,
        0,
        0,
        "symlink",
        f"symbolic link to {target!r} ({where}) refused; it was not followed",
        hint,
    )
