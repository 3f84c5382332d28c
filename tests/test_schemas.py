"""The committed JSON Schemas: in step with the models, valid, and true of the example portfolio."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from govern_as_code.documents.kinds import KINDS
from govern_as_code.documents.schema_export import (
    SCHEMA_BASE_URI,
    SCHEMA_DIALECT,
    export_schemas,
    render_schema,
    schema_file_name,
)
from govern_as_code.documents.validation import is_governance_data
from govern_as_code.documents.yaml_loader import parse_bytes

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
EXAMPLE = ROOT / "example-portfolio"
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def committed(kind: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / schema_file_name(kind)).read_text(encoding="utf-8"))


def registry() -> Registry:
    resources = [
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
        for schema in (committed(kind) for kind in KINDS)
    ]
    return Registry().with_resources(resources)


def example_files() -> list[Path]:
    return sorted(
        p for p in EXAMPLE.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".json")
    )


def example_documents() -> list[tuple[str, dict[str, Any]]]:
    """(repo-relative path, value) of every governance document of the example portfolio."""
    found = []
    for path in example_files():
        for data in parse_bytes(path.read_bytes(), is_json=path.suffix == ".json").documents:
            if is_governance_data(data.value):
                found.append((path.relative_to(EXAMPLE).as_posix(), data.value))
    return found


# --- (a) drift and (b) validity ------------------------------------------------------------------


def test_there_is_one_committed_schema_per_kind() -> None:
    assert sorted(p.name for p in SCHEMAS.glob("*.schema.json")) == sorted(
        schema_file_name(kind) for kind in KINDS
    )


@pytest.mark.parametrize("kind", KINDS)
def test_the_committed_schema_is_what_the_models_export(kind: str) -> None:
    path = SCHEMAS / schema_file_name(kind)
    assert path.read_text(encoding="utf-8") == render_schema(kind), (
        f"schemas/{path.name} is out of date with the {kind} model: run `gac schema export`"
        " and commit the result"
    )


def test_export_writes_exactly_the_rendered_schemas(tmp_path: Path) -> None:
    written = export_schemas(tmp_path / "out")
    assert [p.name for p in written] == [schema_file_name(kind) for kind in KINDS]
    for kind, path in zip(KINDS, written, strict=True):
        assert path.read_text(encoding="utf-8") == render_schema(kind)


@pytest.mark.parametrize("kind", KINDS)
def test_each_schema_is_a_valid_2020_12_schema(kind: str) -> None:
    schema = committed(kind)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == SCHEMA_DIALECT
    assert schema["$id"] == SCHEMA_BASE_URI + schema_file_name(kind)
    assert schema["properties"]["kind"]["const"] == kind


# --- (c) the example portfolio -------------------------------------------------------------------


def test_every_example_document_validates_against_its_kinds_schema() -> None:
    documents = example_documents()
    assert len(documents) >= 60
    shared = registry()
    validators = {
        kind: Draft202012Validator(
            {"$ref": SCHEMA_BASE_URI + schema_file_name(kind)},
            registry=shared,
            format_checker=FormatChecker(),
        )
        for kind in KINDS
    }
    failures = []
    kinds_seen = set()
    for path, value in documents:
        kind = value.get("kind")
        assert kind in validators, f"{path}: unknown kind {kind!r}"
        kinds_seen.add(kind)
        for error in validators[kind].iter_errors(value):
            where = ".".join(str(p) for p in error.absolute_path) or "(document)"
            failures.append(f"{path}: {where}: {error.message}")
    assert failures == []
    assert {"Portfolio", "Person", "Project", "Model", "ModelVersion", "Deployment"} <= kinds_seen


def test_a_schema_rejects_what_its_model_rejects() -> None:
    """A sanity check that the validators above can fail at all."""
    validator = Draft202012Validator(
        {"$ref": SCHEMA_BASE_URI + "person.schema.json"}, registry=registry()
    )
    bad = {
        "apiVersion": "govern-as-code/v1",
        "kind": "Person",
        "metadata": {"id": "Bad Id", "extra": 1},
        "spec": {"name": "X", "email": "x@example.com", "department": 42},
    }
    messages = sorted(e.message for e in validator.iter_errors(bad))
    assert messages == [
        "42 is not of type 'string'",
        "Additional properties are not allowed ('extra' was unexpected)",
    ]


# --- (d) modelines -------------------------------------------------------------------------------


def test_every_example_yaml_file_names_its_schema_in_a_modeline() -> None:
    checked = 0
    problems = []
    for path in example_files():
        relative = path.relative_to(EXAMPLE)
        if relative.parts[0] == "k8s" or path.suffix == ".json":
            continue
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = MODELINE.match(first)
        if match is None:
            problems.append(f"{relative}: first line is not a yaml-language-server modeline")
            continue
        target = (path.parent / match.group(1)).resolve()
        if not target.is_file() or target.parent != SCHEMAS:
            problems.append(f"{relative}: {match.group(1)} is not a file in schemas/")
            continue
        data = parse_bytes(path.read_bytes()).single().value
        if target.name != schema_file_name(data["kind"]):
            problems.append(f"{relative}: a {data['kind']} names {target.name}")
        checked += 1
    assert problems == []
    assert checked >= 60
