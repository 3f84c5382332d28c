"""OpenPGP verification against a throwaway keyring, with keys and commits made by gpg and git."""

from __future__ import annotations

import stat
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from signing_helpers import (
    GpgKey,
    export_gpg_key,
    git_commit,
    gpg_env,
    gpg_home,
    gpg_sign,
    init_repo,
    make_gpg_key,
    make_ssh_key,
    raw_commit,
    revoke_gpg_key,
    ssh_sign,
)

from govern_as_code.evidence.commit_object import SignedCommit, split_signed_commit
from govern_as_code.evidence.openpgp import (
    OpenPgpKeyring,
    openpgp_fingerprint,
    verify_openpgp_signature,
)

PAYLOAD = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nApprove\n"
# Keys are created in the past so tests can also sign "as of" fixed dates after it.
CREATED = "20200101T000000"


@dataclass(frozen=True)
class Keys:
    home: Path
    alice: GpgKey
    bob: GpgKey
    sam: GpgKey  # signs with a subkey
    old: GpgKey  # expired one day after creation
    rita: GpgKey  # revoked
    rita_signature: str  # made over PAYLOAD before the revocation


@pytest.fixture(scope="module")
def keys() -> Iterator[Keys]:
    with gpg_home() as home:
        rita = make_gpg_key(home, "Rita Revoked", "rita@example.org", faked_time=CREATED)
        rita_signature = gpg_sign(rita, PAYLOAD)
        yield Keys(
            home=home,
            alice=make_gpg_key(home, "Alice", "alice@example.org", faked_time=CREATED),
            bob=make_gpg_key(home, "Bob", "bob@example.org", faked_time=CREATED),
            sam=make_gpg_key(
                home, "Sam Subkey", "sam@example.org", signing_subkey=True, faked_time=CREATED
            ),
            old=make_gpg_key(home, "Old", "old@example.org", expire="1d", faked_time=CREATED),
            rita=revoke_gpg_key(rita),
            rita_signature=rita_signature,
        )


def _signed_commit(tmp_path: Path, key: GpgKey, message: str = "Approve\n") -> SignedCommit:
    repo = tmp_path / "repo"
    if not repo.exists():
        init_repo(repo)
    git_commit(repo, message, sign_with=key)
    return split_signed_commit(raw_commit(repo))


def _signature(commit: SignedCommit) -> str:
    assert commit.signature is not None
    return commit.signature


def test_signed_commit_verifies(tmp_path: Path, keys: Keys) -> None:
    commit = _signed_commit(tmp_path, keys.alice)

    check = verify_openpgp_signature(
        commit.payload, _signature(commit), [keys.alice.armored_public_key]
    )

    assert check.valid, check.reason
    assert check.fingerprint == keys.alice.fingerprint
    assert check.primary_fingerprint == keys.alice.fingerprint
    assert check.reason == ""
    assert check.signed_at is not None
    # git signs at the real time (the pinned dates only set the commit headers).
    assert abs(check.signed_at - datetime.now(UTC)) < timedelta(minutes=10)


def test_signed_at_is_the_signature_creation_time(keys: Keys) -> None:
    signature = gpg_sign(keys.alice, PAYLOAD, faked_time="20230405T060708")

    check = verify_openpgp_signature(PAYLOAD, signature, [keys.alice.armored_public_key])

    assert check.valid, check.reason
    assert check.signed_at == datetime(2023, 4, 5, 6, 7, 8, tzinfo=UTC)


