"""Signed-commit evidence: who signed each commit that produced an approval file.

An approval counts only if every commit that added or changed its file is signed by a key
that the trusted base lists for `spec.reviewer`, valid at that commit's time. git's `%G?`
is not used: it says "good" for a key listed under any principal. Instead each signature is
verified here and its key compared with the reviewer's keys.

Verification results are cached by commit id under the git directory. A commit is
immutable, and what is cached (which key made a valid signature) does not depend on who is
trusted, so a second run does no cryptography.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from govern_as_code.documents.kinds import PersonDocument, SigningKey
from govern_as_code.documents.ssh_keys import parse_ssh_public_key
from govern_as_code.evidence.commit_object import SignedCommit, split_signed_commit
from govern_as_code.evidence.openpgp import OpenPgpKeyring, openpgp_fingerprint
from govern_as_code.evidence.ssh import verify_ssh_signature
from govern_as_code.git import Repository

CACHE_VERSION = 2
CACHE_NAME = "signatures.json"


@dataclass(frozen=True)
class CommitSignature:
    """A commit's verified signer, as a key fingerprint, or why there is none."""

    commit: str
    format: str | None  # "ssh", "openpgp", "x509" or None when unsigned
    fingerprint: str | None  # set only for a signature that verified
    reason: str
    time: datetime  # committer time
    author_email: str
    is_merge: bool
    dated_before_parent: bool
    committer: str = ""  # "Name <email>", to recognise a forge that rewrote the commit
    author: str = ""
    readable: bool = True  # False: the object is not a well-formed commit; see `reason`


def ssh_fingerprint_of(key: SigningKey) -> str | None:
    try:
        return parse_ssh_public_key(key.publicKey).fingerprint
    except ValueError:
        return None


