"""What a change does to the trust root, compared with the trusted base."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from govern_as_code.documents.digest import document_digest
from govern_as_code.portfolio.ignore import IgnoreFiles
from govern_as_code.portfolio.model import Document, Portfolio

TRUST_KINDS = ("Person", "Policy", "Workflow", "Portfolio")
REMOVED = "sha256:" + "0" * 64


@dataclass(frozen=True)
class TrustChange:
    ref: str  # "Person/carol"
    action: str  # added | changed | removed
    digest: str  # what an approval must name
    path: str
    line: int
    column: int


def trust_digest(document: Document, ignore_file: bytes | None) -> str:
    """The digest a trust-root approval binds to; the Portfolio's covers `.gacignore` too."""
    return document_digest(
        document.data.value, ignore_file if document.kind == "Portfolio" else None
    )


def trust_changes(
    base: Portfolio | None, head: Portfolio, ignore: IgnoreFiles
) -> Iterator[TrustChange]:
    """Every trust-root document the change adds, changes or removes, against the base."""
    if base is None or base is head or base.revision is None:
        return
    head_ignore, base_ignore = ignore.head, ignore.base
    for kind in TRUST_KINDS:
        before = {d.id: d for d in base.of_kind(kind)}
        after = {d.id: d for d in head.of_kind(kind)}
        for ident, document in sorted(after.items()):
            new = trust_digest(document, head_ignore)
            old = before.get(ident)
            if old is None:
                yield _change(document, "added", new)
            elif trust_digest(old, base_ignore) != new:
                yield _change(document, "changed", new)
        for ident, document in sorted(before.items()):
            if ident not in after:
                yield TrustChange(f"{kind}/{ident}", "removed", REMOVED, document.path, 1, 1)


def _change(document: Document, action: str, digest: str) -> TrustChange:
    line, column = document.position("metadata", "id")
    return TrustChange(document.ref, action, digest, document.path, line, column)


def digest_of_ref(portfolio: Portfolio, ref: str, ignore_file: bytes) -> str | None:
    kind, _, ident = ref.partition("/")
    document = portfolio.get(kind, ident)
    return trust_digest(document, ignore_file) if document else None
