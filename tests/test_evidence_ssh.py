"""SSH keys and SSHSIG verification against keys and commits made by the real tools."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import pytest
from signing_helpers import (
    SshKey,
    build_sshsig,
    git,
    git_commit,
    init_repo,
    make_ssh_key,
    raw_commit,
    ssh_sign,
    ssh_string,
    sshsig_sign_in_process,
)

from govern_as_code.documents.ssh_keys import parse_ssh_public_key, ssh_public_key_from_blob
from govern_as_code.evidence.commit_object import SignedCommit, split_signed_commit
from govern_as_code.evidence.ssh import parse_ssh_signature, verify_ssh_signature

KEY_TYPES = {
    "ed25519": "ssh-ed25519",
    "rsa": "ssh-rsa",
    "ecdsa": "ecdsa-sha2-nistp256",
}


def _signed_commit(tmp_path: Path, key: SshKey, message: str = "Sign off\n") -> SignedCommit:
    repo = tmp_path / "repo"
    if not repo.exists():
        init_repo(repo)
    git_commit(repo, message, sign_with=key)
    return split_signed_commit(raw_commit(repo))


def _signature(commit: SignedCommit) -> str:
    assert commit.signature is not None
    return commit.signature


def _flip_one_byte(data: bytes, index: int) -> bytes:
    altered = bytearray(data)
    altered[index] ^= 0x01
    return bytes(altered)


# --- public keys -------------------------------------------------------------------------


@pytest.mark.parametrize("key_type", sorted(KEY_TYPES))
def test_public_key_fingerprint_matches_ssh_keygen(tmp_path: Path, key_type: str) -> None:
    key = make_ssh_key(tmp_path, "alice", key_type)

    parsed = parse_ssh_public_key(key.public_line)

    assert parsed.key_type == KEY_TYPES[key_type]
    assert parsed.fingerprint == key.fingerprint
    assert parsed.blob == base64.b64decode(key.public_line.split()[1])
    assert key.public_line.startswith(parsed.openssh)


def test_public_key_without_comment_and_with_surrounding_space(tmp_path: Path) -> None:
    key = make_ssh_key(tmp_path, "alice")
    bare = " ".join(key.public_line.split()[:2])

    assert parse_ssh_public_key(f"  {bare}\n").fingerprint == key.fingerprint


def _rsa_blob(exponent: bytes, modulus: bytes) -> bytes:
    return ssh_string(b"ssh-rsa") + ssh_string(exponent) + ssh_string(modulus)


def _line(blob: bytes, key_type: str = "ssh-ed25519") -> str:
    return f"{key_type} {base64.b64encode(blob).decode()}"


ED25519_BLOB = ssh_string(b"ssh-ed25519") + ssh_string(bytes(range(32)))
BIG_MODULUS = b"\x00\xc1" + b"\x11" * 255  # 2048 bits, high bit set so a 0x00 leads


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param("", "needs a type and base64", id="empty"),
        pytest.param("ssh-ed25519", "needs a type and base64", id="type-only"),
        pytest.param("ssh-ed25519 not*base64", "not valid base64", id="bad-base64"),
        pytest.param(_line(ED25519_BLOB, "ssh-rsa"), "says ssh-rsa", id="type-mismatch"),
        pytest.param(_line(ED25519_BLOB[:-3]), "truncated", id="truncated"),
        pytest.param(_line(ED25519_BLOB + b"\x00"), "trailing", id="trailing-bytes"),
        pytest.param(
            _line(ssh_string(b"ssh-ed25519") + ssh_string(b"short")), "32 bytes", id="short-key"
        ),
        pytest.param(
            _line(ssh_string(b"ssh-dss") + ssh_string(b"x"), "ssh-dss"),
            "unsupported SSH key type",
            id="dsa",
        ),
        pytest.param(
            _line(
                ssh_string(b"ssh-ed25519-cert-v01@openssh.com"), "ssh-ed25519-cert-v01@openssh.com"
            ),
            "certificates",
            id="certificate",
        ),
        pytest.param(
            _line(_rsa_blob(b"\x01\x00\x01", b"\x00\xc1" + b"\x11" * 63), "ssh-rsa"),
            "at least 1024",
            id="rsa-512-bits",
        ),
        pytest.param(
            _line(_rsa_blob(b"\x00\x01\x00\x01", BIG_MODULUS), "ssh-rsa"),
            "minimally encoded",
            id="rsa-padded-exponent",
        ),
        pytest.param(
            _line(_rsa_blob(b"\x01\x00\x00", BIG_MODULUS), "ssh-rsa"),
            "exponent",
            id="rsa-even-exponent",
        ),
    ],
)
def test_malformed_public_keys_are_refused(line: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_ssh_public_key(line)


def test_well_formed_rsa_blob_is_accepted() -> None:
    key = ssh_public_key_from_blob(_rsa_blob(b"\x01\x00\x01", BIG_MODULUS))

    assert key.key_type == "ssh-rsa"


# --- signatures on real commits ---------------------------------------------------------


@pytest.mark.parametrize("key_type", sorted(KEY_TYPES))
def test_signed_commit_verifies_with_the_signing_key(tmp_path: Path, key_type: str) -> None:
    key = make_ssh_key(tmp_path, "alice", key_type)
    commit = _signed_commit(tmp_path, key)

    check = verify_ssh_signature(commit.payload, _signature(commit))

    assert check.valid, check.reason
    assert check.fingerprint == key.fingerprint
    assert check.key_type == KEY_TYPES[key_type]
    assert check.reason == ""


@pytest.mark.parametrize("key_type", sorted(KEY_TYPES))
def test_payload_altered_by_one_byte_fails(tmp_path: Path, key_type: str) -> None:
    key = make_ssh_key(tmp_path, "alice", key_type)
    commit = _signed_commit(tmp_path, key, "Approve model churn-v3\n")

    for index in (0, len(commit.payload) // 2, len(commit.payload) - 1):
        check = verify_ssh_signature(_flip_one_byte(commit.payload, index), _signature(commit))
        assert not check.valid
        assert check.fingerprint is None
        assert check.key_type == KEY_TYPES[key_type]
        assert key.fingerprint in check.reason


@pytest.mark.parametrize("key_type", sorted(KEY_TYPES))
def test_signature_for_another_namespace_fails(tmp_path: Path, key_type: str) -> None:
    key = make_ssh_key(tmp_path, "alice", key_type)
    payload = _signed_commit(tmp_path, key).payload
    file_signature = ssh_sign(key, payload, namespace="file")

    check = verify_ssh_signature(payload, file_signature)

    assert not check.valid
    assert check.fingerprint is None
    assert "namespace 'file'" in check.reason
    # The same signature is fine for whoever asks about the "file" namespace.
    assert verify_ssh_signature(payload, file_signature, namespace="file").valid


def test_commit_by_key_b_is_reported_as_key_b(tmp_path: Path) -> None:
    key_a = make_ssh_key(tmp_path, "alice")
    key_b = make_ssh_key(tmp_path, "bob")
    _signed_commit(tmp_path, key_a, "By Alice\n")
    commit = _signed_commit(tmp_path, key_b, "By Bob\n")

    check = verify_ssh_signature(commit.payload, _signature(commit))

    assert check.valid
    assert check.fingerprint == key_b.fingerprint
    assert check.fingerprint != key_a.fingerprint


def test_git_itself_agrees(tmp_path: Path) -> None:
    key = make_ssh_key(tmp_path, "alice")
    commit = _signed_commit(tmp_path, key)
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f"alice@test {key.public_line}\n", encoding="ascii")

    git(tmp_path / "repo", "-c", f"gpg.ssh.allowedSignersFile={allowed}", "verify-commit", "HEAD")

    assert verify_ssh_signature(commit.payload, _signature(commit)).valid


def test_signature_of_a_different_commit_fails(tmp_path: Path) -> None:
    key = make_ssh_key(tmp_path, "alice")
    first = _signed_commit(tmp_path, key, "First\n")
    second = _signed_commit(tmp_path, key, "Second\n")

    assert not verify_ssh_signature(second.payload, _signature(first)).valid


# --- forged and malformed signatures ----------------------------------------------------


def test_embedded_key_swapped_for_another_fails(tmp_path: Path) -> None:
    key_a = make_ssh_key(tmp_path, "alice")
    key_b = make_ssh_key(tmp_path, "bob")
    commit = _signed_commit(tmp_path, key_a)
    envelope = parse_ssh_signature(_signature(commit))
    forged = build_sshsig(
        parse_ssh_public_key(key_b.public_line).blob,
        envelope.namespace,
        envelope.hash_algorithm,
        envelope.signature,
    )

    check = verify_ssh_signature(commit.payload, forged)

    assert not check.valid
    assert check.fingerprint is None
    assert key_b.fingerprint in check.reason


def test_declared_namespace_must_be_the_signed_one(tmp_path: Path) -> None:
    key = make_ssh_key(tmp_path, "alice")
    payload = b"tree ...\n\nmessage\n"
    forged = sshsig_sign_in_process(key, payload, namespace="git", signed_namespace="file")

    assert not verify_ssh_signature(payload, forged).valid


@pytest.mark.parametrize(
    ("hash_algorithm", "valid"),
    [("sha256", True), ("sha512", True), ("sha1", False), ("md5", False)],
)
def test_only_openssh_hash_algorithms_are_accepted(
    tmp_path: Path, hash_algorithm: str, valid: bool
) -> None:
    key = make_ssh_key(tmp_path, "alice")
    payload = b"payload\n"
    signature = sshsig_sign_in_process(key, payload, hash_algorithm=hash_algorithm)

    check = verify_ssh_signature(payload, signature)

    assert check.valid is valid
    if not valid:
        assert f"unsupported hash '{hash_algorithm}'" in check.reason


def _rewrap(signature: str, transform: bytes) -> str:
    """Re-armor the raw SSHSIG bytes of ``signature`` with ``transform`` appended."""
    raw = parse_ssh_signature(signature).raw + transform
    body = base64.b64encode(raw).decode()
    return f"-----BEGIN SSH SIGNATURE-----\n{body}\n-----END SSH SIGNATURE-----\n"


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda s: "", id="empty"),
        pytest.param(lambda s: "not a signature", id="garbage"),
        pytest.param(lambda s: s.replace("-----END SSH SIGNATURE-----", ""), id="no-end"),
        pytest.param(lambda s: s.replace("SSH SIGNATURE", "PGP SIGNATURE"), id="pgp-armor"),
        pytest.param(lambda s: "junk\n" + s, id="text-before-armor"),
        pytest.param(lambda s: s + "-----BEGIN SSH SIGNATURE-----\n", id="two-blocks"),
        pytest.param(lambda s: s.replace("\n", "\n*", 1), id="bad-base64"),
        pytest.param(lambda s: _rewrap(s, b"\x00"), id="trailing-data"),
    ],
)
def test_malformed_signatures_are_invalid_not_errors(
    tmp_path: Path, mangle: Callable[[str], str]
) -> None:
    key = make_ssh_key(tmp_path, "alice")
    payload = b"payload\n"
    signature = ssh_sign(key, payload)

    check = verify_ssh_signature(payload, mangle(signature))

    assert not check.valid
    assert check.fingerprint is None
    assert check.reason.startswith("malformed SSH signature")


def test_wrong_magic_or_version_is_malformed(tmp_path: Path) -> None:
    key = make_ssh_key(tmp_path, "alice")
    envelope = parse_ssh_signature(ssh_sign(key, b"payload\n"))
    blob = envelope.public_key.blob
    args = (blob, "git", envelope.hash_algorithm, envelope.signature)

    assert (
        "magic" in verify_ssh_signature(b"payload\n", build_sshsig(*args, magic=b"SSHSIX")).reason
    )
    assert "version 2" in verify_ssh_signature(b"payload\n", build_sshsig(*args, version=2)).reason


def test_ed25519_signature_value_of_the_wrong_algorithm_is_invalid(tmp_path: Path) -> None:
    key = make_ssh_key(tmp_path, "alice")
    envelope = parse_ssh_signature(ssh_sign(key, b"payload\n"))
    inner = ssh_string(b"rsa-sha2-512") + envelope.signature[4 + len(b"ssh-ed25519") :]
    forged = build_sshsig(envelope.public_key.blob, "git", envelope.hash_algorithm, inner)

    check = verify_ssh_signature(b"payload\n", forged)

    assert not check.valid
    assert "Ed25519 signature value is malformed" in check.reason


def test_unusable_namespace_argument_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="namespace"):
        verify_ssh_signature(b"", "", namespace='git" cert-authority')