class SignatureVerifier:
    """Verifies commit signatures once each, against the trusted people's OpenPGP keys."""

    def __init__(
        self,
        repo: Repository,
        people: Iterable[PersonDocument],
        *,
        cache_dir: Path | None = None,
        use_cache: bool = True,
    ) -> None:
        """`cache_dir` holds the cache (default: under the git directory); `use_cache=False`
        verifies every signature again and writes nothing."""
        self.repo = repo
        self._openpgp_keys = [
            k.publicKey for p in people for k in p.spec.keys if k.type == "openpgp"
        ]
        self._keyring: OpenPgpKeyring | None = None
        self._use_cache = use_cache
        self._cache_path = (
            cache_dir / CACHE_NAME if cache_dir is not None else cache_file(repo.git_dir)
        )
        self._cache = self._read_cache() if use_cache else {}
        self._dirty = False

    def _read_cache(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self._cache_path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return {}
        entries = data.get("commits", {})
        if not isinstance(entries, dict):
            return {}
        # Data only, and only entries of the expected shape: anything else is verified again.
        return {sha: entry for sha, entry in entries.items() if _well_formed(sha, entry)}

    def save(self) -> None:
        if not self._dirty or not self._use_cache:
            return
        try:
            self._cache_path.parent.mkdir(parents=True, exist_ok=True)
            # Another run's new entries are kept; a temporary file of our own, then a rename.
            merged = {**self._read_cache(), **self._cache}
            handle, temporary = tempfile.mkstemp(
                dir=self._cache_path.parent, prefix=f".{self._cache_path.name}."
            )
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(json.dumps({"version": CACHE_VERSION, "commits": merged}))
            os.replace(temporary, self._cache_path)
        except OSError:
            pass  # a read-only checkout only loses the cache, never the verdict

    def close(self) -> None:
        self.save()
        if self._keyring is not None:
            self._keyring.close()

    def signatures(self, commits: Sequence[str]) -> dict[str, CommitSignature]:
        """The verified signer of each commit (one `cat-file` call for all of them).

        A commit is immutable and so is what is read from it (its signer, its times, whether
        it is dated before its parent): a commit seen before is not read again."""
        result: dict[str, CommitSignature] = {}
        unseen = []
        for sha in commits:
            entry = self._cache.get(sha)
            if entry is not None and isinstance(entry.get("record"), dict):
                result[sha] = _from_record(sha, entry)
            else:
                unseen.append(sha)
        raw = self.repo.raw_commits(unseen)
        parsed: dict[str, SignedCommit] = {}
        for sha, data in raw.items():
            try:
                parsed[sha] = split_signed_commit(data)
            except ValueError as e:
                # A hand-made object git itself would refuse to write: a reason, not a crash.
                result[sha] = _unreadable(sha, str(e))
        parent_ids = {p for c in parsed.values() for p in c.parents} - set(parsed)
        parent_times = {}
        for sha, data in self.repo.raw_commits(sorted(parent_ids)).items():
            try:
                parent_times[sha] = split_signed_commit(data).committer_time
            except ValueError:
                continue
        parent_times.update({sha: c.committer_time for sha, c in parsed.items()})
        for sha, commit in parsed.items():
            fingerprint, reason = self._verify(sha, commit)
            backdated = any(
                commit.committer_time < parent_times[p] for p in commit.parents if p in parent_times
            )
            result[sha] = CommitSignature(
                sha,
                commit.signature_format,
                fingerprint,
                reason,
                commit.committer_time,
                commit.author_email.lower(),
                len(commit.parents) > 1,
                backdated,
                f"{commit.committer_name} <{commit.committer_email}>",
                f"{commit.author_name} <{commit.author_email}>",
            )
            if sha in self._cache:  # only what may be cached: see `_verify`
                self._cache[sha]["record"] = _to_record(result[sha])
        return result

    def _verify(self, sha: str, commit: SignedCommit) -> tuple[str | None, str]:
        cached = self._cache.get(sha)
        if cached is not None:
            return cached.get("fingerprint"), str(cached.get("reason") or "")
        if commit.signature is None:
            self._cache[sha] = {"fingerprint": None, "reason": "it is not signed"}
            self._dirty = True
            return None, "it is not signed"
        if commit.signature_format == "ssh":
            check = verify_ssh_signature(commit.payload, commit.signature)
            fingerprint, reason = check.fingerprint, check.reason
            cacheable = True
        elif commit.signature_format == "openpgp":
            pgp = self._openpgp().verify(commit.payload, commit.signature)
            fingerprint = pgp.primary_fingerprint if pgp.valid else None
            reason = pgp.reason
            cacheable = pgp.valid  # an unknown key may become known: only cache successes
        else:
            return None, f"its {commit.signature_format} signature is not a supported kind"
        if cacheable:
            self._cache[sha] = {"fingerprint": fingerprint, "reason": reason}
            self._dirty = True
        return fingerprint, reason

    def _openpgp(self) -> OpenPgpKeyring:
        if self._keyring is None:
            try:
                self._keyring = OpenPgpKeyring(self._openpgp_keys)
            except ValueError:
                # One unreadable key must not stop verification of everyone else's signatures.
                self._keyring = OpenPgpKeyring([k for k in self._openpgp_keys if _importable(k)])
        return self._keyring


_RECORD_TEXT = ("author_email", "committer", "author")


def _to_record(s: CommitSignature) -> dict[str, Any]:
    return {
        "format": s.format,
        "time": s.time.isoformat(),
        "author_email": s.author_email,
        "is_merge": s.is_merge,
        "dated_before_parent": s.dated_before_parent,
        "committer": s.committer,
        "author": s.author,
    }


def _from_record(sha: str, entry: dict[str, Any]) -> CommitSignature:
    record = entry["record"]
    return CommitSignature(
        sha,
        record["format"],
        entry["fingerprint"],
        entry["reason"],
        datetime.fromisoformat(record["time"]),
        record["author_email"],
        record["is_merge"],
        record["dated_before_parent"],
        record["committer"],
        record["author"],
    )


def _well_formed(sha: object, entry: object) -> bool:
    """A cache entry of the shape this version writes; any other is verified again."""
    if not isinstance(sha, str) or not isinstance(entry, dict) or "fingerprint" not in entry:
        return False
    if not isinstance(entry["fingerprint"], str | None) or not isinstance(entry.get("reason"), str):
        return False
    record = entry.get("record")
    if record is None:
        return True
    try:
        return (
            isinstance(record, dict)
            and isinstance(record.get("format"), str | None)
            and all(isinstance(record.get(k), str) for k in _RECORD_TEXT)
            and isinstance(record.get("is_merge"), bool)
            and isinstance(record.get("dated_before_parent"), bool)
            and datetime.fromisoformat(record["time"]).tzinfo is not None
        )
    except (TypeError, ValueError):
        return False


def _unreadable(sha: str, why: str) -> CommitSignature:
    return CommitSignature(
        sha,
        None,
        None,
        f"unreadable commit {sha[:12]}: {why.removeprefix('commit object ')}",
        datetime(1970, 1, 1, tzinfo=UTC),
        "",
        False,
        False,
        readable=False,
    )


def _importable(armored: str) -> bool:
    try:
        openpgp_fingerprint(armored)
    except ValueError:
        return False
    return True


def cache_file(git_dir: Path) -> Path:
    """Where verified signatures are cached, inside the repository's git directory."""
    return git_dir / "govern-as-code" / CACHE_NAME
