"""Checks made while loading, before any rule runs. They are always errors.

A policy cannot switch these off: a file that cannot be read may hide a deployment, and a
document that fails its schema cannot be trusted by any other rule.
"""

from __future__ import annotations

CORE_CHECKS: dict[str, tuple[str, str]] = {
    "parse": (
        "The file is valid YAML or JSON, without tabs or explicit tags.",
        "Fails: `spec: [` (unclosed); a tab used for indentation; `!!python/object`.",
    ),
    "encoding": (
        "The file is UTF-8 text, without a byte-order mark or NUL bytes.",
        "Fails: a Latin-1 file, a file saved with a BOM, a binary file.",
    ),
    "empty-file": ("The file has content.", "Fails: an empty file, or one with only comments."),
    "file-too-large": ("The file is at most 1 MiB.", "Fails: a 50 MB YAML file."),
    "duplicate-key": (
        "No mapping repeats a key; both lines are named.",
        "Fails: `decision: rejected` followed later by `decision: approved`.",
    ),
    "yaml-anchor": (
        "Governance documents use no anchors, aliases or merge keys.",
        "Fails: `base: &b {...}` and `<<: *b`. Write values out in full.",
    ),
    "multi-document": (
        "A governance file holds one document.",
        "Fails: two documents separated by `---`.",
    ),
    "symlink": (
        "Symbolic links are refused and never followed.",
        "Fails: `people/eve.yaml -> /tmp/eve.yaml`.",
    ),
    "unknown-kind": (
        "`kind` is one of the ten kinds.",
        "Fails: `kind: Aproval`. Passes: `kind: Approval`.",
    ),
    "schema": (
        "The document matches its kind's schema: no unknown fields, right types,"
        " ISO dates, slugs, sha256 digests, and a ModelVersion id that agrees with"
        " its spec.",
        "Fails: `version: 3` (quote it), `riskTier: extreme`, `colour: red`.",
    ),
    "extension-schema": (
        "The document matches the organisation's extension schema for its"
        " kind (governance.yaml spec.extensionSchemas).",
        "Fails: a Project without `spec.costCenter` when the extension schema requires it.",
    ),
    "duplicate-id": (
        "Each id is used once per kind.",
        "Fails: two Projects with `metadata.id: churn`.",
    ),
}
