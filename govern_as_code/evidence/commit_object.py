"""Split a raw git commit object into what was signed, the signature, and its fields."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Literal

SignatureFormat = Literal["ssh", "openpgp", "x509"]

# Same prefixes as git's gpg-interface.c, which also counts an inline "PGP MESSAGE"
# as OpenPGP.
_FORMAT_BY_ARMOR: tuple[tuple[str, SignatureFormat], ...] = (
    ("-----BEGIN PGP SIGNATURE-----", "openpgp"),
    ("-----BEGIN PGP MESSAGE-----", "openpgp"),
    ("-----BEGIN SIGNED MESSAGE-----", "x509"),
    ("-----BEGIN SSH SIGNATURE-----", "ssh"),
)
# The signature header git reads depends on the repository's hash (commit.c's
# gpg_sig_headers); the object id length in the tree line tells which hash that is.
_SIGNATURE_HEADER_BY_OID_LENGTH = {40: b"gpgsig", 64: b"gpgsig-sha256"}
_OID = re.compile(rb"[0-9a-f]{40}|[0-9a-f]{64}")
_IDENT = re.compile(
    rb"(?:(?P<name>[^<>\n]*) )?<(?P<email>[^<>\n]*)> (?P<seconds>[0-9]+) (?P<zone>[+-][0-9]{4})"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SignedCommit:
    """A commit object split as git splits it to check a signature.

    ``payload`` is the object without its signature headers: the exact bytes that were
    signed. ``signature`` is None when the commit carries no signature for the
    repository's hash.
    """

    payload: bytes
    signature: str | None
    signature_format: SignatureFormat | None
    tree: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    author_time: datetime
    committer_name: str
    committer_email: str
    committer_time: datetime
    message: str


@dataclass(frozen=True)
class _Ident:
    name: str
    email: str
    time: datetime


def split_signed_commit(raw: bytes) -> SignedCommit:
    """Split ``raw`` (as ``git cat-file commit <sha>`` prints it) into payload and signature.

    Raises ValueError when the object is not a well-formed commit: headers out of the
    order git writes them (tree, parents, author, committer), a repeated author or
    committer, or an identity line git could not have written.
    """
    headers, body = _split_headers(raw)
    tree, parents, author, committer = _required_headers(headers)
    signature_header = _SIGNATURE_HEADER_BY_OID_LENGTH[len(tree)]
    payload, signature_bytes = _strip_signatures(raw, signature_header)
    signature = None if signature_bytes is None else signature_bytes.decode("utf-8", "replace")
    return SignedCommit(
        payload=payload,
        signature=signature,
        signature_format=_signature_format(signature),
        tree=tree,
        parents=parents,
        author_name=author.name,
        author_email=author.email,
        author_time=author.time,
        committer_name=committer.name,
        committer_email=committer.email,
        committer_time=committer.time,
        message=_decode_message(body, _encoding(headers)),
    )


def _strip_signatures(raw: bytes, signature_header: bytes) -> tuple[bytes, bytes | None]:
    """Port of git's parse_buffer_signed_by_header (commit.c).

    Every header starting with "gpgsig" leaves the payload together with its
    continuation lines; only ``signature_header`` feeds the signature. Everything after
    the first blank line is kept whole, so a body line that looks like a header stays.
    """
    payload = bytearray()
    signature = bytearray()
    saw_signature = in_signature = other_signature = False
    position = 0
    while position < len(raw):
        newline = raw.find(b"\n", position)
        end = len(raw) if newline < 0 else newline + 1
        line = raw[position:end]
        signature_part: bytes | None = None
        if in_signature and line.startswith(b" "):
            signature_part = line[1:]
        elif line.startswith(signature_header + b" "):
            signature_part = line[len(signature_header) + 1 :]
            other_signature = False
        elif line.startswith(b"gpgsig"):
            other_signature = True
        elif other_signature and not line.startswith(b" "):
            other_signature = False
        if signature_part is not None:
            signature += signature_part
            saw_signature = in_signature = True
        else:
            if line.startswith(b"\n"):
                end = len(raw)
                line = raw[position:]
            if not other_signature:
                payload += line
            in_signature = False
        position = end
    return bytes(payload), bytes(signature) if saw_signature else None


def _split_headers(raw: bytes) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """Headers as (name, value) pairs, continuation lines joined by newlines, and the body."""
    head, separator, body = raw.partition(b"\n\n")
    if not separator:
        # No blank line: a commit with no message, possibly without a final newline.
        head, body = raw.removesuffix(b"\n"), b""
    headers: list[tuple[bytes, bytes]] = []
    for line in head.split(b"\n"):
        if line.startswith(b" "):
            if not headers:
                raise ValueError("commit object starts with a continuation line")
            name, value = headers[-1]
            headers[-1] = (name, value + b"\n" + line[1:])
        else:
            name, _, value = line.partition(b" ")
            headers.append((name, value))
    return headers, body


def _required_headers(
    headers: list[tuple[bytes, bytes]],
) -> tuple[str, tuple[str, ...], _Ident, _Ident]:
    """tree, parents, author and committer, in the order git (and git fsck) insists on."""
    names = [name for name, _ in headers]
    if not names or names[0] != b"tree":
        raise ValueError("commit object does not start with a tree line")
    tree = _oid(headers[0][1], "tree")
    parent_count = 0
    while 1 + parent_count < len(names) and names[1 + parent_count] == b"parent":
        parent_count += 1
    parents = tuple(_oid(value, "parent") for _, value in headers[1 : 1 + parent_count])
    if any(len(parent) != len(tree) for parent in parents):
        raise ValueError("commit object mixes SHA-1 and SHA-256 object ids")
    rest = names[1 + parent_count :]
    if rest[:2] != [b"author", b"committer"]:
        raise ValueError("commit object lacks author and committer lines right after parents")
    for name in (b"tree", b"parent", b"author", b"committer"):
        if name in rest[2:]:
            raise ValueError(f"commit object has a stray {name.decode()} line")
    author = _ident(headers[1 + parent_count][1], "author")
    committer = _ident(headers[2 + parent_count][1], "committer")
    return tree, parents, author, committer


def _oid(value: bytes, what: str) -> str:
    if not _OID.fullmatch(value):
        raise ValueError(f"commit object has a malformed {what} id")
    return value.decode("ascii")


def _ident(value: bytes, what: str) -> _Ident:
    match = _IDENT.fullmatch(value)
    if not match:
        raise ValueError(f"commit object has a malformed {what} line")
    zone = match["zone"]
    offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5]))
    try:
        tz = timezone(-offset if zone.startswith(b"-") else offset)
        moment = (_EPOCH + timedelta(seconds=int(match["seconds"]))).astimezone(tz)
    except (OverflowError, ValueError) as exc:
        raise ValueError(f"commit object has an impossible {what} date") from exc
    return _Ident(
        name=(match["name"] or b"").decode("utf-8", "replace"),
        email=match["email"].decode("utf-8", "replace"),
        time=moment,
    )


def _encoding(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == b"encoding":
            label = value.decode("ascii", "replace").strip()
            try:
                return codecs.lookup(label).name
            except LookupError:
                break
    return "utf-8"


def _decode_message(body: bytes, encoding: str) -> str:
    return body.decode(encoding, "replace")


def _signature_format(signature: str | None) -> SignatureFormat | None:
    if signature is None:
        return None
    for prefix, signature_format in _FORMAT_BY_ARMOR:
        if signature.startswith(prefix):
            return signature_format
    return None
