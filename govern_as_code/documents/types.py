"""Field types shared by every kind: slugs, references, digests and ISO 8601 dates.

Strings are strict (a YAML number or boolean is never turned into a string behind the user's
back) and dates are parsed from ISO 8601 strings only, so `version: 1.10` or `on: yes` cannot
silently change meaning.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic import BaseModel as _BaseModel

SLUG_PATTERN = r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$"
VERSION_PATTERN = r"^[A-Za-z0-9]+(?:[-_.+][A-Za-z0-9]+)*$"
SUBJECT_PATTERN = SLUG_PATTERN[:-1] + "@" + VERSION_PATTERN[1:]
DIGEST_PATTERN = r"^sha256:[0-9a-f]{64}$"

Slug = Annotated[str, StringConstraints(strict=True, pattern=SLUG_PATTERN, max_length=128)]
VersionName = Annotated[
    str, StringConstraints(strict=True, pattern=VERSION_PATTERN, max_length=128)
]
SubjectRef = Annotated[str, StringConstraints(strict=True, pattern=SUBJECT_PATTERN, max_length=257)]
Digest = Annotated[str, StringConstraints(strict=True, pattern=DIGEST_PATTERN)]
Text = Annotated[str, StringConstraints(strict=True, max_length=20_000)]
Role = Slug


def _parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 date written as a string, e.g. 2026-03-31")
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 date, e.g. 2026-03-31") from None


def _parse_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"{value!r} is not an ISO 8601 date or date-time, e.g. 2026-03-31T14:05:00Z"
            ) from None
    else:
        raise ValueError("must be an ISO 8601 date or date-time written as a string")
    # A date without a zone is read as UTC, so comparisons never mix naive and aware times.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


IsoDate = Annotated[
    date,
    BeforeValidator(_parse_date),
    Field(json_schema_extra={"type": "string", "format": "date"}),
]
IsoDateTime = Annotated[
    datetime,
    BeforeValidator(_parse_datetime),
    Field(json_schema_extra={"type": "string", "format": "date-time"}),
]


def _no_parent_segments(value: str) -> str:
    parts = value.replace("\\", "/").split("/")
    if value.startswith("/") or ".." in parts or re.match(r"^[A-Za-z]:", value):
        raise ValueError("must be a relative path inside the repository, without '..'")
    return value


RepoPath = Annotated[
    str,
    StringConstraints(strict=True, min_length=1, max_length=1024),
    AfterValidator(_no_parent_segments),
]


class StrictModel(_BaseModel):
    """Unknown fields are errors; numbers and booleans are never coerced from strings."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)
