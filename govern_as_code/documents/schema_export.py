"""JSON Schemas (2020-12) of every kind, generated from the pydantic models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from govern_as_code.documents.kinds import MODEL_BY_KIND

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_BASE_URI = "https://govern-as-code.dev/schemas/v1/"


def schema_file_name(kind: str) -> str:
    return f"{kind.lower()}.schema.json"


def kind_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one kind, with `$schema`, `$id` and `$defs`."""
    schema = MODEL_BY_KIND[kind].model_json_schema(ref_template="#/$defs/{model}")
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_BASE_URI + schema_file_name(kind),
        **schema,
    }


def render_schema(kind: str) -> str:
    return json.dumps(kind_schema(kind), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def export_schemas(out: Path) -> list[Path]:
    """Write every kind's schema into `out`; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in MODEL_BY_KIND:
        path = out / schema_file_name(kind)
        path.write_text(render_schema(kind), encoding="utf-8")
        written.append(path)
    return written
