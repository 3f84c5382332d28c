"""Verify OpenPGP signatures with gpg against a throwaway keyring of trusted keys only.

The user's own keyring is never read: every gpg call gets a fresh home directory that
holds just the keys the caller trusts, and gpg is told never to prompt, start an agent
or reach a keyserver.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from govern_as_code.errors import GovernError

GPG_PROGRAM = "gpg"
_TIMEOUT_SECONDS = 60
_STATUS_PREFIX = "[GNUPG:] "
# Signature classes of a detached signature over a document (binary or text).
_DOCUMENT_SIGNATURE_CLASSES = frozenset({"00", "01"})
# ERRSIG return codes worth a sentence (GnuPG's GPG_ERR_PUBKEY_ALGO and GPG_ERR_NO_PUBKEY).
_ERRSIG_UNSUPPORTED_ALGORITHM = "4"
_ERRSIG_NO_PUBLIC_KEY = "9"
_BASE_OPTIONS = (
    "--no-options",
    "--batch",
    "--no-tty",
    "--no-greeting",
    "--no-autostart",
    "--disable-dirmngr",
    "--no-auto-key-retrieve",
    "--no-auto-key-locate",
    "--no-permission-warning",
    # Ownertrust means nothing in a keyring that only ever holds trusted keys.
    "--trust-model",
    "always",
)


@dataclass(frozen=True)
class OpenPgpSignatureCheck:
    """The outcome of checking one OpenPGP signature.

    ``fingerprint`` is the key that made the signature (possibly a subkey) and
    ``primary_fingerprint`` its primary key; both are set only when ``valid`` is true.
    ``signed_at`` is the signature's creation time as the signature states it.
    ``reason`` is empty when valid and says why not otherwise.
    """

    valid: bool
    fingerprint: str | None
    primary_fingerprint: str | None
    signed_at: datetime | None
    reason: str


class OpenPgpKeyring:
    """A temporary gpg home that holds only the given public keys, for many checks.

    Import once, verify as many signatures as needed, then ``close()`` (or use it as a
    context manager) to delete the directory. Raises ValueError if a key cannot be
    imported and GovernError if gpg cannot run.
    """

    def __init__(self, trusted_public_keys: Sequence[str], gpg_program: str = GPG_PROGRAM) -> None:
        self._gpg_program = gpg_program
        self._home = _make_home()
        try:
            self._primary_fingerprints = frozenset(
                fingerprint
                for index, key in enumerate(trusted_public_keys, start=1)
                for fingerprint in self._import(key, index)
            )
        except BaseException:
            self.close()
            raise

    @property
    def home(self) -> Path:
        """The temporary gpg home directory (removed by ``close``)."""
        return self._home

    @property
    def primary_fingerprints(self) -> frozenset[str]:
        """Primary key fingerprints of every key imported."""
        return self._primary_fingerprints

    def verify(self, payload: bytes, armored: str) -> OpenPgpSignatureCheck:
        """Check that ``armored`` is a valid detached signature of ``payload`` by a trusted key."""
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=self._home, suffix=".asc", delete=False
        ) as handle:
            handle.write(armored)
            signature_file = Path(handle.name)
        try:
            result = _run_gpg(
                self._gpg_program,
                self._home,
                ["--status-fd", "1", "--verify", str(signature_file), "-"],
                payload,
            )
        finally:
            signature_file.unlink(missing_ok=True)
        return _judge(result, self._primary_fingerprints, self._expiry)

    def _expiry(self, fingerprint: str) -> int | None:
        """When the (sub)key `fingerprint` expires, in seconds since the epoch; None if never."""
        result = _run_gpg(
            self._gpg_program, self._home, ["--with-colons", "--list-keys", fingerprint], b""
        )
        pending: str | None = None
        for line in result.stdout.decode("utf-8", "replace").splitlines():
            fields = line.split(":")
            if fields[0] in ("pub", "sub"):
                pending = fields[6] if len(fields) > 6 else ""
            elif fields[0] == "fpr" and pending is not None and len(fields) > 9:
                if fields[9].upper() == fingerprint.upper():
                    return int(pending) if pending.isdigit() else None
                pending = None
        return None

    def close(self) -> None:
        """Delete the temporary home; the keyring cannot be used afterwards."""
        shutil.rmtree(self._home, ignore_errors=True)

    def __enter__(self) -> OpenPgpKeyring:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _import(self, armored_public_key: str, index: int) -> list[str]:
        result = _run_gpg(
            self._gpg_program,
            self._home,
            ["--status-fd", "1", "--import"],
            armored_public_key.encode("utf-8"),
        )
        fingerprints = [
            fields[1] for keyword, fields in _status(result.stdout) if keyword == "IMPORT_OK"
        ]
        # gpg may exit non-zero over a harmless oddity in a key it still imported.
        if not fingerprints:
            raise ValueError(
                f"trusted OpenPGP key #{index} could not be imported: {_stderr(result)}"
            )
        return [fingerprint.upper() for fingerprint in fingerprints]


def verify_openpgp_signature(
    payload: bytes, armored: str, trusted_public_keys: Sequence[str]
) -> OpenPgpSignatureCheck:
    """Check one detached OpenPGP signature against a set of trusted armored public keys.

    To check many signatures, use ``OpenPgpKeyring`` to import the keys only once.
    """
    with OpenPgpKeyring(trusted_public_keys) as keyring:
        return keyring.verify(payload, armored)


def openpgp_fingerprint(armored_public_key: str, gpg_program: str = GPG_PROGRAM) -> str:
    """The primary key fingerprint (uppercase hex) of one armored OpenPGP public key.

    Raises ValueError unless the text holds exactly one public key.
    """
    return openpgp_key_fingerprints(armored_public_key, gpg_program)[0]


def openpgp_key_fingerprints(armored_public_key: str, gpg_program: str = GPG_PROGRAM) -> list[str]:
    """The primary key fingerprint, then every subkey's, of one armored OpenPGP public key.

    Raises ValueError unless the text holds exactly one public key.
    """
    home = _make_home()
    try:
        result = _run_gpg(
            gpg_program,
            home,
            ["--with-colons", "--import-options", "show-only", "--import"],
            armored_public_key.encode("utf-8"),
            # With `--trust-model always` gpg wants a trustdb to show an expired key and
            # shows nothing instead; a key that expired since it signed must still be known.
            trust_always=False,
        )
    finally:
        shutil.rmtree(home, ignore_errors=True)
    primaries: list[str] = []
    subkeys: list[str] = []
    expect: list[str] | None = None
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        fields = line.split(":")
        if fields[0] == "sec":
            raise ValueError("expected an OpenPGP public key, got a secret key")
        if fields[0] == "pub":
            expect = primaries
        elif fields[0] == "sub":
            expect = subkeys
        elif fields[0] == "fpr" and expect is not None and len(fields) > 9:
            expect.append(fields[9].upper())
            expect = None
    if len(primaries) != 1:
        found = f"{len(primaries)} keys" if primaries else "no key"
        raise ValueError(f"expected exactly one OpenPGP public key, found {found}")
    return primaries + subkeys


def _judge(
    result: subprocess.CompletedProcess[bytes],
    trusted: frozenset[str],
    expiry: Callable[[str], int | None] | None = None,
) -> OpenPgpSignatureCheck:
    """Turn gpg's status lines into a verdict; anything short of one clean VALIDSIG fails.

    A key that has expired *since* it signed still made a valid signature (DESIGN §2.3: the
    key must be valid at the signature's time), so EXPKEYSIG is accepted when `expiry` shows
    that both the signing key and its primary key expired after the signature was made.
    """
    status = _status(result.stdout)
    keywords = [keyword for keyword, _ in status]
    first = {keyword: fields for keyword, fields in reversed(status)}
    if "NEWSIG" not in first:
        return _invalid(f"no OpenPGP signature found: {_stderr(result)}")
    if keywords.count("NEWSIG") > 1:
        return _invalid(f"{keywords.count('NEWSIG')} signatures found where one was expected")
    expired_since = "EXPKEYSIG" in first and expiry is not None and "VALIDSIG" in first
    problem = _problem({k: v for k, v in first.items() if k != "EXPKEYSIG" or not expired_since})
    if problem:
        return _invalid(problem)
    good = "GOODSIG" in first or expired_since
    if "VALIDSIG" not in first or not good or result.returncode != 0:
        return _invalid(f"gpg did not confirm the signature: {_stderr(result)}")
    validsig = first["VALIDSIG"]
    if len(validsig) < 10:
        return _invalid("gpg reported a VALIDSIG line without the primary key")
    fingerprint, timestamp, signature_class = validsig[0], validsig[2], validsig[8]
    primary = validsig[9].upper()
    if signature_class not in _DOCUMENT_SIGNATURE_CLASSES:
        return _invalid(f"signature class {signature_class} is not a document signature")
    # Belt and braces: a key gpg picked up from anywhere but our import is not trusted.
    if primary not in trusted:
        return _invalid(f"signed by key {primary}, which is not among the trusted keys")
    signed_at = _timestamp(timestamp)
    if expired_since and expiry is not None:
        for key in dict.fromkeys((fingerprint.upper(), primary)):
            expires = expiry(key)
            if signed_at is None or (expires is not None and expires <= signed_at.timestamp()):
                return _invalid(f"signed by key {key} after it expired")
    return OpenPgpSignatureCheck(True, fingerprint.upper(), primary, signed_at, "")


def _problem(first: dict[str, list[str]]) -> str:
    """A readable reason for the status lines that mean "not valid"; empty if none."""
    if "BADSIG" in first:
        return f"bad signature by key {_key_id(first['BADSIG'])}: the content does not match"
    if "ERRSIG" in first:
        fields = first["ERRSIG"]
        key = fields[6] if len(fields) > 6 and fields[6] != "-" else _key_id(fields)
        code = fields[5] if len(fields) > 5 else ""
        if code == _ERRSIG_NO_PUBLIC_KEY:
            return f"signed by key {key}, which is not among the trusted keys"
        if code == _ERRSIG_UNSUPPORTED_ALGORITHM:
            return f"signed by key {key} with an algorithm gpg does not support"
        return f"gpg could not check the signature by key {key} (error code {code})"
    if "EXPKEYSIG" in first:
        return f"signed by key {_key_id(first['EXPKEYSIG'])}, which has expired"
    if "REVKEYSIG" in first:
        return f"signed by key {_key_id(first['REVKEYSIG'])}, which has been revoked"
    if "EXPSIG" in first:
        return f"the signature by key {_key_id(first['EXPSIG'])} has expired"
    return ""


def _key_id(fields: list[str]) -> str:
    return fields[0] if fields else "(unknown)"


def _timestamp(value: str) -> datetime | None:
    """VALIDSIG's creation time: seconds since the epoch, or ISO 8601 basic format."""
    if value.isdigit():
        return datetime.fromtimestamp(int(value), tz=UTC)
    try:
        return datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _invalid(reason: str) -> OpenPgpSignatureCheck:
    return OpenPgpSignatureCheck(False, None, None, None, reason)


def _status(stdout: bytes) -> list[tuple[str, list[str]]]:
    """The ``[GNUPG:] KEYWORD args...`` lines gpg wrote to the status fd."""
    lines: list[tuple[str, list[str]]] = []
    for line in stdout.decode("utf-8", "replace").splitlines():
        if line.startswith(_STATUS_PREFIX):
            keyword, *fields = line[len(_STATUS_PREFIX) :].split(" ")
            lines.append((keyword, fields))
    return lines


def _stderr(result: subprocess.CompletedProcess[bytes]) -> str:
    """gpg's first complaints on one line; later lines are mostly generic advice."""
    lines = result.stderr.decode("utf-8", "replace").splitlines()
    meaningful = [line.removeprefix("gpg: ").strip() for line in lines if line.strip()]
    return "; ".join(meaningful[:2]) or f"gpg exited with status {result.returncode}"


def _make_home() -> Path:
    """A fresh, private gpg home directory."""
    home = Path(tempfile.mkdtemp(prefix="gac-gnupg-"))
    home.chmod(0o700)
    # An existing (empty) common.conf stops GnuPG 2.4 from writing "use-keyboxd" into a
    # new home, which would need a daemon we refuse to start.
    (home / "common.conf").touch()
    return home


def _run_gpg(
    gpg_program: str, home: Path, arguments: list[str], stdin: bytes, *, trust_always: bool = True
) -> subprocess.CompletedProcess[bytes]:
    options = _BASE_OPTIONS if trust_always else _BASE_OPTIONS[:-2]
    command = [gpg_program, "--homedir", str(home), *options, *arguments]
    # GNUPGHOME is overridden too so that no helper gpg spawns can reach the user's home.
    environment = {**os.environ, "GNUPGHOME": str(home), "LC_ALL": "C", "LANGUAGE": "C"}
    try:
        return subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            timeout=_TIMEOUT_SECONDS,
            check=False,
            env=environment,
        )
    except FileNotFoundError as exc:
        raise GovernError(
            f"{gpg_program} is needed to check OpenPGP signatures but is not installed"
            " (or not on PATH)",
            fix="install GnuPG (https://gnupg.org/download; e.g. apt-get install gnupg,"
            " brew install gnupg)",
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise GovernError(f"{gpg_program} did not answer while checking a signature") from exc
