"""Verify an SSH signature (SSHSIG, as ``git commit -S`` with gpg.format=ssh makes) in-process.

The answer is "is this a valid signature for the namespace, and by which key"; whether
that key belongs to the right person is the caller's question.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sshsig

from govern_as_code.documents.ssh_keys import (
    ED25519,
    RSA,
    SshPublicKey,
    SshWireReader,
    ssh_public_key_from_blob,
)
from govern_as_code.errors import GovernError

ARMOR_BEGIN = "-----BEGIN SSH SIGNATURE-----"
ARMOR_END = "-----END SSH SIGNATURE-----"
_MAGIC = b"SSHSIG"
_VERSION = 1
# The only digests OpenSSH signs or accepts; the sshsig package would take any hashlib name.
_HASH_ALGORITHMS = frozenset({"sha256", "sha512"})
_RSA_SIGNATURE_ALGORITHMS = frozenset({"rsa-sha2-256", "rsa-sha2-512"})
_IN_PROCESS_KEY_TYPES = frozenset({ED25519, RSA})
_NAMESPACE_PATTERN = re.compile(r"[A-Za-z0-9@._+-]+")
_FALLBACK_PRINCIPAL = "signer@govern-as-code.invalid"
_SSH_KEYGEN_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class SshSignatureCheck:
    """The outcome of checking one SSH signature.

    ``fingerprint`` is set only when ``valid`` is true, so it can never be mistaken for
    the signer of a signature that does not hold. ``key_type`` is the type of the key the
    signature claims, when the signature could be read at all. ``reason`` is empty when
    valid and says why not otherwise.
    """

    valid: bool
    fingerprint: str | None
    key_type: str | None
    reason: str


@dataclass(frozen=True)
class SshSignatureEnvelope:
    """The fields of a decoded SSHSIG blob (OpenSSH's PROTOCOL.sshsig)."""

    public_key: SshPublicKey
    namespace: str
    hash_algorithm: str
    signature: bytes  # string signature-algorithm || string raw-signature
    raw: bytes


def dearmor_ssh_signature(armored: str) -> bytes:
    """Decode the base64 body of an ``-----BEGIN SSH SIGNATURE-----`` block.

    Raises ValueError if the armor is not exactly one such block.
    """
    lines = armored.rstrip().split("\n")
    if len(lines) < 3 or lines[0] != ARMOR_BEGIN or lines[-1] != ARMOR_END:
        raise ValueError(f"not a single {ARMOR_BEGIN} ... {ARMOR_END} block")
    body = "".join(lines[1:-1])
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the signature body is not valid base64") from exc


def armor_ssh_signature(raw: bytes) -> str:
    """Armor an SSHSIG blob the way ssh-keygen writes it (76-column base64 lines)."""
    encoded = base64.b64encode(raw).decode("ascii")
    lines = [encoded[i : i + 76] for i in range(0, len(encoded), 76)]
    return "\n".join([ARMOR_BEGIN, *lines, ARMOR_END]) + "\n"


def parse_ssh_signature(armored: str) -> SshSignatureEnvelope:
    """Decode an armored SSHSIG signature strictly, without checking it.

    Raises ValueError for bad armor, a wrong magic or version, an unsupported or
    malformed embedded key, truncation or trailing data.
    """
    raw = dearmor_ssh_signature(armored)
    reader = SshWireReader(raw, "SSH signature")
    if reader.read_bytes(len(_MAGIC)) != _MAGIC:
        raise ValueError("the signature does not start with the SSHSIG magic")
    version = reader.read_uint32()
    if version != _VERSION:
        raise ValueError(f"unsupported SSHSIG version {version}")
    public_key = ssh_public_key_from_blob(reader.read_string())
    namespace = reader.read_text()
    reader.read_string()  # reserved; OpenSSH ignores its content too
    hash_algorithm = reader.read_text()
    signature = reader.read_string()
    reader.expect_end()
    return SshSignatureEnvelope(
        public_key=public_key,
        namespace=namespace,
        hash_algorithm=hash_algorithm,
        signature=signature,
        raw=raw,
    )


def verify_ssh_signature(payload: bytes, armored: str, namespace: str = "git") -> SshSignatureCheck:
    """Check that ``armored`` is a valid SSHSIG signature of ``payload`` for ``namespace``.

    Ed25519 and RSA keys are checked in-process; other key types (ECDSA, FIDO ``sk-``)
    go through ``ssh-keygen -Y verify`` with an allowed_signers file that holds only the
    embedded key. Raises ValueError for an unusable ``namespace`` argument and
    GovernError when ssh-keygen is needed but cannot run.
    """
    if not _NAMESPACE_PATTERN.fullmatch(namespace):
        raise ValueError(f"unusable SSH signature namespace {namespace!r}")
    try:
        envelope = parse_ssh_signature(armored)
    except ValueError as exc:
        return SshSignatureCheck(False, None, None, f"malformed SSH signature: {exc}")
    key_type = envelope.public_key.key_type
    problem = _envelope_problem(envelope, namespace)
    if problem:
        return SshSignatureCheck(False, None, key_type, problem)
    if key_type in _IN_PROCESS_KEY_TYPES:
        problem = _check_in_process(payload, envelope, namespace)
    else:
        problem = _check_with_ssh_keygen(payload, envelope, namespace)
    if problem:
        claimed = envelope.public_key.fingerprint
        return SshSignatureCheck(False, None, key_type, f"{problem} (key {claimed})")
    return SshSignatureCheck(True, envelope.public_key.fingerprint, key_type, "")


def _envelope_problem(envelope: SshSignatureEnvelope, namespace: str) -> str:
    """Checks that do not need the payload; empty when there is no problem."""
    if envelope.namespace != namespace:
        return f"the signature was made for namespace {envelope.namespace!r}, not {namespace!r}"
    if envelope.hash_algorithm not in _HASH_ALGORITHMS:
        return f"the signature uses unsupported hash {envelope.hash_algorithm!r}"
    return ""


def _check_in_process(payload: bytes, envelope: SshSignatureEnvelope, namespace: str) -> str:
    """Verify an Ed25519 or RSA signature with the sshsig package; empty when valid."""
    problem = _signature_blob_problem(envelope)
    if problem:
        return problem
    # Hand sshsig a canonical re-armoring of the blob we already validated, so its more
    # lenient armor and wire parsing sees exactly the bytes we checked.
    try:
        signer = sshsig.check_signature(payload, armor_ssh_signature(envelope.raw), namespace)
    except sshsig.InvalidSignature:
        return "the signature does not match the signed content"
    except (NotImplementedError, ValueError) as exc:
        return f"the signature cannot be checked: {exc}"
    signer_blob = base64.b64decode(signer.openssh_str().split()[1])
    if signer_blob != envelope.public_key.blob:
        return "the verified key differs from the embedded key"
    return ""


def _signature_blob_problem(envelope: SshSignatureEnvelope) -> str:
    """Check the inner signature encoding; sshsig only asserts on it."""
    reader = SshWireReader(envelope.signature, "signature value")
    try:
        algorithm = reader.read_text()
        raw_signature = reader.read_string()
        reader.expect_end()
    except ValueError as exc:
        return f"malformed SSH signature: {exc}"
    if envelope.public_key.key_type == ED25519:
        if algorithm != ED25519 or len(raw_signature) != 64:
            return "the Ed25519 signature value is malformed"
    elif algorithm not in _RSA_SIGNATURE_ALGORITHMS:
        return f"the RSA signature uses unsupported algorithm {algorithm!r}"
    return ""


def _check_with_ssh_keygen(payload: bytes, envelope: SshSignatureEnvelope, namespace: str) -> str:
    """Verify with ``ssh-keygen -Y verify``; the only subprocess here. Empty when valid."""
    with tempfile.TemporaryDirectory(prefix="gac-sshsig-") as tmp:
        allowed_signers = Path(tmp) / "allowed_signers"
        allowed_signers.write_text(
            f'{_FALLBACK_PRINCIPAL} namespaces="{namespace}" {envelope.public_key.openssh}\n',
            encoding="ascii",
        )
        signature_file = Path(tmp) / "signature"
        signature_file.write_text(armor_ssh_signature(envelope.raw), encoding="ascii")
        command = [
            "ssh-keygen", "-Y", "verify",
            "-f", str(allowed_signers),
            "-I", _FALLBACK_PRINCIPAL,
            "-n", namespace,
            "-s", str(signature_file),
        ]  # fmt: skip
        try:
            result = subprocess.run(
                command,
                input=payload,
                capture_output=True,
                timeout=_SSH_KEYGEN_TIMEOUT_SECONDS,
                check=False,
                env={**os.environ, "LC_ALL": "C"},
            )
        except FileNotFoundError as exc:
            raise GovernError(
                f"ssh-keygen is needed to check {envelope.public_key.key_type} signatures "
                "but is not installed (or not on PATH)",
                fix="install the OpenSSH client tools (e.g. apt-get install openssh-client;"
                " macOS ships them)",
            ) from exc
        except subprocess.TimeoutExpired as exc:
            raise GovernError("ssh-keygen did not answer while checking a signature") from exc
    if result.returncode == 0:
        return ""
    detail = _one_line(result.stderr) or _one_line(result.stdout)
    return f"ssh-keygen rejected the signature: {detail or 'no reason given'}"


def _one_line(output: bytes) -> str:
    lines = output.decode("utf-8", errors="replace").splitlines()
    return "; ".join(line.strip() for line in lines if line.strip())
