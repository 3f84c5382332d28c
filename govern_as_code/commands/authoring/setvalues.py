"""`--set key=value`: dotted keys, typed by the kind's JSON Schema."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from govern_as_code.documents.kinds import MODEL_BY_KIND
from govern_as_code.errors import UsageError

ENVELOPE_KEYS = ("apiVersion", "kind", "metadata", "spec")
METADATA_KEYS = ("title", "description", "labels", "annotations")


def full_key(key: str) -> str:
    """`owner` is short for `spec.owner`, `title` for `metadata.title`."""
    head = key.split(".", 1)[0]
    if head in ENVELOPE_KEYS:
        return key
    return f"metadata.{key}" if head in METADATA_KEYS else f"spec.{key}"


def parse_assignments(kind: str, assignments: Iterable[str]) -> dict[str, Any]:
    """`["owner=dan", "metrics.performance.auc=0.9"]` as full dotted keys with typed values."""
    schema = MODEL_BY_KIND[kind].model_json_schema()
    values: dict[str, Any] = {}
    for assignment in assignments:
        key, sep, raw = assignment.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set {assignment!r} is not key=value", "e.g. --set owner=dan")
        dotted = full_key(key.strip())
        values[dotted] = typed_value(schema, dotted, raw)
    return values


def typed_value(schema: Mapping[str, Any], dotted: str, raw: str) -> Any:
    """`raw` converted to the type the schema gives the field at `dotted`."""
    node = _node_at(schema, dotted)
    if node is None:
        raise UsageError(
            f"{dotted} is not a field of this kind",
            f"see the kind's fields with: gac schema export; known here: {_known(schema, dotted)}",
        )
    return _convert(schema, node, raw, dotted)


def _resolve(schema: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    options = [o for o in node.get("anyOf", []) if o.get("type") != "null"]
    if options:
        # A field that takes one value or a list of them (`environment: a | [a, b]`) is set
        # as the single value; the object alternative wins when there is one.
        objects = [o for o in options if "$ref" in o or o.get("type") == "object"]
        return _resolve(schema, objects[0] if objects else options[0])
    return node


def _node_at(schema: Mapping[str, Any], dotted: str) -> Mapping[str, Any] | None:
    node: Mapping[str, Any] = schema
    for part in dotted.split("."):
        node = _resolve(schema, node)
        properties = node.get("properties", {})
        if part in properties:
            node = properties[part]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        else:
            return None
    return _resolve(schema, node)


def _known(schema: Mapping[str, Any], dotted: str) -> str:
    parent = dotted.rsplit(".", 1)[0] if "." in dotted else ""
    node = _node_at(schema, parent) if parent else _resolve(schema, schema)
    names = sorted((node or {}).get("properties", {}))
    prefix = "" if parent in ("spec", "metadata") else f"{parent}." if parent else ""
    return ", ".join(prefix + n for n in names) or "(none)"


_TRUE, _FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")


def _convert(schema: Mapping[str, Any], node: Mapping[str, Any], raw: str, dotted: str) -> Any:
    kind = node.get("type")
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            return float(raw)
    except ValueError:
        raise UsageError(
            f"{dotted} takes a number, not {raw!r}", f"e.g. --set {dotted}=3"
        ) from None
    if kind == "boolean":
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise UsageError(f"{dotted} takes true or false, not {raw!r}", f"e.g. --set {dotted}=true")
    if kind == "array":
        item = _resolve(schema, node.get("items", {}))
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        return [_convert(schema, item, p, dotted) for p in parts]
    if kind == "object" and "properties" in node:
        raise UsageError(
            f"{dotted} is a group of fields", f"set each one: --set {dotted}.<field>=VALUE"
        )
    return raw
