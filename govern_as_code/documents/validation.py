"""Checking one loaded document: its kind, the strict model, and organisation extension schemas.

Extension schemas (governance.yaml `spec.extensionSchemas`) may declare extra `spec` fields,
e.g. `costCenter`. Those fields are taken out of `spec` before the strict model sees the
document, and the whole document is then checked against the extension schema with jsonschema.
A field that neither the model nor an extension schema declares stays an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator
from pydantic import ValidationError
from referencing.exceptions import Unresolvable

from govern_as_code.documents.explain import explain
from govern_as_code.documents.kinds import API_VERSION, KINDS, MODEL_BY_KIND, Envelope
from govern_as_code.documents.yaml_loader import Alias, LoadedData
from govern_as_code.problems import Problem

GOVERNANCE_API_PREFIX = "govern-as-code/"


@dataclass(frozen=True)
class ExtensionSchema:
    """An organisation's extra rules for one kind, compiled once."""

    kind: str
    source: str
    validator: Draft202012Validator
    spec_fields: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def compile(cls, kind: str, source: str, schema: Mapping[str, Any]) -> ExtensionSchema:
        Draft202012Validator.check_schema(schema)
        return cls(kind, source, Draft202012Validator(schema), frozenset(_spec_fields(schema)))


def _spec_fields(schema: Mapping[str, Any]) -> Iterable[str]:
    parts = [schema, *schema.get("allOf", [])]
    for part in parts:
        spec = part.get("properties", {}).get("spec", {})
        yield from spec.get("properties", {})


def is_governance_data(value: Any) -> bool:
    """A document is ours when its apiVersion says so (an alias there counts, to be refused)."""
    if not isinstance(value, dict):
        return False
    api = value.get("apiVersion")
    return isinstance(api, Alias) or (
        isinstance(api, str) and api.startswith(GOVERNANCE_API_PREFIX)
    )


def validate_data(
    path: str,
    data: LoadedData,
    extensions: Mapping[str, ExtensionSchema] | None = None,
) -> tuple[Envelope | None, list[Problem]]:
    """The typed document and its problems; the document is None when it is invalid."""
    value = data.value
    if not isinstance(value, dict):
        return None, [
            Problem(
                path,
                *data.position(()),
                "schema",
                f"a governance document is a mapping of fields, not {type(value).__name__}",
                f"start it with apiVersion: {API_VERSION}, then kind, metadata and spec",
            )
        ]
    api = value.get("apiVersion")
    if api != API_VERSION:
        line, column = data.position(("apiVersion",))
        message = "apiVersion is missing" if api is None else f"unsupported apiVersion {api!r}"
        return None, [Problem(path, line, column, "schema", message, f"use {API_VERSION}")]
    kind = value.get("kind")
    if not isinstance(kind, str) or kind not in MODEL_BY_KIND:
        line, column = data.position(("kind",))
        return None, [
            Problem(
                path,
                line,
                column,
                "unknown-kind",
                f"unknown kind {kind!r}",
                f"use one of: {', '.join(KINDS)}",
            )
        ]
    problems: list[Problem] = []
    extension = (extensions or {}).get(kind)
    if extension is not None:
        problems.extend(_extension_problems(path, data, extension))
        value = _without_extension_fields(value, extension.spec_fields)
    try:
        document = MODEL_BY_KIND[kind].model_validate(value)
    except ValidationError as e:
        problems.extend(_schema_problems(path, data, kind, e))
        return None, problems
    return (document if not problems else None), problems


def _without_extension_fields(value: dict[str, Any], names: frozenset[str]) -> dict[str, Any]:
    spec = value.get("spec")
    if not names or not isinstance(spec, dict):
        return value
    model_fields = _spec_model_fields(str(value.get("kind")))
    trimmed = {k: v for k, v in spec.items() if k not in names or k in model_fields}
    return {**value, "spec": trimmed}


def _spec_model_fields(kind: str) -> frozenset[str]:
    spec_type = MODEL_BY_KIND[kind].model_fields["spec"].annotation
    fields = getattr(spec_type, "model_fields", {})
    return frozenset(fields)


def _extension_problems(path: str, data: LoadedData, ext: ExtensionSchema) -> list[Problem]:
    problems = []
    try:
        errors = sorted(ext.validator.iter_errors(data.value), key=lambda e: list(e.path))
    except Unresolvable as e:  # a $ref to another file or URL: nothing is fetched
        return [
            Problem(
                ext.source,
                0,
                0,
                "extension-schema",
                f"the extension schema for {ext.kind} cannot be applied: {e}",
                "make the schema self-contained (refer only to its own $defs)",
            )
        ]
    for error in errors:
        where = tuple(error.absolute_path)
        line, column = data.position(where)
        dotted = ".".join(str(p) for p in where) or "(document)"
        problems.append(
            Problem(
                path,
                line,
                column,
                "extension-schema",
                f"{dotted}: {error.message}",
                f"required by the organisation's extension schema {ext.source}",
            )
        )
    return problems


def _schema_problems(
    path: str, data: LoadedData, kind: str, error: ValidationError
) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        location = tuple(
            p for p in item["loc"] if not (isinstance(p, str) and p.startswith("function-"))
        )
        message, hint = explain(item, kind, data.as_written(_data_path(location)))
        dotted = ".".join(str(p) for p in location)
        # A whole-document check (the id's form, a ModelVersion id against its spec) is about
        # metadata.id: point there rather than at the first line.
        blamed = location or (("metadata", "id") if "metadata.id" in message else ())
        line, column = data.position(blamed)
        problems.append(
            Problem(
                path, line, column, "schema", f"{dotted}: {message}" if dotted else message, hint
            )
        )
    return problems


def _data_path(location: tuple[Any, ...]) -> tuple[str | int, ...]:
    # pydantic names the union member it tried ("DeploymentGlob", "str") inside the location.
    return tuple(p for p in location if isinstance(p, int) or p[:1].islower())
