"""Mutations of YAML documents for the fuzz script: byte-level damage and structural changes.

Every mutation takes the document's bytes and a seeded `random.Random` and returns new bytes
plus a short name saying what it did, so a failing input can be told apart from its siblings.
Structural mutations work on the parsed document and write YAML back; those that YAML's dumper
cannot express (duplicate keys, aliases, tags, deep nesting) edit the text.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import yaml

Mutation = Callable[[bytes, random.Random], bytes]
# The mutator's own parsing is not under test: libyaml's safe loader keeps it cheap.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

KINDS = [
    "Portfolio",
    "Person",
    "Initiative",
    "Project",
    "Model",
    "ModelVersion",
    "Approval",
    "Deployment",
    "Workflow",
    "Policy",
    "Waiver",
    "Nonsense",
]
ODD_TEXT = (
    "",
    " ",
    "\u202eevil\u202c",  # right-to-left override
    "a\u200bb",  # zero-width space
    "e\u0301\u0301\u0301",  # stacked combining marks
    "\U0001f600\U0001f4a9",
    "\ufeffbom",
    "\\x00",
    "line\nbreak",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "x" * 5000,
    "null",
    "~",
    "yes",
    "0x1F",
    "1e400",
    "2026-02-30",
    "@",
    "a@b@c",
    "Person/",
    "/",
    "café@1",
)
ODD_SCALARS = (
    "1e400",
    "-1e400",
    ".nan",
    ".inf",
    "-.inf",
    "-0",
    "9" * 400,
    "0o777",
    "0x" + "f" * 80,
    "2026-13-45",
    "2026-02-29T25:61:61Z",
    "1999-12-31",
    "~",
    "null",
    "true",
    "no",
    "[]",
    "{}",
    "''",
    '"\\ud800"',
    '"\\x00\\x01\\x1f"',
    '"\\u202e"',
    "!!binary aGVsbG8=",
    "!!timestamp 2026-01-01",
    "!!set {a, b}",
    "!!python/object:os.system {}",
    "!!python/name:os.system",
    "!custom value",
    "!!omap [a: 1]",
    "!!str 5",
    "!!int '12'",
    "!!float 'x'",
)
TAGS = ("!!python/object/apply:os.system ['true']", "!!binary", "!!set", "!local", "!!map", "!!seq")


def _flip_byte(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return b"\xff"
    i = rng.randrange(len(data))
    return data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1 :]


def _random_bytes(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data) + 1)
    junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    return data[:i] + junk + data[i:]


def _special_bytes(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data) + 1)
    chunk = rng.choice(
        (b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"\r", b"\t", b"\x1b[2J")
    )
    return data[:i] + chunk + data[i:]


def _delete_range(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    i = rng.randrange(len(data))
    return data[:i] + data[i + rng.randint(1, 40) :]


def _duplicate_range(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    i = rng.randrange(len(data))
    j = min(len(data), i + rng.randint(1, 80))
    return data[:j] + data[i:j] + data[j:]


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _crlf_or_utf16(data: bytes, rng: random.Random) -> bytes:
    if rng.random() < 0.5:
        return data.replace(b"\n", b"\r\n")
    return data.decode("utf-8", "replace").encode(
        rng.choice(("utf-16", "utf-32", "latin-1")), "replace"
    )


BYTE_MUTATIONS: dict[str, Mutation] = {
    "flip-byte": _flip_byte,
    "random-bytes": _random_bytes,
    "special-bytes": _special_bytes,
    "delete-range": _delete_range,
    "duplicate-range": _duplicate_range,
    "truncate": _truncate,
    "crlf-or-utf16": _crlf_or_utf16,
}


# --- structural: on the parsed document --------------------------------------------------------


def _paths(value: Any, limit: int = 2000) -> list[tuple[Any, ...]]:
    """Paths to values inside `value` (dict keys and list indexes), at most `limit` of them.

    The limit matters: a parsed "billion laughs" shares one list a billion times over.
    """
    found: list[tuple[Any, ...]] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), value)]
    while stack and len(found) < limit:
        prefix, current = stack.pop()
        found.append(prefix)
        if isinstance(current, dict):
            stack.extend(((*prefix, k), v) for k, v in current.items())
        elif isinstance(current, list):
            stack.extend(((*prefix, i), v) for i, v in enumerate(current))
    return found


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def _set(value: Any, path: tuple[Any, ...], new: Any) -> None:
    _get(value, path[:-1])[path[-1]] = new


def _odd_value(rng: random.Random) -> Any:
    return rng.choice(
        (
            None,
            True,
            0,
            -1,
            10**400,
            1e308,
            float("nan"),
            float("inf"),
            rng.choice(ODD_TEXT),
            [],
            {},
            [rng.choice(ODD_TEXT)],
            {"": None},
            {1: 2},
            {"kind": rng.choice(KINDS)},
            [[[[[]]]]],
        )
    )


def _retype(value: Any) -> Any:
    if isinstance(value, str):
        return [value]
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return {"value": value}
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    if isinstance(value, dict):
        return list(value.items())
    return "null"


def _structural(data: Any, rng: random.Random) -> tuple[Any, str]:
    """Change one thing of the parsed document; returns it and the change's name."""
    paths = [p for p in _paths(data) if p]
    if not paths:
        return _odd_value(rng), "replace-root"
    path = rng.choice(paths)
    parent = _get(data, path[:-1])
    choice = rng.randrange(8)
    if choice == 0:
        del parent[path[-1]]
        return data, "delete-key"
    if choice == 1:
        _set(data, path, _retype(_get(data, path)))
        return data, "retype"
    if choice == 2:
        other = rng.choice(paths)
        if other[: len(path)] != path and path[: len(other)] != other:
            a, b = _get(data, path), _get(data, other)
            _set(data, path, b)
            _set(data, other, a)
        return data, "swap-values"
    if choice == 3:
        _set(data, path, _odd_value(rng))
        return data, "odd-value"
    if choice == 4 and isinstance(parent, dict):
        parent[rng.choice(ODD_TEXT) or "extra"] = _odd_value(rng)
        return data, "add-key"
    if choice == 5 and isinstance(parent, list):
        parent.append(_get(data, path))
        return data, "duplicate-item"
    if choice == 6 and isinstance(data, dict):
        data["kind"] = rng.choice(KINDS)
        return data, "change-kind"
    if choice == 7 and isinstance(parent, dict):
        key = path[-1]
        parent[
            _retype(key) if not isinstance(key, str) else rng.choice((1, True, None, key * 3))
        ] = parent.pop(key)
        return data, "retype-key"
    _set(data, path, _odd_value(rng))
    return data, "odd-value"


