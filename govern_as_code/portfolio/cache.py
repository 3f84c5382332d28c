"""The on-disk cache: parsed files by git blob id, so a second lint reads only what changed.

A blob id names the bytes of a file, so what the safe loader made of those bytes can be
reused until the loader itself changes: entries live in a folder named by a digest of this
tool (its version, the source of its package and the PyYAML it parses with), and a folder of
another digest is never read. Only the parse is kept, never a validated document, a problem
of a rule or a gate: schemas, references, rules and gates are recomputed from these parts on
every run, so nothing that depends on another document can be cached stale.

The content is data only (JSON), checked for its shape on read: a CI cache may have been
written by anyone who could run a job, so nothing here is ever unpickled or evaluated, and
an entry that is truncated, corrupt, foreign or unreadable is ignored and parsed again.
Writes go to a temporary file in the same folder and are moved into place with os.replace,
so a reader sees an old shard or a new one, never half of one; concurrent runs can only lose
each other's new entries, which are then parsed again. Deleting the folder is always safe.
See docs/cache.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
from array import array
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml

import govern_as_code
from govern_as_code.documents.loaded import LoadedData, LoadError, LoadIssue, PathKey
from govern_as_code.documents.yaml_loader import ParsedFile, parse_text
from govern_as_code.errors import UsageError

FORMAT = "govern-as-code/parse-cache/v1"
PARSE_FOLDER_PREFIX = "parse-"
# What the loader made of a blob: its documents, or why it could not be loaded.
Parsed = ParsedFile | LoadIssue
# (blob id, read as JSON): the same bytes are parsed differently as .json and .yaml.
BlobKey = tuple[str, bool]
ENV_VARIABLE = "GAC_CACHE_DIR"


@cache
def tool_digest() -> str:
    """A digest of everything that decides what a parse yields: this tool's version, every
    source and data file of its package, PyYAML and Python. Computed once per process."""
    digest = hashlib.sha256()
    for part in (govern_as_code.__version__, yaml.__version__, platform.python_version()):
        digest.update(part.encode() + b"\0")
    package = Path(govern_as_code.__file__).parent
    for file in sorted(package.rglob("*")):
        if file.suffix in (".py", ".json", ".yaml") and file.is_file():
            digest.update(file.relative_to(package).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def default_cache_dir(git_dir: Path) -> Path:
    """Where the cache lives unless --cache-dir or GAC_CACHE_DIR says otherwise."""
    return git_dir / "govern-as-code"


def usable_cache_dir(folder: Path) -> Path:
    """`folder`, created if need be, once it is known to be a writable folder.

    A cache folder the user named and that cannot be used is an error (exit 2), not a
    silent slow run: in CI that would throw away the persisted cache on every job unseen.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
            pass
    except OSError as e:
        raise UsageError(
            f"the cache folder {folder} cannot be used: {e.strerror or e}",
            "give --cache-dir (or GAC_CACHE_DIR) a writable folder, or pass --no-cache",
        ) from None
    return folder


def cache_folder(explicit: Path | None, no_cache: bool, git_dir: Path | None) -> Path | None:
    """The cache folder of a run: None with --no-cache (or no git directory and no folder
    named); one the user named must be usable (`usable_cache_dir`)."""
    if no_cache:
        return None
    if explicit is not None:
        return usable_cache_dir(explicit)
    return default_cache_dir(git_dir) if git_dir is not None else None


