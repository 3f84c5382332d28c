"""OpenSSH public keys, re-exported from `documents.ssh_keys`.

The parsing is pure and lives in `documents/` so that a Person's keys are checked when the
document is validated (DESIGN §3: a key that cannot be parsed is an error).
"""

from __future__ import annotations

from govern_as_code.documents.ssh_keys import (
    ED25519,
    RSA,
    RSA_MINIMUM_BITS,
    SK_ECDSA_P256,
    SK_ED25519,
    SUPPORTED_KEY_TYPES,
    SshPublicKey,
    SshWireReader,
    parse_ssh_public_key,
    ssh_fingerprint,
    ssh_public_key_from_blob,
)

__all__ = [
    "ED25519",
    "RSA",
    "RSA_MINIMUM_BITS",
    "SK_ECDSA_P256",
    "SK_ED25519",
    "SUPPORTED_KEY_TYPES",
    "SshPublicKey",
    "SshWireReader",
    "parse_ssh_public_key",
    "ssh_fingerprint",
    "ssh_public_key_from_blob",
]
