"""The shipped data folders: schemas/, policies/, templates/ and example-portfolio/.

In a built wheel they live inside the package (`govern_as_code/_data/`); in a source checkout
they are the top-level folders beside the package.
"""

from __future__ import annotations

from pathlib import Path

from govern_as_code.errors import GovernError

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder `name` of the shipped data, wherever this install keeps it."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise GovernError(
        f"the shipped folder {name!r} is missing from this installation", "reinstall govern-as-code"
    )
