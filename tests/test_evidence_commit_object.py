"""split_signed_commit against commits made by real git, and hand-built edge cases."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from signing_helpers import (
    GpgKey,
    Identity,
    git,
    git_commit,
    git_merge,
    git_tag,
    gpg_env,
    gpg_home,
    init_repo,
    make_gpg_key,
    make_ssh_key,
    raw_commit,
    rev_parse,
)

from govern_as_code.evidence.commit_object import split_signed_commit

TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
PARENT = "2f654173ff285297bcec88fa0db4497d1aca9af0"
TREE_256 = "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321"
IDENT = b"Ada <ada@example.org> 1709290800 +0100"


@pytest.fixture(scope="module")
def gpg_key() -> Iterator[GpgKey]:
    with gpg_home() as home:
        yield make_gpg_key(home, "Olga OpenPGP", "olga@example.org")


def _raw(*headers: bytes, message: bytes = b"Message\n") -> bytes:
    base = [b"tree " + TREE.encode(), b"author " + IDENT, b"committer " + IDENT]
    return b"\n".join([*base, *headers]) + b"\n\n" + message


def _without_signature_headers(raw: bytes) -> bytes:
    """The payload written out independently: drop gpgsig lines and their continuations."""
    head, _, body = raw.partition(b"\n\n")
    kept: list[bytes] = []
    dropping = False
    for line in head.split(b"\n"):
        if line.startswith(b"gpgsig"):
            dropping = True
        elif not (dropping and line.startswith(b" ")):
            dropping = False
            kept.append(line)
    return b"\n".join(kept) + b"\n\n" + body


def _ssh_keygen_accepts(payload: bytes, signature: str, tmp_path: Path) -> bool:
    """Check the split with ssh-keygen itself, independent of the module under test."""
    signature_file = tmp_path / "check.sig"
    signature_file.write_text(signature, encoding="ascii")
    result = subprocess.run(
        ["ssh-keygen", "-Y", "check-novalidate", "-n", "git", "-s", str(signature_file)],
        input=payload,
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


def test_unsigned_commit_has_no_signature_and_parsed_fields(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    first = git_commit(repo, "First\n", files={"a.txt": "a\n"})
    moment = datetime(2023, 7, 14, 9, 30, tzinfo=timezone(-timedelta(hours=7, minutes=30)))
    sha = git_commit(
        repo,
        "Second line one\n\nBody text.\n",
        files={"b.txt": "b\n"},
        date=moment,
        author=Identity("Zoë Writer", "zoe@example.org"),
        committer=Identity("Carl Committer", "carl@example.org"),
    )
    raw = raw_commit(repo, sha)

    commit = split_signed_commit(raw)

    assert commit.signature is None
    assert commit.signature_format is None
    assert commit.payload == raw
    assert commit.tree == rev_parse(repo, f"{sha}^{{tree}}")
    assert commit.parents == (first,)
    assert (commit.author_name, commit.author_email) == ("Zoë Writer", "zoe@example.org")
    assert (commit.committer_name, commit.committer_email) == ("Carl Committer", "carl@example.org")
    assert commit.author_time == moment
    assert commit.author_time.utcoffset() == -timedelta(hours=7, minutes=30)
    assert commit.committer_time == moment
    assert commit.message == "Second line one\n\nBody text.\n"


def test_ssh_signed_commit_payload_is_what_was_signed(tmp_path: Path) -> None:
    key = make_ssh_key(tmp_path, "alice")
    repo = init_repo(tmp_path / "repo")
    git_commit(repo, "Base\n")
    raw = raw_commit(repo, git_commit(repo, "Sign off\n", sign_with=key))

    commit = split_signed_commit(raw)

    assert commit.signature_format == "ssh"
    assert commit.signature is not None
    assert commit.signature.startswith("-----BEGIN SSH SIGNATURE-----\n")
    assert commit.signature.endswith("-----END SSH SIGNATURE-----\n")
    assert not any(line.startswith(" ") for line in commit.signature.splitlines())
    assert commit.payload == _without_signature_headers(raw)
    assert b"gpgsig" not in commit.payload
    assert len(commit.parents) == 1
    assert commit.message == "Sign off\n"
    assert _ssh_keygen_accepts(commit.payload, commit.signature, tmp_path)


def test_openpgp_signed_commit(tmp_path: Path, gpg_key: GpgKey) -> None:
    repo = init_repo(tmp_path / "repo")
    raw = raw_commit(repo, git_commit(repo, "Approve\n", sign_with=gpg_key))

    commit = split_signed_commit(raw)

    assert commit.signature_format == "openpgp"
    assert commit.signature is not None
    assert commit.signature.startswith("-----BEGIN PGP SIGNATURE-----")
    assert commit.payload == _without_signature_headers(raw)
    signature_file = tmp_path / "commit.asc"
    signature_file.write_text(commit.signature, encoding="ascii")
    # gpg itself, in the signer's own home, agrees the payload is what was signed.
    check = subprocess.run(
        ["gpg", "--homedir", str(gpg_key.home), "--batch", "--status-fd", "1",
         "--verify", str(signature_file), "-"],
        input=commit.payload, capture_output=True, check=False, env=gpg_env(gpg_key.home),
    )  # fmt: skip
    assert check.returncode == 0
    assert f"VALIDSIG {gpg_key.fingerprint}".encode() in check.stdout


def test_sha256_repository_signs_in_gpgsig_sha256(tmp_path: Path) -> None:
    key = make_ssh_key(tmp_path, "alice")
    repo = init_repo(tmp_path / "repo", object_format="sha256")
    raw = raw_commit(repo, git_commit(repo, "Sign off\n", sign_with=key))
    assert b"\ngpgsig-sha256 -----BEGIN SSH SIGNATURE-----\n" in raw

    commit = split_signed_commit(raw)

    assert len(commit.tree) == 64
    assert commit.signature_format == "ssh"
    assert commit.signature is not None
    assert commit.payload == _without_signature_headers(raw)
    assert _ssh_keygen_accepts(commit.payload, commit.signature, tmp_path)


def test_merge_commit_keeps_mergetag_in_payload(tmp_path: Path) -> None:
    key = make_ssh_key(tmp_path, "maintainer")
    repo = init_repo(tmp_path / "repo")
    git_commit(repo, "Base\n", files={"base.txt": "base\n"})
    git(repo, "checkout", "-q", "-b", "side")
    side = git_commit(repo, "Side work\n", files={"side.txt": "side\n"})
    tag = git_tag(repo, "v1", "Release v1", sign_with=key)
    git(repo, "checkout", "-q", "main")
    main = git_commit(repo, "Main work\n", files={"main.txt": "main\n"})
    merge = git_merge(repo, "v1", "Merge tag v1\n", sign_with=key)
    raw = raw_commit(repo, merge)
    assert f"\nmergetag object {side}\n".encode() in raw

    commit = split_signed_commit(raw)

    assert commit.parents == (main, side)
    assert f"\nmergetag object {side}\n".encode() in commit.payload
    # The tag's own signature rides inside the mergetag header and must stay signed.
    assert b"\n -----BEGIN SSH SIGNATURE-----\n" in commit.payload
    assert commit.payload == _without_signature_headers(raw)
    assert commit.signature is not None
    tag_object = git(repo, "cat-file", "tag", tag).decode()
    assert commit.signature not in tag_object
    assert commit.message.startswith("Merge tag v1")
    assert _ssh_keygen_accepts(commit.payload, commit.signature, tmp_path)


def test_continuation_lines_lose_exactly_one_space() -> None:
    raw = _raw(b"gpgsig -----BEGIN SSH SIGNATURE-----", b"  indented", b" ", b" last")

    commit = split_signed_commit(raw)

    assert commit.signature == "-----BEGIN SSH SIGNATURE-----\n indented\n\nlast\n"
    assert commit.payload == _raw()


@pytest.mark.parametrize(
    ("armor", "expected"),
    [
        (b"-----BEGIN PGP SIGNATURE-----", "openpgp"),
        (b"-----BEGIN PGP MESSAGE-----", "openpgp"),
        (b"-----BEGIN SIGNED MESSAGE-----", "x509"),
        (b"-----BEGIN SSH SIGNATURE-----", "ssh"),
        (b"-----BEGIN SOMETHING ELSE-----", None),
    ],
)
def test_signature_format_comes_from_the_armor_header(armor: bytes, expected: str | None) -> None:
    commit = split_signed_commit(_raw(b"gpgsig " + armor, b" data", b" -----END-----"))

    assert commit.signature_format == expected


def test_header_lookalike_in_the_message_stays_in_the_payload() -> None:
    raw = _raw(message=b"Subject\n\ngpgsig -----BEGIN SSH SIGNATURE-----\n not a header\n")

    commit = split_signed_commit(raw)

    assert commit.signature is None
    assert commit.payload == raw


def test_sha1_commit_drops_both_signature_headers_but_reads_gpgsig() -> None:
    raw = _raw(
        b"gpgsig-sha256 -----BEGIN SSH SIGNATURE-----",
        b" other",
        b"gpgsig -----BEGIN SSH SIGNATURE-----",
        b" mine",
        b"encoding UTF-8",
    )

    commit = split_signed_commit(raw)

    assert commit.signature == "-----BEGIN SSH SIGNATURE-----\nmine\n"
    assert commit.payload == _raw(b"encoding UTF-8")


def test_sha256_commit_ignores_a_sha1_gpgsig_header() -> None:
    raw = _raw(b"gpgsig -----BEGIN SSH SIGNATURE-----", b" sha1 only").replace(
        TREE.encode(), TREE_256.encode()
    )

    commit = split_signed_commit(raw)

    assert commit.signature is None
    assert commit.payload == _raw().replace(TREE.encode(), TREE_256.encode())


def test_message_uses_the_encoding_header() -> None:
    raw = _raw(b"encoding ISO-8859-1", message="Café\n".encode("latin-1"))

    assert split_signed_commit(raw).message == "Café\n"


def test_commit_without_message() -> None:
    raw = b"\n".join([b"tree " + TREE.encode(), b"author " + IDENT, b"committer " + IDENT])

    commit = split_signed_commit(raw)

    assert commit.message == ""
    assert commit.payload == raw
    assert commit.committer_time == datetime(2024, 3, 1, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"", id="empty"),
        pytest.param(_raw().replace(b"tree ", b"tree: "), id="no-tree"),
        pytest.param(_raw().replace(TREE.encode(), b"abc"), id="short-tree"),
        pytest.param(b" continuation\n" + _raw(), id="leading-continuation"),
        pytest.param(_raw(b"author " + IDENT), id="second-author"),
        pytest.param(_raw(b"parent " + PARENT.encode()), id="parent-after-committer"),
        pytest.param(_raw().replace(b"<ada@example.org>", b"ada@example.org"), id="no-email"),
        pytest.param(_raw().replace(b"+0100", b"+01"), id="bad-zone"),
        pytest.param(_raw().replace(b"1709290800", b"9" * 30), id="date-overflow"),
        pytest.param(
            _raw().replace(b"author", b"parent " + TREE_256.encode() + b"\nauthor"),
            id="mixed-hashes",
        ),
    ],
)
def test_malformed_commit_objects_are_refused(raw: bytes) -> None:
    with pytest.raises(ValueError, match="commit object"):
        split_signed_commit(raw)
