"""The fingerprint of a Person's signing key, as signature verification reports it.

One function for every layer, so that validation, the trust root and the evidence agree on
which key is which: an SSH key's `SHA256:…` fingerprint (the comment never counts) and an
OpenPGP key's primary fingerprint in uppercase hex.
"""

from __future__ import annotations

import functools

from govern_as_code.documents.openpgp_keys import parse_openpgp_public_key
from govern_as_code.documents.ssh_keys import parse_ssh_public_key


@functools.lru_cache(maxsize=8192)
def key_fingerprint(key_type: str, public_key: str) -> str:
    """The key's fingerprint; raises ValueError saying why a key cannot be parsed."""
    if key_type == "ssh":
        return parse_ssh_public_key(public_key).fingerprint
    if key_type == "openpgp":
        return parse_openpgp_public_key(public_key).fingerprint
    raise ValueError(f"unknown key type {key_type!r}: use ssh or openpgp")


def normalise_fingerprint(key_type: str, written: str) -> str:
    """A fingerprint as a person may write it (OpenPGP with spaces, any case), normalised."""
    if key_type == "openpgp":
        return "".join(written.split()).upper()
    return written.strip()


def same_key(fingerprint: str) -> str:
    """A fingerprint in the one form keys are compared in: SSH's base64 is case-sensitive,
    OpenPGP's hex is not (gpg prints it in upper case)."""
    return fingerprint if fingerprint.startswith("SHA256:") else fingerprint.upper()