def test_payload_altered_by_one_byte_fails(tmp_path: Path, keys: Keys) -> None:
    commit = _signed_commit(tmp_path, keys.alice)
    altered = bytearray(commit.payload)
    altered[len(altered) // 2] ^= 0x01

    check = verify_openpgp_signature(
        bytes(altered), _signature(commit), [keys.alice.armored_public_key]
    )

    assert not check.valid
    assert (check.fingerprint, check.primary_fingerprint, check.signed_at) == (None, None, None)
    assert "bad signature" in check.reason


def test_signer_not_in_trusted_keys_is_invalid(tmp_path: Path, keys: Keys) -> None:
    commit = _signed_commit(tmp_path, keys.alice)

    check = verify_openpgp_signature(
        commit.payload, _signature(commit), [keys.bob.armored_public_key]
    )

    assert not check.valid
    assert check.fingerprint is None
    assert keys.alice.fingerprint in check.reason
    assert "not among the trusted keys" in check.reason


def test_no_trusted_keys_means_nothing_verifies(tmp_path: Path, keys: Keys) -> None:
    commit = _signed_commit(tmp_path, keys.alice)

    assert not verify_openpgp_signature(commit.payload, _signature(commit), []).valid


def test_the_users_keyring_is_never_consulted(
    tmp_path: Path, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Alice's key sits in the GNUPGHOME the environment points at; it must not count.
    monkeypatch.setenv("GNUPGHOME", str(keys.home))
    commit = _signed_commit(tmp_path, keys.alice)

    check = verify_openpgp_signature(
        commit.payload, _signature(commit), [keys.bob.armored_public_key]
    )

    assert not check.valid


def test_commit_by_bob_is_reported_as_bob(tmp_path: Path, keys: Keys) -> None:
    _signed_commit(tmp_path, keys.alice, "By Alice\n")
    commit = _signed_commit(tmp_path, keys.bob, "By Bob\n")
    trusted = [keys.alice.armored_public_key, keys.bob.armored_public_key]

    check = verify_openpgp_signature(commit.payload, _signature(commit), trusted)

    assert check.valid
    assert check.primary_fingerprint == keys.bob.fingerprint
    assert check.primary_fingerprint != keys.alice.fingerprint


def test_subkey_signature_names_subkey_and_primary(tmp_path: Path, keys: Keys) -> None:
    commit = _signed_commit(tmp_path, keys.sam)

    check = verify_openpgp_signature(
        commit.payload, _signature(commit), [keys.sam.armored_public_key]
    )

    assert check.valid, check.reason
    assert check.fingerprint == keys.sam.signing_fingerprint
    assert check.primary_fingerprint == keys.sam.fingerprint
    assert check.fingerprint != check.primary_fingerprint


def test_key_that_expired_after_signing_made_a_valid_signature(keys: Keys) -> None:
    # Signed while the key was still valid; gpg reports EXPKEYSIG today, but DESIGN §2.3
    # asks for validity at the signature's time.
    signature = gpg_sign(keys.old, PAYLOAD, faked_time="20200101T010000")

    check = verify_openpgp_signature(PAYLOAD, signature, [keys.old.armored_public_key])

    assert check.valid, check.reason
    assert check.primary_fingerprint == keys.old.fingerprint
    assert check.signed_at == datetime(2020, 1, 1, 1, 0, tzinfo=UTC)


def test_signature_made_after_the_key_expired_is_invalid() -> None:
    # gpg will not sign with an expired key, so sign first and then give the key an expiry
    # date (a newer self-signature, made earlier in faked time) that falls before it.
    with gpg_home() as home:
        key = make_gpg_key(home, "Late", "late@example.org", faked_time=CREATED)
        signature = gpg_sign(key, PAYLOAD, faked_time="20200110T000000")
        subprocess.run(
            ["gpg", "--homedir", str(home), "--batch", "--pinentry-mode", "loopback",
             "--passphrase", "", "--faked-system-time", "20200101T010000",
             "--quick-set-expire", key.fingerprint, "1d"],
            check=True, capture_output=True,
        )  # fmt: skip
        public = export_gpg_key(home, key.fingerprint)

    check = verify_openpgp_signature(PAYLOAD, signature, [public])

    assert not check.valid
    assert check.reason == f"signed by key {key.fingerprint} after it expired"


def test_revoked_key_is_invalid(keys: Keys) -> None:
    check = verify_openpgp_signature(PAYLOAD, keys.rita_signature, [keys.rita.armored_public_key])

    assert not check.valid
    assert "revoked" in check.reason


def test_two_signatures_in_one_block_are_refused(keys: Keys) -> None:
    signature = gpg_sign(keys.alice, PAYLOAD, co_signers=[keys.bob])
    trusted = [keys.alice.armored_public_key, keys.bob.armored_public_key]

    check = verify_openpgp_signature(PAYLOAD, signature, trusted)

    assert not check.valid
    assert "2 signatures" in check.reason


def test_inline_signed_message_posing_as_a_signature_is_refused(keys: Keys) -> None:
    # A signed message carries its own content; gpg must not check that instead.
    inline = _inline_signed(keys.alice, b"something else entirely\n")

    check = verify_openpgp_signature(PAYLOAD, inline, [keys.alice.armored_public_key])

    assert not check.valid
    assert check.fingerprint is None


def _inline_signed(key: GpgKey, data: bytes) -> str:
    result = subprocess.run(
        ["gpg", "--homedir", str(key.home), "--batch", "--pinentry-mode", "loopback",
         "--passphrase", "", "--local-user", key.fingerprint + "!", "--armor", "--sign"],
        input=data, capture_output=True, check=True, env=gpg_env(key.home),
    )  # fmt: skip
    return result.stdout.decode().replace("PGP MESSAGE", "PGP SIGNATURE")


@pytest.mark.parametrize(
    "armored", [pytest.param("", id="empty"), pytest.param("garbage\n", id="garbage")]
)
def test_malformed_signature_is_invalid(keys: Keys, armored: str) -> None:
    check = verify_openpgp_signature(PAYLOAD, armored, [keys.alice.armored_public_key])

    assert not check.valid
    assert check.reason.startswith("no OpenPGP signature found")


def test_ssh_signature_is_not_an_openpgp_signature(tmp_path: Path, keys: Keys) -> None:
    ssh_signature = ssh_sign(make_ssh_key(tmp_path, "alice"), PAYLOAD)

    check = verify_openpgp_signature(PAYLOAD, ssh_signature, [keys.alice.armored_public_key])

    assert not check.valid


def test_keyring_imports_once_and_verifies_many(tmp_path: Path, keys: Keys) -> None:
    commits = [
        _signed_commit(tmp_path, keys.alice, "One\n"),
        _signed_commit(tmp_path, keys.bob, "Two\n"),
        _signed_commit(tmp_path, keys.sam, "Three\n"),
    ]
    trusted = [keys.alice.armored_public_key, keys.bob.armored_public_key]

    with OpenPgpKeyring(trusted) as keyring:
        home = keyring.home
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        assert keyring.primary_fingerprints == {keys.alice.fingerprint, keys.bob.fingerprint}
        checks = [keyring.verify(c.payload, _signature(c)) for c in commits]
        leftovers = sorted(path.name for path in home.iterdir() if path.suffix == ".asc")

    assert [c.valid for c in checks] == [True, True, False]
    assert [c.primary_fingerprint for c in checks[:2]] == [
        keys.alice.fingerprint,
        keys.bob.fingerprint,
    ]
    assert leftovers == []
    assert not home.exists()


def test_keyring_refuses_a_key_it_cannot_import(keys: Keys) -> None:
    garbage = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnope\n-----END PGP PUBLIC KEY BLOCK-----\n"

    with pytest.raises(ValueError, match="#2 could not be imported"):
        OpenPgpKeyring([keys.alice.armored_public_key, garbage])


def test_openpgp_fingerprint_matches_gpg(keys: Keys) -> None:
    assert openpgp_fingerprint(keys.alice.armored_public_key) == keys.alice.fingerprint
    assert openpgp_fingerprint(keys.sam.armored_public_key) == keys.sam.fingerprint


@pytest.mark.parametrize("which", ["garbage", "two-keys"])
def test_openpgp_fingerprint_wants_exactly_one_key(keys: Keys, which: str) -> None:
    text = (
        "not a key"
        if which == "garbage"
        else keys.alice.armored_public_key + keys.bob.armored_public_key
    )

    with pytest.raises(ValueError, match="exactly one OpenPGP public key"):
        openpgp_fingerprint(text)
