"""A Person's signing keys are checked when the document is validated (DESIGN §3).

A key that cannot be parsed, or a fingerprint that disagrees with its key, is a schema error
with its line, never a key that is dropped in silence.
"""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from repo_helpers import H, git
from signing_helpers import GpgKey, SshKey, gpg_env, gpg_home, make_gpg_key, make_ssh_key

from govern_as_code.cli.main import cli
from govern_as_code.documents.key_identity import key_fingerprint
from govern_as_code.documents.openpgp_keys import parse_openpgp_public_key


@pytest.fixture(scope="module")
def gpg_key() -> Iterator[GpgKey]:
    with gpg_home() as home:
        yield make_gpg_key(home, "Bob Brown", "bob@acme.example")


@pytest.fixture(scope="module")
def ssh_key(tmp_path_factory: pytest.TempPathFactory) -> SshKey:
    return make_ssh_key(tmp_path_factory.mktemp("keys"), "alice")


def person(keys_yaml: str) -> str:
    return (
        H + "kind: Person\nmetadata:\n  id: alice\nspec:\n  name: Alice\n"
        "  email: alice@example.com\n  department: risk\n  keys:\n" + keys_yaml
    )


def validate(root: Path, files: dict[str, str]) -> tuple[int, str]:
    files = {
        "governance.yaml": H + "kind: Portfolio\nmetadata:\n  id: acme\n",
        **files,
    }
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, "utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-gpg-sign", "-m", "portfolio")
    result = CliRunner().invoke(cli, ["validate", "--repo", str(root)])
    return result.exit_code, result.stdout


def indent(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line + "\n" for line in text.strip().splitlines())


def test_an_ssh_key_that_does_not_parse_is_a_schema_error_with_its_line(tmp_path: Path) -> None:
    code, out = validate(
        tmp_path,
        {
            "people/alice.yaml": person(
                "    - type: ssh\n      publicKey: ssh-ed25519 AAAAnotakey\n"
            )
        },
    )
    assert code == 1
    assert out.splitlines()[0] == (
        "people/alice.yaml:10:7: error schema: spec.keys.0: publicKey is not a valid ssh public"
        " key: the ssh-ed25519 key data is not valid base64; paste the key as `ssh-keygen -y -f"
        " KEY` prints it"
    )


def test_an_ssh_key_of_the_wrong_length_is_refused(tmp_path: Path) -> None:
    blob = base64.b64encode(b"\0\0\0\x0bssh-ed25519\0\0\0\x04abcd").decode()
    code, out = validate(
        tmp_path,
        {"people/alice.yaml": person(f"    - type: ssh\n      publicKey: ssh-ed25519 {blob}\n")},
    )
    assert code == 1
    assert "an Ed25519 public key must be 32 bytes" in out


def _altered(armored: str) -> str:
    """The armored key with one base64 character of its body changed."""
    lines = armored.strip().splitlines()
    index = next(i for i, line in enumerate(lines) if len(line) > 40)
    line = lines[index]
    lines[index] = line[:20] + ("A" if line[20] != "A" else "B") + line[21:]
    return "\n".join(lines) + "\n"


