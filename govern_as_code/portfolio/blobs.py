"""Each blob parsed once in a run, and each document validated once: base and head share.

The trusted base and the working tree hold almost the same blobs. Loading both through one
`BlobStore` parses a blob once and validates a (blob, path) once, so the two portfolios share
one Document object for every file the change did not touch, instead of two copies.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from govern_as_code.documents.validation import ExtensionSchema
from govern_as_code.portfolio.cache import BlobKey, ParseCache, Parsed, compact
from govern_as_code.portfolio.model import Document
from govern_as_code.problems import Problem

# (blob key, path, digest of the extension schemas): all that validating a file depends on.
ValidationKey = tuple[BlobKey, str, str]
Validated = tuple[Document | None, tuple[Problem, ...]]


class BlobStore:
    """Parses by blob id for one run, backed by the on-disk cache when there is one."""

    def __init__(self, cache: ParseCache | None = None) -> None:
        self.cache = cache
        self._parsed: dict[BlobKey, Parsed] = {}
        self._validated: dict[ValidationKey, Validated] = {}
        self.parsed_here = 0  # blobs this run had to parse: what a cache saved shows here
        self.from_cache = 0

    def known(self, key: BlobKey) -> Parsed | None:
        """The parse of `key` from this run or the cache, without reading the blob."""
        found = self._parsed.get(key)
        if found is None and self.cache is not None:
            found = self.cache.get(key)
            if found is not None:
                self.from_cache += 1
                self._parsed[key] = found
        return found

    def add(self, parsed: Mapping[BlobKey, Parsed], raws: Mapping[BlobKey, bytes]) -> None:
        """Parses this run made, from `raws`; they go to the cache too."""
        parsed = {key: compact(value) for key, value in parsed.items()}
        self._parsed.update(parsed)
        self.parsed_here += len(parsed)
        if self.cache is not None:
            for key, value in parsed.items():
                self.cache.put(key, value, raws.get(key))

    def validated(self, key: ValidationKey) -> Validated | None:
        return self._validated.get(key)

    def remember(self, key: ValidationKey, result: Validated) -> None:
        self._validated[key] = result

    def save(self) -> None:
        if self.cache is not None:
            self.cache.save()

    def release(self) -> None:
        """Forget the parses: what the portfolios keep is theirs; the rest can be freed."""
        self._parsed.clear()
        self._validated.clear()
        if self.cache is not None:
            self.cache.release()


def extensions_digest(extensions: Mapping[str, ExtensionSchema]) -> str:
    """What the extension schemas add to validation, as a digest for memo keys."""
    if not extensions:
        return ""
    described = [
        [kind, e.source, e.validator.schema, sorted(e.spec_fields)]
        for kind, e in sorted(extensions.items())
    ]
    text = json.dumps(described, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()
