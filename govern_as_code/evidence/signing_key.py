"""Which key git would sign with, and whether it is one of the reviewer's trusted keys.

`gac approve` asks this before it writes anything: a commit signed with a key the trusted
base does not list for the reviewer never counts, and finding that out in CI, after the
push, is too late. The key is read from git's own settings (`gpg.format`,
`user.signingkey`) the way git reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes

from govern_as_code.documents.kinds import PersonDocument
from govern_as_code.documents.ssh_keys import parse_ssh_public_key
from govern_as_code.errors import GovernError
from govern_as_code.evidence.openpgp import openpgp_key_fingerprints
from govern_as_code.git import Repository

_HEX_KEY_ID = re.compile(
    r"(?:0x)?([0-9A-Fa-f]{8}|[0-9A-Fa-f]{16}|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})!?"
)


@dataclass(frozen=True)
class SigningSetup:
    """git's signing format and key, as `user.signingkey` names it."""

    format: str  # "ssh" or "openpgp"
    key: str

    def describe(self) -> str:
        return f"the {self.format} key {self.key!r} (git config user.signingkey)"


def signing_setup(repo: Repository) -> SigningSetup:
    """The user's git signing setup; refuses one that could not make a verifiable commit."""
    key = repo.config("user.signingkey")
    if not key:
        raise GovernError(
            "git has no signing key set up, and an unsigned approval counts for nothing",
            "set one: git config user.signingkey ~/.ssh/id_ed25519.pub &&"
            " git config gpg.format ssh (or an OpenPGP key id with gpg.format openpgp)",
        )
    signing_format = (repo.config("gpg.format") or "openpgp").lower()
    if signing_format not in ("ssh", "openpgp"):
        raise GovernError(
            f"git is set to sign with {signing_format} (gpg.format), which the gate cannot verify",
            "sign with ssh or openpgp: git config gpg.format ssh",
        )
    return SigningSetup(signing_format, key)


def check_signing_key(setup: SigningSetup, reviewer: PersonDocument, repo: Repository) -> None:
    """Refuse (GovernError) unless git would sign with one of `reviewer`'s trusted keys."""
    person = reviewer.metadata.id
    listed = ", ".join(_listed_keys(reviewer, setup.format)) or "none"
    fix = (
        f"set git config user.signingkey to one of {person}'s {setup.format} keys in the"
        f" trusted base ({listed}), or have that key added to {person}'s Person document"
        " on the default branch first"
    )
    if setup.format == "ssh":
        fingerprint = _ssh_fingerprint(setup.key, repo.root)
        wanted = {
            parse_ssh_public_key(k.publicKey).fingerprint
            for k in reviewer.spec.keys
            if k.type == "ssh" and _parses(k.publicKey)
        }
        if fingerprint not in wanted:
            raise GovernError(
                f"git would sign with {setup.describe()}, fingerprint {fingerprint}, which the"
                f" trusted base does not list for {person}",
                fix,
            )
        return
    match = _HEX_KEY_ID.fullmatch(setup.key.strip())
    if match is None:
        raise GovernError(
            f"git would sign with {setup.describe()}, which is not a key id or fingerprint,"
            " so gac cannot tell whether it is one of your trusted keys",
            "set user.signingkey to your key's full fingerprint (gpg --list-secret-keys"
            " --keyid-format long)",
        )
    key_id = match.group(1).upper()
    for k in reviewer.spec.keys:
        if k.type != "openpgp":
            continue
        try:
            fingerprints = openpgp_key_fingerprints(k.publicKey)
        except ValueError:
            continue
        if any(fp.endswith(key_id) for fp in fingerprints):
            return
    raise GovernError(
        f"git would sign with {setup.describe()}, which the trusted base does not list"
        f" for {person}",
        fix,
    )


def _ssh_fingerprint(key: str, root: Path) -> str:
    """The fingerprint of the ssh key `user.signingkey` names: `key::` literal or a file."""
    if key.startswith("key::"):
        return _fingerprint_of_line(key.removeprefix("key::"), "user.signingkey")
    if key.startswith(("ssh-", "ecdsa-", "sk-")):  # git accepts a bare literal too
        return _fingerprint_of_line(key, "user.signingkey")
    path = Path(key).expanduser()
    path = path if path.is_absolute() else root / path
    try:
        data = path.read_bytes()
    except OSError as e:
        raise GovernError(
            f"cannot read the signing key file {path} named by git config user.signingkey:"
            f" {e.strerror}",
            "point user.signingkey at your public key file (e.g. ~/.ssh/id_ed25519.pub)",
        ) from e
    text = data.decode("utf-8", "replace").strip()
    if not text.startswith("-----BEGIN"):
        return _fingerprint_of_line(text.splitlines()[0] if text else "", str(path))
    fingerprint = _fingerprint_of_private(data) or _sibling_fingerprint(path)
    if fingerprint is None:
        raise GovernError(
            f"cannot tell which public key the private key {path} holds (it is protected by a"
            " passphrase and has no .pub file beside it)",
            "point git config user.signingkey at the public key file instead",
        )
    return fingerprint


def _fingerprint_of_private(data: bytes) -> str | None:
    """The public key's fingerprint of an unencrypted OpenSSH private key; None otherwise."""
    try:
        private = serialization.load_ssh_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return None
    public: PublicKeyTypes = private.public_key()
    line = public.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    return parse_ssh_public_key(line.decode("ascii")).fingerprint


def _sibling_fingerprint(path: Path) -> str | None:
    sibling = path.with_name(path.name + ".pub")
    try:
        return parse_ssh_public_key(sibling.read_text("utf-8").strip()).fingerprint
    except (OSError, ValueError):
        return None


def _fingerprint_of_line(line: str, where: str) -> str:
    try:
        return parse_ssh_public_key(line).fingerprint
    except ValueError as e:
        raise GovernError(
            f"the ssh signing key in {where} cannot be read: {e}",
            "point git config user.signingkey at your public key file (~/.ssh/id_ed25519.pub)",
        ) from e


def _parses(line: str) -> bool:
    try:
        parse_ssh_public_key(line)
    except ValueError:
        return False
    return True


def _listed_keys(person: PersonDocument, key_type: str) -> list[str]:
    found = []
    for key in person.spec.keys:
        if key.type != key_type:
            continue
        try:
            found.append(
                parse_ssh_public_key(key.publicKey).fingerprint
                if key_type == "ssh"
                else openpgp_key_fingerprints(key.publicKey)[0]
            )
        except ValueError:
            continue
    return found