def structural(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A structural change of the parsed document, written back as YAML.

    The mutator's own YAML library is not under test, and it trips on some inputs (PyYAML's
    timestamp constructor raises AttributeError on a few): any failure there falls back to a
    byte flip.
    """
    try:
        parsed = yaml.load(data, Loader=_LOADER)
    except Exception:
        return _flip_byte(data, rng), "flip-byte"
    try:
        changed, name = _structural(parsed, rng)
    except (TypeError, KeyError, IndexError):
        # A swap can leave the other path pointing into a scalar (shared or nested values).
        return _flip_byte(data, rng), "flip-byte"
    try:
        text = yaml.dump(changed, Dumper=_DUMPER, allow_unicode=rng.random() < 0.5, sort_keys=False)
    except Exception:
        return _flip_byte(data, rng), "flip-byte"
    return text.encode("utf-8", "surrogatepass"), name


# --- structural: on the text, for what the dumper cannot write ---------------------------------


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _duplicate_key(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    keyed = [
        i for i, line in enumerate(lines) if b":" in line and not line.lstrip().startswith(b"#")
    ]
    if not keyed:
        return data
    i = rng.choice(keyed)
    return b"\n".join([*lines[: i + 1], lines[i], *lines[i + 1 :]])


def _deep_nesting(data: bytes, rng: random.Random) -> bytes:
    depth = rng.choice((50, 200, 1000, 5000))
    deep = (
        (b"[" * depth + b"]" * depth)
        if rng.random() < 0.5
        else (b"{a: " * depth + b"1" + b"}" * depth)
    )
    lines = _lines(data)
    keyed = [i for i, line in enumerate(lines) if line.rstrip().endswith(b":") or b": " in line]
    if not keyed:
        return data + b"\nx: " + deep + b"\n"
    i = rng.choice(keyed)
    key = lines[i].split(b":", 1)[0]
    lines[i] = key + b": " + deep
    return b"\n".join(lines)


def _anchors(data: bytes, rng: random.Random) -> bytes:
    choice = rng.randrange(4)
    if choice == 0:  # billion laughs
        bomb = [b"a: &a [x, x, x, x, x, x, x, x, x]"]
        for n in range(1, 9):
            prev = chr(ord("a") + n - 1).encode()
            name = chr(ord("a") + n).encode()
            bomb.append(name + b": &" + name + b" [" + b", ".join([b"*" + prev] * 9) + b"]")
        return data + b"\nbomb:\n  " + b"\n  ".join(bomb) + b"\n"
    if choice == 1:  # merge keys
        return data.replace(b"spec:\n", b"base: &base {name: x, owner: y}\nspec:\n  <<: *base\n", 1)
    if choice == 2:  # an alias to an anchor never defined
        return data.replace(b"spec:\n", b"spec: *nowhere\nother:\n", 1)
    # an anchored metadata reused elsewhere
    return data.replace(b"metadata:", b"metadata: &m", 1) + b"\nextra: *m\n"


def _tag(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    keyed = [i for i, line in enumerate(lines) if b": " in line]
    if not keyed:
        return b"--- " + rng.choice(TAGS).encode() + b"\n" + data
    i = rng.choice(keyed)
    key, value = lines[i].split(b": ", 1)
    lines[i] = key + b": " + rng.choice(TAGS).encode() + b" " + value
    return b"\n".join(lines)


def _odd_scalar(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    keyed = [i for i, line in enumerate(lines) if b": " in line]
    if not keyed:
        return data
    i = rng.choice(keyed)
    lines[i] = lines[i].split(b": ", 1)[0] + b": " + rng.choice(ODD_SCALARS).encode()
    return b"\n".join(lines)


def _many_documents(data: bytes, rng: random.Random) -> bytes:
    return rng.choice((data + b"\n---\n" + data, b"---\n...\n" + data, data + b"\n---\n"))


TEXT_MUTATIONS: dict[str, Mutation] = {
    "duplicate-key": _duplicate_key,
    "deep-nesting": _deep_nesting,
    "anchors": _anchors,
    "tag": _tag,
    "odd-scalar": _odd_scalar,
    "many-documents": _many_documents,
}


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One to three mutations of `data`, byte-level or structural; returns what they were."""
    names = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        family = rng.random()
        if family < 0.35:
            data, name = structural(data, rng)
        elif family < 0.7:
            name = rng.choice(tuple(TEXT_MUTATIONS))
            data = TEXT_MUTATIONS[name](data, rng)
        else:
            name = rng.choice(tuple(BYTE_MUTATIONS))
            data = BYTE_MUTATIONS[name](data, rng)
        names.append(name)
    return data, "+".join(names)
