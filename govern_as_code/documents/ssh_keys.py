"""OpenSSH public keys: the one-line text form, the wire-format blob and the fingerprint."""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

# Key types git can sign with through ssh-keygen. DSA is left out on purpose: OpenSSH
# has deprecated it and no longer builds it by default.
ED25519 = "ssh-ed25519"
RSA = "ssh-rsa"
SK_ED25519 = "sk-ssh-ed25519@openssh.com"
SK_ECDSA_P256 = "sk-ecdsa-sha2-nistp256@openssh.com"
_ECDSA_CURVES = {
    "ecdsa-sha2-nistp256": ("nistp256", 32),
    "ecdsa-sha2-nistp384": ("nistp384", 48),
    "ecdsa-sha2-nistp521": ("nistp521", 66),
}
SUPPORTED_KEY_TYPES = frozenset({ED25519, RSA, SK_ED25519, SK_ECDSA_P256, *_ECDSA_CURVES})

# OpenSSH refuses to load smaller RSA keys (SSH_RSA_MINIMUM_MODULUS_SIZE).
RSA_MINIMUM_BITS = 1024


@dataclass(frozen=True)
class SshPublicKey:
    """An OpenSSH public key: its type, its wire-format blob and its SHA256 fingerprint."""

    key_type: str
    blob: bytes
    fingerprint: str

    @property
    def openssh(self) -> str:
        """The key as ``<type> <base64>``, the form used in allowed_signers files."""
        return f"{self.key_type} {base64.b64encode(self.blob).decode('ascii')}"


class SshWireReader:
    """Reads the SSH wire encoding (RFC 4251 section 5) and refuses anything truncated.

    Every method raises ValueError when the data runs out; ``expect_end`` raises when
    data is left over, because trailing bytes would let two encodings mean one key.
    """

    def __init__(self, data: bytes, what: str) -> None:
        self._data = data
        self._pos = 0
        self._what = what

    def read_bytes(self, length: int) -> bytes:
        """Read exactly ``length`` raw bytes."""
        end = self._pos + length
        if end > len(self._data):
            raise ValueError(f"{self._what} is truncated")
        chunk = self._data[self._pos : end]
        self._pos = end
        return chunk

    def read_uint32(self) -> int:
        """Read a big-endian unsigned 32-bit integer."""
        value: int = struct.unpack(">I", self.read_bytes(4))[0]
        return value

    def read_string(self) -> bytes:
        """Read a length-prefixed byte string."""
        return self.read_bytes(self.read_uint32())

    def read_text(self) -> str:
        """Read a length-prefixed ASCII string (algorithm and curve names)."""
        raw = self.read_string()
        try:
            return raw.decode("ascii")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{self._what} holds a name that is not ASCII") from exc

    def read_positive_mpint(self) -> int:
        """Read a positive multi-precision integer in its minimal encoding."""
        raw = self.read_string()
        if not raw or raw[0] & 0x80:
            raise ValueError(f"{self._what} holds a zero or negative integer")
        # A leading zero byte is only allowed to keep the sign bit clear.
        if raw[0] == 0 and (len(raw) == 1 or not raw[1] & 0x80):
            raise ValueError(f"{self._what} holds an integer that is not minimally encoded")
        return int.from_bytes(raw, "big")

    def expect_end(self) -> None:
        """Fail if any bytes are left unread."""
        if self._pos != len(self._data):
            raise ValueError(f"{self._what} has {len(self._data) - self._pos} trailing bytes")


def ssh_fingerprint(blob: bytes) -> str:
    """OpenSSH's SHA256 fingerprint of a key blob, as ``ssh-keygen -lf`` prints it."""
    digest = hashlib.sha256(blob).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def ssh_public_key_from_blob(blob: bytes) -> SshPublicKey:
    """Check a wire-format public key blob and describe it.

    Raises ValueError if the blob is not a well-formed key of a supported type.
    """
    reader = SshWireReader(blob, "SSH public key")
    key_type = reader.read_text()
    if key_type not in SUPPORTED_KEY_TYPES:
        if "-cert-" in key_type:
            raise ValueError(f"SSH certificates are not supported ({key_type})")
        raise ValueError(f"unsupported SSH key type {key_type!r}")
    _check_key_body(key_type, reader)
    reader.expect_end()
    return SshPublicKey(key_type=key_type, blob=blob, fingerprint=ssh_fingerprint(blob))


def parse_ssh_public_key(line: str) -> SshPublicKey:
    """Parse an OpenSSH public key line such as ``ssh-ed25519 AAAA... alice@laptop``.

    The comment is ignored. Raises ValueError with a readable message if the line is
    not a well-formed key of a supported type.
    """
    parts = line.strip().split(maxsplit=2)
    if len(parts) < 2:
        raise ValueError(
            "an SSH public key needs a type and base64 data, like 'ssh-ed25519 AAAA...'"
        )
    key_type, encoded = parts[0], parts[1]
    try:
        blob = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"the {key_type} key data is not valid base64") from exc
    key = ssh_public_key_from_blob(blob)
    if key.key_type != key_type:
        raise ValueError(f"the line says {key_type} but the key data is {key.key_type}")
    return key


def _check_key_body(key_type: str, reader: SshWireReader) -> None:
    """Read the type-specific fields that follow the key type name."""
    if key_type in (ED25519, SK_ED25519):
        if len(reader.read_string()) != 32:
            raise ValueError("an Ed25519 public key must be 32 bytes")
    elif key_type == RSA:
        exponent = reader.read_positive_mpint()
        modulus = reader.read_positive_mpint()
        if exponent < 3 or exponent % 2 == 0:
            raise ValueError("the RSA public exponent is not valid")
        if modulus.bit_length() < RSA_MINIMUM_BITS:
            raise ValueError(
                f"the RSA key has {modulus.bit_length()} bits; at least {RSA_MINIMUM_BITS} "
                "are required"
            )
    else:
        plain_type = "ecdsa-sha2-nistp256" if key_type == SK_ECDSA_P256 else key_type
        curve, coordinate_size = _ECDSA_CURVES[plain_type]
        if reader.read_text() != curve:
            raise ValueError(f"the {key_type} key names the wrong curve")
        point = reader.read_string()
        # OpenSSH only writes uncompressed points: 0x04 || X || Y.
        if len(point) != 1 + 2 * coordinate_size or point[0] != 4:
            raise ValueError(f"the {key_type} key does not hold an uncompressed curve point")
    if key_type in (SK_ED25519, SK_ECDSA_P256):
        reader.read_string()  # the FIDO application, usually "ssh:"