def test_a_broken_armored_openpgp_key_is_a_schema_error(tmp_path: Path, gpg_key: GpgKey) -> None:
    broken = _altered(gpg_key.armored_public_key)
    code, out = validate(
        tmp_path,
        {
            "people/alice.yaml": person(
                "    - type: openpgp\n      publicKey: |\n" + indent(broken, 8)
            )
        },
    )
    assert code == 1
    assert out.splitlines()[0].startswith(
        "people/alice.yaml:10:7: error schema: spec.keys.0: publicKey is not a valid openpgp"
        " public key: "
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("not a key at all", "an OpenPGP public key starts with"),
        (
            "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQ==\n-----END PGP PUBLIC KEY BLOCK-----",
            "truncated",
        ),
        (
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nAAAA\n-----END PGP PRIVATE KEY BLOCK-----",
            "secret key",
        ),
    ],
)
def test_openpgp_parser_refuses_what_is_not_one_public_key(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_openpgp_public_key(text)


def test_two_keys_in_one_armored_block_are_refused(gpg_key: GpgKey) -> None:
    with gpg_home() as home:
        other = make_gpg_key(home, "Eve", "eve@acme.example")
        both = subprocess_export_both(home, gpg_key, other)
    with pytest.raises(ValueError, match="exactly one OpenPGP public key, found 2"):
        parse_openpgp_public_key(both)


def subprocess_export_both(home: Path, first: GpgKey, second: GpgKey) -> str:
    """One armored block holding two primary keys, as `gpg --export A B` writes it."""
    subprocess.run(
        ["gpg", "--batch", "--import"],
        input=first.armored_public_key.encode(),
        env=gpg_env(home),
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        ["gpg", "--batch", "--armor", "--export", first.fingerprint, second.fingerprint],
        env=gpg_env(home),
        check=True,
        capture_output=True,
    )
    return out.stdout.decode()


def test_the_pure_openpgp_fingerprint_is_gpgs(gpg_key: GpgKey) -> None:
    assert key_fingerprint("openpgp", gpg_key.armored_public_key) == gpg_key.fingerprint


def test_the_ssh_fingerprint_is_ssh_keygens_and_ignores_the_comment(ssh_key: SshKey) -> None:
    kind, data, _ = ssh_key.public_line.split(maxsplit=2)
    assert key_fingerprint("ssh", ssh_key.public_line) == ssh_key.fingerprint
    assert key_fingerprint("ssh", f"{kind} {data} laptop") == ssh_key.fingerprint


def test_a_fingerprint_that_disagrees_with_its_key_is_an_error(
    tmp_path: Path, ssh_key: SshKey, gpg_key: GpgKey
) -> None:
    (tmp_path / "k").mkdir()
    other = make_ssh_key(tmp_path / "k", "other")
    code, out = validate(
        tmp_path / "repo",
        {
            "people/alice.yaml": person(
                f"    - type: ssh\n      publicKey: {ssh_key.public_line}\n"
                f"      fingerprint: {other.fingerprint}\n"
            )
        },
    )
    assert code == 1
    assert out.splitlines()[0] == (
        f"people/alice.yaml:10:7: error schema: spec.keys.0: fingerprint {other.fingerprint!r}"
        f" is not the fingerprint of publicKey ({ssh_key.fingerprint}): correct it or remove it"
    )


def test_a_matching_fingerprint_is_accepted_as_written(tmp_path: Path, gpg_key: GpgKey) -> None:
    spaced = " ".join(gpg_key.fingerprint[i : i + 4] for i in range(0, 40, 4)).lower()
    code, out = validate(
        tmp_path,
        {
            "people/alice.yaml": person(
                "    - type: openpgp\n      publicKey: |\n"
                + indent(gpg_key.armored_public_key, 8)
                + f"      fingerprint: {spaced}\n"
            )
        },
    )
    assert (code, out) == (0, "no problems in 2 documents\n")


def test_an_rsa_ssh_key_parses(tmp_path: Path) -> None:
    key = make_ssh_key(tmp_path, "rsa", "rsa")
    assert key_fingerprint("ssh", key.public_line) == key.fingerprint


def test_a_validity_window_that_ends_before_it_starts_is_an_error(
    tmp_path: Path, ssh_key: SshKey
) -> None:
    code, out = validate(
        tmp_path,
        {
            "people/alice.yaml": person(
                f"    - type: ssh\n      publicKey: {ssh_key.public_line}\n"
                "      validAfter: 2026-02-01T00:00:00Z\n      validBefore: 2026-01-01T00:00:00Z\n"
            )
        },
    )
    assert code == 1
    assert out.splitlines()[0] == (
        "people/alice.yaml:10:7: error schema: spec.keys.0: validBefore must be later than"
        " validAfter"
    )
