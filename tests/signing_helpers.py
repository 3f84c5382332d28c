"""Real keys, real signatures and real git commits for signature tests.

Everything shells out to the real tools (ssh-keygen, gpg, git); nothing about the
cryptography is mocked. Typical use::

    key = make_ssh_key(tmp_path, "alice")
    repo = init_repo(tmp_path / "repo")
    sha = git_commit(repo, "Sign off\\n", sign_with=key)
    raw = raw_commit(repo, sha)

    with gpg_home() as home:
        bob = make_gpg_key(home, "Bob", "bob@example.org")
        git_commit(repo, "Approve\\n", sign_with=bob)

Git runs with no global or system configuration and without the caller's ssh-agent,
and every gpg call names its home explicitly, so the developer's own keys and settings
never leak into a test. Forgery tests can use ``ssh_sign``/``gpg_sign`` to sign arbitrary
bytes and ``build_sshsig``/``sshsig_sign_in_process`` to craft SSHSIG blobs that
ssh-keygen would refuse to write.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_ssh_private_key

DEFAULT_DATE = datetime(2024, 3, 1, 12, 0, 0, tzinfo=timezone(timedelta(hours=1)))


@dataclass(frozen=True)
class Identity:
    """A git author or committer."""

    name: str
    email: str


DEFAULT_AUTHOR = Identity("Ada Author", "ada@example.org")


@dataclass(frozen=True)
class SshKey:
    """An SSH key pair on disk, with the fingerprint ssh-keygen itself reports."""

    name: str
    key_type: str  # as passed to ssh-keygen -t: "ed25519", "rsa", "ecdsa"
    private_path: Path
    public_path: Path
    public_line: str  # "ssh-ed25519 AAAA... comment"
    fingerprint: str  # "SHA256:..." from ssh-keygen -lf


@dataclass(frozen=True)
class GpgKey:
    """An OpenPGP key living in a test gpg home.

    ``signing_fingerprint`` is the key that actually signs: the primary key, or the
    signing subkey when the key was made with ``signing_subkey=True``.
    """

    home: Path
    name: str
    email: str
    fingerprint: str
    signing_fingerprint: str
    armored_public_key: str


SigningKey = SshKey | GpgKey


# --- SSH -------------------------------------------------------------------------------


def make_ssh_key(directory: Path, name: str, key_type: str = "ed25519") -> SshKey:
    """Generate an unencrypted key pair ``directory/name`` with ``ssh-keygen -t key_type``.

    RSA keys are 2048 bits to keep tests quick; other types use ssh-keygen's default size.
    """
    private_path = directory / name
    command = ["ssh-keygen", "-q", "-t", key_type, "-N", "", "-C", f"{name}@test"]
    if key_type == "rsa":
        command += ["-b", "2048"]
    _run([*command, "-f", str(private_path)])
    public_path = private_path.with_name(name + ".pub")
    return SshKey(
        name=name,
        key_type=key_type,
        private_path=private_path,
        public_path=public_path,
        public_line=public_path.read_text(encoding="ascii").strip(),
        fingerprint=ssh_keygen_fingerprint(public_path),
    )


def ssh_keygen_fingerprint(public_path: Path) -> str:
    """The ``SHA256:...`` fingerprint as ``ssh-keygen -lf`` prints it."""
    return _run(["ssh-keygen", "-lf", str(public_path)]).decode().split()[1]


def ssh_sign(key: SshKey, data: bytes, *, namespace: str = "git") -> str:
    """Sign ``data`` with ``ssh-keygen -Y sign -n namespace``; returns the armored signature."""
    output = _run(
        ["ssh-keygen", "-q", "-Y", "sign", "-n", namespace, "-f", str(key.private_path)],
        stdin=data,
        env=_clean_env(),
    )
    return output.decode("ascii")


def build_sshsig(
    public_key_blob: bytes,
    namespace: str,
    hash_algorithm: str,
    signature: bytes,
    *,
    magic: bytes = b"SSHSIG",
    version: int = 1,
    reserved: bytes = b"",
    trailing: bytes = b"",
) -> str:
    """Assemble and armor an SSHSIG blob from raw parts, including malformed ones.

    ``signature`` is the inner signature encoding (string algorithm || string value).
    """
    blob = (
        magic
        + struct.pack(">I", version)
        + ssh_string(public_key_blob)
        + ssh_string(namespace.encode())
        + ssh_string(reserved)
        + ssh_string(hash_algorithm.encode())
        + ssh_string(signature)
        + trailing
    )
    encoded = base64.b64encode(blob).decode("ascii")
    lines = [encoded[i : i + 70] for i in range(0, len(encoded), 70)]
    return "\n".join(["-----BEGIN SSH SIGNATURE-----", *lines, "-----END SSH SIGNATURE-----"])


def sshsig_sign_in_process(
    key: SshKey,
    data: bytes,
    *,
    namespace: str = "git",
    hash_algorithm: str = "sha512",
    signed_namespace: str | None = None,
) -> str:
    """Make an SSHSIG signature with an Ed25519 key without ssh-keygen.

    Unlike ssh-keygen this accepts any hashlib ``hash_algorithm`` (e.g. "sha1"), and
    ``signed_namespace`` can make the signed namespace differ from the declared one,
    which is how forgery tests build signatures OpenSSH would never produce.
    """
    private_key = load_ssh_private_key(key.private_path.read_bytes(), password=None)
    if not isinstance(private_key, Ed25519PrivateKey):
        raise TypeError("sshsig_sign_in_process only handles Ed25519 keys")
    digest = hashlib.new(hash_algorithm, data).digest()
    to_sign = (
        b"SSHSIG"
        + ssh_string((signed_namespace or namespace).encode())
        + ssh_string(b"")
        + ssh_string(hash_algorithm.encode())
        + ssh_string(digest)
    )
    inner = ssh_string(b"ssh-ed25519") + ssh_string(private_key.sign(to_sign))
    blob = base64.b64decode(key.public_line.split()[1])
    return build_sshsig(blob, namespace, hash_algorithm, inner)


def ssh_string(value: bytes) -> bytes:
    """SSH wire encoding of a byte string: 32-bit big-endian length, then the bytes."""
    return struct.pack(">I", len(value)) + value


# --- OpenPGP ---------------------------------------------------------------------------


@contextmanager
def gpg_home() -> Iterator[Path]:
    """A fresh private gpg home; its gpg-agent is stopped and the directory removed after.

    The directory is made under the system temp dir rather than pytest's ``tmp_path``
    because gpg-agent's socket path must stay short.
    """
    home = Path(tempfile.mkdtemp(prefix="gac-test-gpg-"))
    home.chmod(0o700)
    try:
        yield home
    finally:
        subprocess.run(
            ["gpgconf", "--homedir", str(home), "--kill", "all"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(home, ignore_errors=True)


def gpg_env(home: Path) -> dict[str, str]:
    """Environment for a process (git, gpg) that should use ``home`` as GNUPGHOME."""
    return {**_clean_env(), "GNUPGHOME": str(home)}


def make_gpg_key(
    home: Path,
    name: str,
    email: str,
    *,
    expire: str = "never",
    signing_subkey: bool = False,
    faked_time: str | None = None,
) -> GpgKey:
    """Generate an unprotected Ed25519 signing key for ``name <email>`` in ``home``.

    ``expire`` is gpg's expiry syntax ("never", "1d", "2y"). ``faked_time`` (e.g.
    "20200101T000000") creates the key at that moment, which with a short ``expire``
    yields an already expired key. ``signing_subkey`` adds a signing subkey that
    then makes the signatures.
    """
    options = _gpg_options(home, faked_time)
    created = _run(
        [*options, "--status-fd", "1", "--quick-gen-key", f"{name} <{email}>", "ed25519",
         "sign", expire],
        env=gpg_env(home),
    )  # fmt: skip
    fingerprint = _created_fingerprint(created)
    signing_fingerprint = fingerprint
    if signing_subkey:
        added = _run(
            [*options, "--status-fd", "1", "--quick-add-key", fingerprint, "ed25519", "sign",
             expire],
            env=gpg_env(home),
        )  # fmt: skip
        signing_fingerprint = _created_fingerprint(added)
    return GpgKey(
        home=home,
        name=name,
        email=email,
        fingerprint=fingerprint,
        signing_fingerprint=signing_fingerprint,
        armored_public_key=export_gpg_key(home, fingerprint),
    )


def export_gpg_key(home: Path, fingerprint: str) -> str:
    """The armored public key block for ``fingerprint`` in ``home``."""
    output = _run(
        [*_gpg_options(home, None), "--armor", "--export", fingerprint], env=gpg_env(home)
    )
    return output.decode("ascii")


def gpg_sign(
    key: GpgKey,
    data: bytes,
    *,
    faked_time: str | None = None,
    co_signers: Sequence[GpgKey] = (),
) -> str:
    """A detached armored signature of ``data`` by the key's signing (sub)key.

    ``co_signers`` (keys in the same home) add their own signatures to the same block.
    ``faked_time`` signs as of that moment, e.g. "20230405T060708".
    """
    signers: list[str] = []
    for signer in (key, *co_signers):
        signers += ["--local-user", signer.signing_fingerprint + "!"]
    output = _run(
        [*_gpg_options(key.home, faked_time), *signers, "--armor", "--detach-sign"],
        stdin=data,
        env=gpg_env(key.home),
    )
    return output.decode("ascii")


def revoke_gpg_key(key: GpgKey) -> GpgKey:
    """Apply the revocation certificate gpg stored at key creation; returns the revoked key."""
    certificate = key.home / "openpgp-revocs.d" / f"{key.fingerprint}.rev"
    # gpg prefixes the armor line with ":" so the certificate cannot be imported by mistake.
    text = certificate.read_text(encoding="utf-8").replace(":-----BEGIN", "-----BEGIN")
    _run([*_gpg_options(key.home, None), "--import"], stdin=text.encode(), env=gpg_env(key.home))
    return replace(key, armored_public_key=export_gpg_key(key.home, key.fingerprint))


def _gpg_options(home: Path, faked_time: str | None) -> list[str]:
    options = ["gpg", "--homedir", str(home), "--batch", "--no-tty", "--pinentry-mode",
               "loopback", "--passphrase", ""]  # fmt: skip
    if faked_time:
        # "!" freezes gpg's clock at that moment; otherwise it runs on, and a loaded machine
        # can tick a second between gpg starting and the signature being made.
        frozen = faked_time if faked_time.endswith("!") else faked_time + "!"
        options += ["--faked-system-time", frozen]
    return options


def _created_fingerprint(status_output: bytes) -> str:
    for line in status_output.decode().splitlines():
        if line.startswith("[GNUPG:] KEY_CREATED "):
            return line.split()[3]
    raise AssertionError(f"gpg reported no KEY_CREATED line: {status_output!r}")


# --- git -------------------------------------------------------------------------------


def init_repo(path: Path, *, object_format: str = "sha1") -> Path:
    """``git init`` an empty repository on branch main; ``object_format`` may be "sha256"."""
    _run(["git", "init", "-q", "-b", "main", f"--object-format={object_format}", str(path)],
         env=_clean_env())  # fmt: skip
    return path


def git(
    repo: Path,
    *args: str,
    sign_with: SigningKey | None = None,
    date: datetime = DEFAULT_DATE,
    author: Identity = DEFAULT_AUTHOR,
    committer: Identity | None = None,
    stdin: bytes | None = None,
) -> bytes:
    """Run git in ``repo`` with pinned identities and dates, configured to sign with a key.

    Returns stdout. The author and committer dates are both ``date``; the committer
    defaults to the author.
    """
    config, env = _signing_setup(sign_with)
    who = committer or author
    env.update(
        GIT_AUTHOR_NAME=author.name,
        GIT_AUTHOR_EMAIL=author.email,
        GIT_AUTHOR_DATE=git_date(date),
        GIT_COMMITTER_NAME=who.name,
        GIT_COMMITTER_EMAIL=who.email,
        GIT_COMMITTER_DATE=git_date(date),
    )
    return _run(["git", "-C", str(repo), *config, *args], stdin=stdin, env=env)


def git_commit(
    repo: Path,
    message: str,
    *,
    sign_with: SigningKey | None = None,
    date: datetime = DEFAULT_DATE,
    author: Identity = DEFAULT_AUTHOR,
    committer: Identity | None = None,
    files: Mapping[str, str] | None = None,
) -> str:
    """Commit ``files`` (path -> text; an empty commit if None) and return the new sha.

    The message is stored verbatim. ``sign_with`` an SshKey signs with gpg.format=ssh,
    a GpgKey with gpg.format=openpgp; None leaves the commit unsigned.
    """
    for relative, text in (files or {}).items():
        target = repo / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        git(repo, "add", "--", relative)
    sign = ["-S"] if sign_with else ["--no-gpg-sign"]
    git(repo, "commit", "-q", "--allow-empty", "--cleanup=verbatim", *sign, "-F", "-",
        sign_with=sign_with, date=date, author=author, committer=committer,
        stdin=message.encode())  # fmt: skip
    return rev_parse(repo, "HEAD")


def git_tag(
    repo: Path,
    name: str,
    message: str,
    *,
    rev: str = "HEAD",
    sign_with: SigningKey | None = None,
    date: datetime = DEFAULT_DATE,
) -> str:
    """Create an annotated tag (signed when ``sign_with`` is given); returns the tag sha."""
    kind = "-s" if sign_with else "-a"
    git(repo, "tag", kind, "-m", message, name, rev, sign_with=sign_with, date=date)
    return rev_parse(repo, f"refs/tags/{name}")


def git_merge(
    repo: Path,
    rev: str,
    message: str,
    *,
    sign_with: SigningKey | None = None,
    date: datetime = DEFAULT_DATE,
) -> str:
    """``git merge --no-ff rev`` into the current branch; returns the merge commit sha.

    Merging an annotated tag records it in a ``mergetag`` header.
    """
    sign = ["-S"] if sign_with else ["--no-gpg-sign"]
    git(repo, "merge", "-q", "--no-ff", "--no-edit", *sign, "-m", message, rev,
        sign_with=sign_with, date=date)  # fmt: skip
    return rev_parse(repo, "HEAD")


def rev_parse(repo: Path, rev: str) -> str:
    """The full object id ``rev`` names."""
    return git(repo, "rev-parse", rev).decode().strip()


def raw_commit(repo: Path, rev: str = "HEAD") -> bytes:
    """The raw commit object, exactly as ``git cat-file commit`` prints it."""
    return git(repo, "cat-file", "commit", rev)


def git_date(moment: datetime) -> str:
    """``moment`` in git's internal date format, "@<seconds> +hhmm"."""
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"@{int(moment.timestamp())} {sign}{minutes // 60:02d}{minutes % 60:02d}"


