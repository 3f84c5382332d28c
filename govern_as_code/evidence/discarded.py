"""Changes to an approval file that a merge threw away.

git's default history simplification follows, at each merge, the parent the file's content
came from, so the commits `changes()` lists are those the content carries. A merge resolved
by taking an *older* state of the file from one side (`git checkout old -- file`) therefore
hides every newer commit of the other side: the reviewer's later rejection, say, disappears
behind the approval it replaced, and the old approval would verify again. Walking the full
history finds such commits: any commit that changed the file, is not in the simplified
history, and is not an ancestor of the commit that created the current file, was discarded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from govern_as_code.git import FileChange, Repository


def discarded_changes(
    repo: Repository,
    head: str,
    folders: Sequence[str],
    carried: Mapping[str, Sequence[FileChange]],
) -> dict[str, list[str]]:
    """For each path in `carried`, the commits (newest first) whose change a merge discarded.

    `carried` is each path's simplified history (newest first), as `changes()` lists it.
    """
    found: dict[str, list[str]] = {}
    kept = {path: {c.commit for c in changes} for path, changes in carried.items()}
    for change in repo.changes(head, folders, full_history=True):
        if change.path in kept and change.commit not in kept[change.path]:
            found.setdefault(change.path, []).append(change.commit)
    result: dict[str, list[str]] = {}
    for path, commits in found.items():
        creating = _creating_commit(carried[path])
        # A commit before the current file was created belongs to an older file: not ours.
        late = [c for c in commits if creating is None or not repo.is_ancestor(c, creating)]
        if late:
            result[path] = late
    return result


def _creating_commit(changes: Sequence[FileChange]) -> str | None:
    for change in changes:  # newest first
        if change.creates:
            return change.commit
    return None
