"""Approvable digests: what an approval is bound to.

A model version's digest covers its subject, artifact (uri and digest), code and data
references, and nothing else, so new monitoring figures never void an approval. A trust-root
document's digest covers its whole content; the Portfolio's also covers `.gacignore`, since
an exclusion can hide a deployment from the gate.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from govern_as_code.documents.kinds import ModelVersionDocument
from govern_as_code.documents.loaded import dig

APPROVABLE_FIELDS = ("artifact.uri", "artifact.digest", "codeRef", "dataRef")


def canonical_json(value: Any) -> bytes:
    """One byte string per value: sorted keys, no whitespace, UTF-8."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode("utf-8")


def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def approvable_content(version: ModelVersionDocument) -> dict[str, Any]:
    spec = version.spec
    return {
        "subject": version.metadata.id,
        "artifact": {"uri": spec.artifact.uri, "digest": spec.artifact.digest},
        "codeRef": spec.codeRef,
        "dataRef": spec.dataRef,
    }


def version_digest(version: ModelVersionDocument) -> str:
    """The sha256 of a model version's canonical approvable content."""
    return sha256_digest(canonical_json(approvable_content(version)))


def document_digest(value: Any, ignore_file: bytes | None = None) -> str:
    """The sha256 of a whole document's canonical content (plus the ignore file, if given)."""
    payload = canonical_json(value)
    if ignore_file is not None:
        payload += b"\n.gacignore\n" + ignore_file
    return sha256_digest(payload)


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The approvable fields that differ, as 'field: old -> new'."""
    changes = []
    for dotted in ("subject", *APPROVABLE_FIELDS):
        before, after = dig(old, dotted.split(".")), dig(new, dotted.split("."))
        if before != after:
            changes.append(f"{dotted}: {before!r} -> {after!r}")
    return changes
