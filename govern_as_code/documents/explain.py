"""pydantic's validation errors in the user's terms: what was written, and what to write.

Values are echoed as written in the file (`1.10`, not the float `1.1` YAML made of it), an
unknown field gets the nearest known name at its level, and each type mismatch gets a hint
that fits what was written: a list where text belongs is not fixed by quoting it.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Mapping
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from govern_as_code.documents.kinds import MODEL_BY_KIND

_SHOWN_CHARS = 60


def explain(item: Mapping[str, Any], kind: str, written: str | None) -> tuple[str, str]:
    """The message (without the field's path) and the hint for one pydantic error."""
    error = item["type"]
    value = item.get("input")
    schema = f"schemas/{kind.lower()}.schema.json"
    if error == "extra_forbidden":
        hint = f"remove it or fix its spelling; see {schema}, or declare it in an extension schema"
        nearest = nearest_field(kind, tuple(item["loc"]))
        return "unknown field", (f"did you mean {nearest!r}? " + hint) if nearest else hint
    if error == "missing":
        return "required field is missing", f"add it; see {schema}"
    if error in ("string_type", "string_pattern_mismatch") and not isinstance(value, str):
        return _not_text(value, written)
    if error == "bool_type":
        if isinstance(value, str) and value.strip().casefold() in ("true", "false"):
            return f"must be true or false, not the text {value!r}", "remove the quotes"
        return f"must be true or false, not {shown(value, written)}", "write true or false"
    if error in ("int_type", "int_parsing", "float_type", "float_parsing"):
        what = "integer (a whole number)" if error.startswith("int") else "number"
        if isinstance(value, str):
            return (
                f"must be a valid {what}, not the text {value!r}",
                "write the number without quotes",
            )
        return f"must be a valid {what}, not {shown(value, written)}", (
            "write a whole number, without a decimal point"
            if error.startswith("int")
            else "write a number"
        )
    if error == "list_type":
        return (
            f"must be a valid list, not {shown(value, written)}",
            "write a list: [a, b] on one line, or one '- item' per line",
        )
    if error in ("dict_type", "model_type", "model_attributes_type"):
        return (
            f"must be a mapping of fields, not {shown(value, written)}",
            "write its fields as 'name: value' lines, indented under it",
        )
    if error == "literal_error":
        expected = str((item.get("ctx") or {}).get("expected", ""))
        return (
            f"{shown(value, written)} is not allowed: it must be {expected}",
            f"use one of: {expected.replace(chr(39), '').replace(' or ', ', ')}",
        )
    if error == "string_pattern_mismatch":
        return f"{value!r} does not match the expected form", _pattern_hint(item)
    message = str(item["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if written is not None and error.startswith(("greater", "less")):
        message = f"{written}: {message}"
    return message, ""


def _not_text(value: Any, written: str | None) -> tuple[str, str]:
    if isinstance(value, list):
        return (
            f"must be a string, not a list {shown(value, written)}",
            "a string is expected: write it as text (join the items into one sentence),"
            " without [ ] or '- ' lines",
        )
    if isinstance(value, dict):
        return (
            "must be a string, not a mapping",
            "a string is expected: write it as text; a ': ' inside it made YAML read a"
            " mapping, so put the whole text in quotes",
        )
    if value is None:
        return "must be a string, but it is empty", "write a value, or remove the field"
    return (
        f"must be a string, not {type(value).__name__} {shown(value, written)}",
        f"quote it ('{written if written is not None else value}') so YAML keeps it as written",
    )


def shown(value: Any, written: str | None) -> str:
    """The value as the user wrote it, shortened."""
    text = written if written is not None else repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def nearest_field(kind: str, location: tuple[Any, ...]) -> str | None:
    """The known field closest to the unknown one at the end of `location`, if any is close."""
    if not location or not isinstance(location[-1], str) or kind not in MODEL_BY_KIND:
        return None
    known = _fields_at(MODEL_BY_KIND[kind], location[:-1])
    folded = {name.casefold(): name for name in known}
    if location[-1].casefold() in folded:
        return folded[location[-1].casefold()]
    close = difflib.get_close_matches(location[-1], sorted(known), n=1, cutoff=0.6)
    return close[0] if close else None


def _fields_at(model: type[BaseModel], location: tuple[Any, ...]) -> set[str]:
    current: list[Any] = [model]
    for step in location:
        current = [nxt for annotation in current for nxt in _step(annotation, step)]
    return {name for annotation in current for name in _model_fields(annotation)}


def _step(annotation: Any, step: Any) -> list[Any]:
    candidates = _unwrap(annotation)
    if isinstance(step, str):
        named = [c for c in candidates if isinstance(c, type) and c.__name__ == step]
        if named:
            return named  # pydantic names the union member it tried
    found = []
    for candidate in candidates:
        origin = get_origin(candidate)
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            field = candidate.model_fields.get(step) if isinstance(step, str) else None
            if field is not None:
                found.append(field.annotation)
        elif origin is list and isinstance(step, int):
            found.extend(get_args(candidate)[:1])
        elif origin is dict and isinstance(step, str):
            found.extend(get_args(candidate)[1:2])
    return found


def _unwrap(annotation: Any) -> list[Any]:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [member for arg in get_args(annotation) for member in _unwrap(arg)]
    return [annotation]


def _model_fields(annotation: Any) -> list[str]:
    return [
        name
        for candidate in _unwrap(annotation)
        if isinstance(candidate, type) and issubclass(candidate, BaseModel)
        for name in candidate.model_fields
    ]


def _pattern_hint(item: Mapping[str, Any]) -> str:
    pattern = str((item.get("ctx") or {}).get("pattern", ""))
    if pattern.startswith("^sha256"):
        return "write sha256: followed by 64 lowercase hex digits"
    if "@" in pattern:
        return "write <model>@<version>, e.g. churn-xgb@3"
    if pattern.startswith("^[a-z0-9]"):
        return "use a slug: lowercase letters and digits separated by - _ or ."
    return f"it must match {pattern}"
