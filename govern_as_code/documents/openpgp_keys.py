"""OpenPGP public keys: the armored text, its packets and the primary key's fingerprint.

Pure parsing (RFC 9580), no gpg: a Person document's key is checked when the document is
validated, and its fingerprint is the one gpg reports for signatures made by it. Signatures
themselves are verified by gpg in `evidence/openpgp.py`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
END = "-----END PGP PUBLIC KEY BLOCK-----"
PUBLIC_KEY, PUBLIC_SUBKEY, SIGNATURE = 6, 14, 2
_SECRET_TAGS = frozenset({5, 7})
# Algorithm id -> the fields of its public key material, in order.
_MATERIAL = {
    1: ("mpi", "mpi"),  # RSA
    2: ("mpi", "mpi"),
    3: ("mpi", "mpi"),
    16: ("mpi", "mpi", "mpi"),  # Elgamal
    17: ("mpi", "mpi", "mpi", "mpi"),  # DSA
    18: ("oid", "mpi", "kdf"),  # ECDH
    19: ("oid", "mpi"),  # ECDSA
    22: ("oid", "mpi"),  # EdDSA (legacy)
    25: ("raw32",),  # X25519
    26: ("raw56",),  # X448
    27: ("raw32",),  # Ed25519
    28: ("raw57",),  # Ed448
}
_CRC24_INIT, _CRC24_POLY = 0xB704CE, 0x1864CFB


@dataclass(frozen=True)
class OpenPgpPublicKey:
    """An armored OpenPGP public key: its primary key's version and fingerprint."""

    version: int
    fingerprint: str  # uppercase hex, as gpg prints it


def parse_openpgp_public_key(armored: str) -> OpenPgpPublicKey:
    """Parse one armored OpenPGP public key (a transferable public key).

    Raises ValueError with a readable message unless the text holds exactly one well-formed
    public primary key of a known algorithm, with at least one signature.
    """
    packets = _packets(_dearmor(armored))
    if any(tag in _SECRET_TAGS for tag, _ in packets):
        raise ValueError("this is an OpenPGP secret key: list the public key only")
    primaries = [body for tag, body in packets if tag == PUBLIC_KEY]
    if not packets or packets[0][0] != PUBLIC_KEY or len(primaries) != 1:
        found = f"{len(primaries)} primary keys" if primaries else "no primary key"
        raise ValueError(f"expected exactly one OpenPGP public key, found {found}")
    if not any(tag == SIGNATURE for tag, _ in packets):
        raise ValueError("the OpenPGP key carries no signature, so no user id is bound to it")
    for tag, body in packets:
        if tag in (PUBLIC_KEY, PUBLIC_SUBKEY):
            _check_key_body(body)
    body = primaries[0]
    version = body[0]
    if version == 4:
        digest = hashlib.sha1(b"\x99" + len(body).to_bytes(2, "big") + body).hexdigest()
    else:
        prefix = b"\x9b" if version == 6 else b"\x9a"
        digest = hashlib.sha256(prefix + len(body).to_bytes(4, "big") + body).hexdigest()
    return OpenPgpPublicKey(version, digest.upper())


def _crc24(data: bytes) -> int:
    crc = _CRC24_INIT
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= _CRC24_POLY
    return crc & 0xFFFFFF


def _dearmor(text: str) -> bytes:
    lines = [line.strip() for line in text.strip().splitlines()]
    if not lines or lines[0] != BEGIN:
        if lines and "PRIVATE KEY BLOCK" in lines[0]:
            raise ValueError("this is an OpenPGP secret key: list the public key only")
        raise ValueError(f"an OpenPGP public key starts with {BEGIN!r}")
    if lines[-1] != END:
        raise ValueError(f"the OpenPGP public key does not end with {END!r}")
    body = lines[1:-1]
    # Armor headers ("Comment: ...") run up to the first blank line.
    if "" in body:
        body = body[body.index("") + 1 :]
    checksum = None
    if body and body[-1].startswith("="):
        checksum, body = body[-1][1:], body[:-1]
    try:
        data = base64.b64decode("".join(body), validate=True)
        expected = base64.b64decode(checksum, validate=True) if checksum is not None else None
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the OpenPGP public key is not valid base64") from exc
    if expected is not None and int.from_bytes(expected, "big") != _crc24(data):
        raise ValueError("the OpenPGP public key's checksum does not match: it was altered")
    return data


def _packets(data: bytes) -> list[tuple[int, bytes]]:
    packets = []
    pos = 0
    while pos < len(data):
        header = data[pos]
        if not header & 0x80:
            raise ValueError("the OpenPGP data is not a packet sequence")
        if header & 0x40:
            tag, (length, pos) = header & 0x3F, _new_length(data, pos + 1)
        else:
            tag, (length, pos) = (header >> 2) & 0x0F, _old_length(data, pos + 1, header & 3)
        if pos + length > len(data):
            raise ValueError("the OpenPGP data is truncated")
        packets.append((tag, data[pos : pos + length]))
        pos += length
    return packets


def _new_length(data: bytes, pos: int) -> tuple[int, int]:
    first = _byte(data, pos)
    if first < 192:
        return first, pos + 1
    if first < 224:
        return ((first - 192) << 8) + _byte(data, pos + 1) + 192, pos + 2
    if first == 255:
        return int.from_bytes(_take(data, pos + 1, 4), "big"), pos + 5
    raise ValueError("the OpenPGP data uses partial lengths, which a key never does")


def _old_length(data: bytes, pos: int, kind: int) -> tuple[int, int]:
    if kind == 3:
        raise ValueError("the OpenPGP data uses an indeterminate length")
    size = (1, 2, 4)[kind]
    return int.from_bytes(_take(data, pos, size), "big"), pos + size


def _byte(data: bytes, pos: int) -> int:
    return _take(data, pos, 1)[0]


def _take(data: bytes, pos: int, size: int) -> bytes:
    if pos + size > len(data):
        raise ValueError("the OpenPGP data is truncated")
    return data[pos : pos + size]


def _check_key_body(body: bytes) -> None:
    """A key packet: version, creation time, algorithm and exactly its key material."""
    version = _byte(body, 0)
    if version not in (4, 5, 6):
        raise ValueError(f"OpenPGP version {version} keys are not supported (use v4 or later)")
    algorithm = _byte(body, 5)
    fields = _MATERIAL.get(algorithm)
    if fields is None:
        raise ValueError(f"unknown OpenPGP public key algorithm {algorithm}")
    pos = 6
    if version in (5, 6):
        declared = int.from_bytes(_take(body, pos, 4), "big")
        pos += 4
        if declared != len(body) - pos:
            raise ValueError("the OpenPGP key material has the wrong length")
    for kind in fields:
        if kind == "mpi":
            bits = int.from_bytes(_take(body, pos, 2), "big")
            pos += 2 + (bits + 7) // 8
        elif kind in ("oid", "kdf"):
            pos += 1 + _byte(body, pos)
        else:
            pos += int(kind[3:])
        _take(body, 0, pos)
    if pos != len(body):
        raise ValueError("the OpenPGP key packet has trailing bytes")
