"""The `# yaml-language-server: $schema=` line that lets editors check a document as it is typed.

It points at the portfolio's own `schemas/` folder (written by `gac init`, refreshed by
`gac schema export --out schemas`) through a path relative to the document, because a modeline
that names a host which does not serve the schema checks nothing.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from govern_as_code.documents.schema_export import schema_file_name

SCHEMAS_DIR = "schemas"
MODELINE_PREFIX = "# yaml-language-server: $schema="


def schema_path(kind: str, document_path: str, schemas_dir: str = SCHEMAS_DIR) -> str:
    """The path of `kind`'s schema relative to the folder of the repo-relative `document_path`."""
    target = f"{schemas_dir}/{schema_file_name(kind)}"
    folder = posixpath.dirname(document_path) or "."
    return posixpath.relpath(target, folder)


def schema_modeline(kind: str, document_path: str, root: Path | None = None) -> str:
    """The modeline (with its newline) for a document of `kind` at repo-relative `document_path`.

    With `root`, the line is written only when the repository really has the schema there:
    an empty string is better than a pointer to nothing.
    """
    if root is not None and not (root / SCHEMAS_DIR / schema_file_name(kind)).is_file():
        return ""
    return f"{MODELINE_PREFIX}{schema_path(kind, document_path)}\n"
