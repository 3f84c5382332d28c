"""The person running `gac init`, as their git configuration describes them.

Name and email come from `user.name` and `user.email`; the signing key from `user.signingkey`
and `gpg.format`, the same settings `git commit -S` and `gac approve` use.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from govern_as_code.errors import GovernError

_SSH_KEY = re.compile(r"^((?:ssh|ecdsa|sk)-[\w@.-]+) ([A-Za-z0-9+/=]+)(?: .*)?$")


@dataclass(frozen=True)
class KeyEntry:
    """One `spec.keys` entry: `ssh` with an OpenSSH public key line, or `openpgp` armored."""

    type: str
    public_key: str


@dataclass(frozen=True)
class GitUser:
    id: str
    name: str
    email: str
    keys: tuple[KeyEntry, ...] = ()
    next_steps: tuple[str, ...] = field(default=())


def person_id(name: str, email: str) -> str:
    """A slug for the Person document: from the name, else from the email's local part."""
    for source in (name, email.partition("@")[0]):
        ascii_text = unicodedata.normalize("NFKD", source).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
        if slug:
            return slug
    return "me"


def git_user(config: Callable[[str], str | None], gpg_program: str = "gpg") -> GitUser:
    """The user that `config` (a `git config --get` lookup) describes; stops when anonymous."""
    name = (config("user.name") or "").strip()
    email = (config("user.email") or "").strip()
    if not name or not email:
        missing = " and ".join(k for k, v in (("user.name", name), ("user.email", email)) if not v)
        raise GovernError(
            f"git has no {missing}, and the first Person document is you",
            'set them: git config --global user.name "Ada Lovelace" &&'
            " git config --global user.email ada@example.com",
        )
    signing_key = (config("user.signingkey") or "").strip()
    fmt = (config("gpg.format") or "openpgp").strip().lower()
    keys: tuple[KeyEntry, ...] = ()
    steps: list[str] = []
    if not signing_key:
        steps.append(
            "git has no user.signingkey: set one (git config user.signingkey"
            " ~/.ssh/id_ed25519.pub && git config gpg.format ssh) and add its public key"
            " to spec.keys of your Person document"
        )
    elif fmt == "ssh":
        found = _ssh_public_key(signing_key)
        if found:
            keys = (KeyEntry("ssh", found),)
        else:
            steps.append(
                f"cannot read an SSH public key from user.signingkey {signing_key!r}:"
                " add your public key line to spec.keys of your Person document"
            )
    elif fmt == "openpgp":
        armored = _openpgp_public_key(signing_key, config("gpg.program") or gpg_program)
        if armored:
            keys = (KeyEntry("openpgp", armored),)
        else:
            steps.append(
                f"gpg cannot export the key {signing_key!r}: add its armored public key"
                f" (gpg --armor --export {signing_key}) to spec.keys of your Person document"
            )
    else:
        steps.append(
            f"gpg.format {fmt!r} is not supported for sign-offs: use ssh or openpgp, and add"
            " that key to spec.keys of your Person document"
        )
    return GitUser(person_id(name, email), name, email, keys, tuple(steps))


def _ssh_public_key(value: str) -> str | None:
    """git accepts a literal key (`key::…` or `ssh-…`) or the path of a key file."""
    literal = value.removeprefix("key::").strip()
    if _SSH_KEY.match(literal):
        return _key_line(literal)
    path = Path(value).expanduser()
    candidates = [path] if path.suffix == ".pub" else [path.with_name(path.name + ".pub"), path]
    for candidate in candidates:
        try:
            text = candidate.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            continue
        line = _key_line(text.splitlines()[0] if text else "")
        if line:
            return line
    return None


def _key_line(text: str) -> str | None:
    match = _SSH_KEY.match(text.strip())
    # The comment is left out: it often holds a host name nobody meant to publish.
    return f"{match.group(1)} {match.group(2)}" if match else None


def _openpgp_public_key(key_id: str, program: str) -> str | None:
    try:
        result = subprocess.run(
            [program, "--batch", "--armor", "--export", key_id],
            capture_output=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = result.stdout.decode("ascii", "replace").strip()
    return text if result.returncode == 0 and "BEGIN PGP PUBLIC KEY BLOCK" in text else None