class ParseCache:
    """Parsed files by blob id, in 256 JSON shards under `folder`/parse-<tool digest>/."""

    def __init__(self, folder: Path) -> None:
        self.root = folder
        self.folder = folder / f"{PARSE_FOLDER_PREFIX}{tool_digest()[:32]}"
        self._shards: dict[str, dict[str, Any]] = {}
        self._new: dict[str, dict[str, Any]] = {}
        self._pending: dict[str, tuple[Parsed, bytes | None]] = {}

    def get(self, key: BlobKey) -> Parsed | None:
        """The cached parse of `key`, or None when there is none that can be trusted."""
        name = _entry_name(key)
        entry = self._shard(name[:2]).get(name)
        if entry is None:
            return None
        try:
            return self._decode(entry, key[1])
        except (TypeError, ValueError, KeyError, IndexError, OverflowError):
            return None  # a foreign or damaged entry: parse the blob again

    def put(self, key: BlobKey, parsed: Parsed, raw: bytes | None = None) -> None:
        """Keep `parsed` for the next `save`. It is encoded then, not now: the documents the
        run's problems pointed at have their positions by then, and keep them as numbers."""
        self._pending[_entry_name(key)] = (parsed, raw)

    def release(self) -> None:
        """Forget the shards read: the documents keep what they need of them."""
        self._shards.clear()

    def save(self) -> None:
        """Write the new entries; a cache that cannot be written only costs time."""
        for name, (parsed, raw) in self._pending.items():
            entry = _encode(parsed, raw)
            if entry is not None:
                self._new.setdefault(name[:2], {})[name] = entry
        self._pending.clear()
        if not self._new:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._prune()
            for prefix, entries in self._new.items():
                merged = {**self._read_shard(prefix), **entries}  # another run's entries too
                text = json.dumps({"format": FORMAT, "entries": merged}, separators=(",", ":"))
                _write_atomically(self.folder / f"{prefix}.json", text)
        except (OSError, TypeError, ValueError):
            pass
        self._new.clear()

    def _prune(self) -> None:
        """Drop the folders of other tool versions: they are never read again."""
        for other in self.root.glob(f"{PARSE_FOLDER_PREFIX}*"):
            if other != self.folder and other.is_dir():
                for file in other.iterdir():
                    file.unlink(missing_ok=True)
                other.rmdir()

    def _shard(self, prefix: str) -> dict[str, Any]:
        if prefix not in self._shards:
            self._shards[prefix] = self._read_shard(prefix)
        return self._shards[prefix]

    def _read_shard(self, prefix: str) -> dict[str, Any]:
        try:
            data = json.loads((self.folder / f"{prefix}.json").read_bytes())
        except (OSError, ValueError, RecursionError):
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    def _decode(self, entry: Any, is_json: bool) -> Parsed:
        if not isinstance(entry, dict):
            raise TypeError("entry")
        if "issue" in entry:
            rule, message, line, column, hint = entry["issue"]
            _require(all(isinstance(s, str) for s in (rule, message, hint)))
            _require(_is_int(line) and _is_int(column))
            return LoadIssue(rule, message, line, column, hint)
        documents = entry["documents"]
        _require(isinstance(documents, list) and len(documents) > 0)
        return ParsedFile([self._decode_document(d, is_json) for d in documents])

    def _decode_document(self, encoded: Any, is_json: bool) -> LoadedData:
        value, flat, written = encoded
        if isinstance(flat, dict):
            text, index = flat["text"], flat["index"]
            _require(isinstance(text, str) and _is_int(index) and index >= 0)
            return SourceData(value, text, index, is_json)
        _require(isinstance(flat, list) and isinstance(written, list))
        _require(len(flat) == 2 * _count_nodes(value))
        numbers = array("I", flat)  # refuses what is not a line or column number
        texts: dict[PathKey, str] = {}
        for path, text in written:
            _require(isinstance(text, str) and isinstance(path, list))
            _require(all(isinstance(p, str) or _is_int(p) for p in path))
            texts[_intern(tuple(path))] = text
        return CompactData(value, numbers, texts)


# One tuple per distinct path, shared by every document that has it: most documents of a
# kind have the same shape, so this keeps many small tuples out of memory.
_PATHS: dict[PathKey, PathKey] = {}


def _intern(path: PathKey) -> PathKey:
    return _PATHS.setdefault(path, path)


class CompactData(LoadedData):
    """A document whose positions are kept as a flat array of numbers, in the order of
    `_preorder`, and rebuilt as a mapping only when something asks for one.

    Most documents of a clean portfolio are never pointed at by a problem, so this keeps
    their positions at a few bytes a node instead of a dictionary of tuples.
    """

    def __init__(self, value: Any, flat: array[int], written: dict[PathKey, str]) -> None:
        super().__init__(value)
        self.flat = flat
        self._cached_written = written

    def _locate(self) -> tuple[dict[PathKey, tuple[int, int]], dict[PathKey, str]]:
        flat = self.flat
        positions = {}
        for index, path in enumerate(_preorder(self.value, ())):
            positions[_intern(path)] = (flat[2 * index], flat[2 * index + 1])
        return positions, self._cached_written