def _signing_setup(sign_with: SigningKey | None) -> tuple[list[str], dict[str, str]]:
    """git ``-c`` options and environment that make ``-S`` sign with ``sign_with``."""
    config = ["-c", "commit.gpgSign=false", "-c", "tag.gpgSign=false"]
    if isinstance(sign_with, SshKey):
        config += ["-c", "gpg.format=ssh", "-c", f"user.signingKey={sign_with.public_path}"]
        return config, _clean_env()
    if isinstance(sign_with, GpgKey):
        config += ["-c", "gpg.format=openpgp", "-c", "gpg.program=gpg",
                   "-c", f"user.signingKey={sign_with.signing_fingerprint}!"]  # fmt: skip
        return config, gpg_env(sign_with.home)
    return config, _clean_env()


def _clean_env() -> dict[str, str]:
    """The current environment without anything that would reach the developer's keys."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SSH_AUTH_SOCK", "GNUPGHOME", "GPG_AGENT_INFO"}
        and not key.startswith("GIT_")
    }
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, LC_ALL="C")
    return env


def _run(
    command: list[str], *, stdin: bytes | None = None, env: Mapping[str, str] | None = None
) -> bytes:
    result = subprocess.run(
        command, input=stdin, capture_output=True, check=False, env=env, timeout=120
    )
    if result.returncode != 0:
        raise AssertionError(
            f"{command[0]} failed ({result.returncode}): {result.stderr.decode(errors='replace')}"
        )
    return result.stdout