class SourceData(LoadedData):
    """A cached document whose positions are worked out again from its text when asked,
    as the loader's fast path does for a fresh parse."""

    def __init__(self, value: Any, text: str, index: int, is_json: bool) -> None:
        super().__init__(value)
        self._text, self._index, self._is_json = text, index, is_json

    def _locate(self) -> tuple[dict[PathKey, tuple[int, int]], dict[PathKey, str]]:
        try:
            found = parse_text(self._text, is_json=self._is_json).documents[self._index]
        except (LoadError, IndexError):
            # Only a damaged entry gets here: its problems point at the top of the file.
            return {(): (1, 1)}, {}
        return found.positions, found.written


def _located(document: LoadedData) -> bool:
    """Whether the document's positions are at hand (not to be worked out from its text)."""
    return document._positions is not None and document._written is not None


def compact(parsed: Parsed) -> Parsed:
    """`parsed` with its documents' positions kept compactly (`CompactData`), when it has
    the shape the loader makes; otherwise unchanged."""
    if isinstance(parsed, LoadIssue) or parsed.strict_issue is not None:
        return parsed
    documents: list[LoadedData] = []
    for document in parsed.documents:
        if not _located(document):
            return parsed  # already small: its positions come from its text when asked
        flat = _flatten(document)
        if flat is None:
            return parsed
        written = {_intern(p): text for p, text in document.written.items()}
        documents.append(CompactData(document.value, flat, written))
    return ParsedFile(documents)


def _flatten(document: LoadedData) -> array[int] | None:
    """The positions of `document` in `_preorder` order; None if they are not one per node."""
    if document.tags:
        return None
    if isinstance(document, CompactData):
        return document.flat
    flat = array("I")
    for path in _preorder(document.value, ()):
        where = document.positions.get(path)
        if where is None:
            return None
        flat.extend(where)
    return flat if len(flat) == 2 * len(document.positions) else None


def _preorder(value: Any, path: PathKey) -> Iterator[PathKey]:
    """Every node's path, in the order the loader records them: a node, then its children."""
    stack = [(path, value)]
    while stack:
        path, value = stack.pop()
        yield path
        if isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*path, i), value[i]) for i in range(len(value) - 1, -1, -1))


def _count_nodes(value: Any) -> int:
    """How many nodes a JSON value has: what a cached entry's positions must number."""
    count, stack = 0, [value]
    while stack:
        node = stack.pop()
        count += 1
        if type(node) is dict:
            stack.extend(node.values())
        elif type(node) is list:
            stack.extend(node)
    return count


def _encode(parsed: Parsed, raw: bytes | None) -> dict[str, Any] | None:
    """The entry for `parsed`; None for what is not worth keeping or cannot be kept as data.

    A file with a construct a governance file refuses (anchors, tags, aliases) is not kept:
    it is rare, and its Alias values and tags are not plain data.
    """
    if isinstance(parsed, LoadIssue):
        return {"issue": [parsed.rule, parsed.message, parsed.line, parsed.column, parsed.hint]}
    if parsed.strict_issue is not None or any(d.tags for d in parsed.documents):
        return None
    documents: list[list[Any]] = []
    for index, document in enumerate(parsed.documents):
        if not _located(document) and raw is not None:
            # Positions the loader left to work out from the text: keep the text, not them.
            text = raw.decode("utf-8")
            documents.append([document.value, {"text": text, "index": index}, []])
            continue
        flat = _flatten(document)
        if flat is None:
            return None  # not the shape the loader makes: keep it out of the cache
        written = [[list(p), text] for p, text in document.written.items()]
        documents.append([document.value, flat.tolist(), written])
    return {"documents": documents}


def _entry_name(key: BlobKey) -> str:
    blob, is_json = key
    return f"{blob}{':json' if is_json else ''}"


def _is_int(value: object) -> bool:
    return type(value) is int


def _require(condition: bool) -> None:
    if not condition:
        raise ValueError("the cache entry does not have the expected shape")


def _write_atomically(target: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
