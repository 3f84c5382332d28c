"""The governance changes in history: who completed each stage, promoted or retired each
version, changed a deployment, a qualification or a policy, and whether they signed it.

One `git log --raw` over the governance paths lists every change with its blob ids; the
blobs are read in one batch and compared old against new. Nothing here runs git per file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import yaml

from govern_as_code.documents.yaml_loader import MAX_FILE_BYTES, LoadError, parse_bytes
from govern_as_code.evidence.history import trace_origin
from govern_as_code.evidence.signed_commits import CommitSignature, SignatureVerifier
from govern_as_code.git import BlobChange, Repository
from govern_as_code.portfolio.model import Portfolio
from govern_as_code.portfolio.trust import TrustRoot
from govern_as_code.results import HistoryEvent, HistoryKind, StageEvent, Verification

_WATCHED = ("Project", "ModelVersion", "Deployment", "Policy", "Portfolio")
# The governance.yaml settings that change which rules apply and where the gate guards.
_POLICY_SETTINGS = ("policies", "environments", "evidence", "trust", "deploymentGlobs")
StageRecord = tuple[str, str | None, str | None]  # status, completedBy, completedOn


@dataclass(frozen=True)
class Signed:
    """Who signed a commit, as far as the trusted base can tell."""

    signer: str | None
    fingerprint: str | None
    verification: Verification
    detail: str


@dataclass(frozen=True)
class StageCompletion:
    """The commit after which a stage has held its current completion record."""

    commit: str
    time: datetime
    record: StageRecord
    signed: Signed


@dataclass(frozen=True)
class GovernanceLog:
    completions: Mapping[tuple[str, str], StageCompletion]
    events: tuple[HistoryEvent, ...]  # newest first


def governance_log(
    repo: Repository,
    head: str,
    portfolio: Portfolio,
    trust: TrustRoot,
    verifier: SignatureVerifier,
) -> GovernanceLog:
    """Stage completions and governance events of `head`'s history, with their signers."""
    watched = {d.path for d in portfolio.documents if d.kind in _WATCHED}
    foreign = {d.path: d for d in portfolio.deployments() if d.foreign}
    watched |= set(foreign)
    # Other documents that share a folder (approvals next to versions, say) are not read.
    others = {d.path for d in portfolio.documents} - watched
    specs = sorted({_folder(p) for p in watched} | {"policies", "governance.yaml"})
    changes = [
        c
        for c in reversed(repo.blob_log(head, specs))
        if c.path not in others and c.path.endswith((".yaml", ".yml", ".json"))
    ]
    blobs = repo.read_blobs(b for c in changes for b in (c.old_blob, c.new_blob) if b)
    parsed: dict[str, Any] = {}

    def value(blob: str | None, path: str) -> Any:
        if blob is None:
            return None
        if blob not in parsed:
            parsed[blob] = _parse(blobs.get(blob), path.endswith(".json"))
        return parsed[blob]

    walk = _Walk(foreign)
    for change in changes:
        walk.see(change, value(change.old_blob, change.path), value(change.new_blob, change.path))
    commits = sorted({c.commit for c in walk.completions.values()} | {e[1] for e in walk.events})
    signatures = verifier.signatures(commits)
    authors = {sha: s.author for sha, s in signatures.items()}
    signed = {sha: _signed(sha, signatures.get(sha), trust) for sha in commits}
    completions = {
        key: StageCompletion(c.commit, c.time, c.record, signed[c.commit])
        for key, c in walk.completions.items()
    }
    events = tuple(
        HistoryEvent(
            kind,
            subject,
            what,
            change.time,
            change.commit,
            authors.get(change.commit, ""),
            change.path,
            signed[change.commit].signer,
            signed[change.commit].fingerprint,
            signed[change.commit].verification,
            signed[change.commit].detail,
        )
        for kind, _, subject, what, change in reversed(walk.events)
    )
    return GovernanceLog(completions, events)


def with_commit(event: StageEvent, log: GovernanceLog) -> StageEvent:
    """The completion with the commit that recorded it, verified like an approval."""
    found = log.completions.get((event.project, event.stage))
    if found is None or not _same_completion(found, event):
        return replace(event, detail="the completion is not committed")
    signed = found.signed
    verification = signed.verification
    detail = signed.detail
    if verification == "verified" and signed.signer != event.completed_by:
        # A commit signed by one person cannot vouch that another completed the stage.
        verification = "other signer"
        detail = f"signed by {signed.signer}, not by the completer"
    return replace(
        event,
        commit=found.commit,
        commit_time=found.time,
        signer=signed.signer,
        signer_fingerprint=signed.fingerprint,
        verification=verification,
        detail=detail,
    )


def _same_completion(found: StageCompletion, event: StageEvent) -> bool:
    """Whether the committed record is what the assessed document says (not a local edit)."""
    _, by, on = found.record
    if by != event.completed_by:
        return False
    if on is None or event.completed_on is None:
        return on is None and event.completed_on is None
    try:
        committed = datetime.fromisoformat(on.replace("Z", "+00:00"))
    except ValueError:
        return False
    if committed.tzinfo is None:
        committed = committed.replace(tzinfo=UTC)
    return committed == event.completed_on


def _folder(path: str) -> str:
    return path.split("/", 1)[0]


def _parse(raw: bytes | None, is_json: bool) -> Any:
    if raw is None or len(raw) > MAX_FILE_BYTES:
        return None
    try:
        # The loader the documents are read with, so a past state means what it meant then
        # (YAML 1.2, no aliases); its fast path composes in libyaml, so reading every past
        # state of every watched file costs little.
        data = parse_bytes(raw, is_json=is_json).single().value
    except (LoadError, yaml.YAMLError, UnicodeDecodeError, ValueError):
        return None  # an unparsable past state shows no change rather than a wrong one
    return data if isinstance(data, dict) else None


def _signed(commit: str, signature: CommitSignature | None, trust: TrustRoot) -> Signed:
    origin = trace_origin(commit, signature, trust)
    if origin.person is not None:
        fingerprint = signature.fingerprint if signature else None
        return Signed(origin.person, fingerprint, "verified", "")
    unsigned = signature is None or signature.format is None
    return Signed(None, None, "unsigned" if unsigned else "unverified", origin.reason)


@dataclass(frozen=True)
class _Pending:
    commit: str
    time: datetime
    record: StageRecord


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _text(data: Any, *keys: str) -> str | None:
    found = _get(data, *keys)
    return None if found is None else str(found)


class _Walk:
    """Replays the changes oldest first, remembering what each one changed."""

    def __init__(self, foreign: Mapping[str, Any]) -> None:
        self.foreign = foreign
        self.completions: dict[tuple[str, str], _Pending] = {}
        self.events: list[tuple[HistoryKind, str, str, str, BlobChange]] = []

    def _event(self, kind: HistoryKind, subject: str, what: str, change: BlobChange) -> None:
        self.events.append((kind, change.commit, subject, what, change))

    def see(self, change: BlobChange, old: Any, new: Any) -> None:
        if change.path in self.foreign:
            self._foreign(change, new)
            return
        kind = _get(new, "kind") or _get(old, "kind")
        if kind == "Project":
            self._project(change, old, new)
        elif kind == "ModelVersion":
            self._version(change, old, new)
        elif kind == "Deployment":
            self._deployment(change, old, new)
        elif kind == "Policy":
            self._policy(change, old, new)
        elif kind == "Portfolio":
            self._settings(change, old, new)

    def _project(self, change: BlobChange, old: Any, new: Any) -> None:
        ident = _text(new, "metadata", "id") or _text(old, "metadata", "id") or change.path
        before, after = _stages(old), _stages(new)
        for stage, record in after.items():
            if record[0] == "complete" and before.get(stage) != record:
                self.completions[(ident, stage)] = _Pending(change.commit, change.time, record)
        for stage in set(before) | set(after):
            if after.get(stage, ("",))[0] != "complete":
                self.completions.pop((ident, stage), None)
        was, now = _qualification(old), _qualification(new)
        if was != now:
            self._event("qualification", ident, _describe_qualification(now), change)

    def _version(self, change: BlobChange, old: Any, new: Any) -> None:
        ident = _text(new, "metadata", "id") or _text(old, "metadata", "id") or change.path
        was, now = _text(old, "spec", "status"), _text(new, "spec", "status")
        if now == was or new is None:
            return
        if now == "production":
            self._event("promotion", ident, f"{ident} to production (was {was or 'new'})", change)
        elif now == "retired":
            self._event("retirement", ident, f"{ident} retired (was {was or 'new'})", change)

    def _deployment(self, change: BlobChange, old: Any, new: Any) -> None:
        fields = ("environment", "modelVersion", "target")
        was = tuple(_text(old, "spec", f) for f in fields) if old is not None else None
        now = tuple(_text(new, "spec", f) for f in fields) if new is not None else None
        if was == now:
            return
        if now is None:
            assert was is not None
            what = f"{was[1] or 'no version'} removed from {was[0] or 'an environment'}"
        else:
            what = f"{now[1] or 'no version'} to {now[0] or 'an environment'}"
            if was is not None and was[1] != now[1]:
                what += f" (was {was[1] or 'no version'})"
        self._event("deployment", change.path, what, change)

    def _foreign(self, change: BlobChange, new: Any) -> None:
        current = self.foreign[change.path]
        if new is None:
            what = "manifest removed"
        else:
            # A foreign manifest's reading is the loader's; the current one names what it runs.
            runs = current.subject or "no version"
            what = f"manifest changed (now {runs} in {current.environment})"
        self._event("deployment", change.path, what, change)

    def _policy(self, change: BlobChange, old: Any, new: Any) -> None:
        if _get(old, "spec") == _get(new, "spec"):
            return
        ident = _text(new, "metadata", "id") or _text(old, "metadata", "id") or change.path
        how = "added" if old is None else "removed" if new is None else "changed"
        self._event("policy", ident, f"policy {ident} {how}", change)

    def _settings(self, change: BlobChange, old: Any, new: Any) -> None:
        changed = [k for k in _POLICY_SETTINGS if _get(old, "spec", k) != _get(new, "spec", k)]
        if not changed:
            return
        how = "set" if old is None else "changed"
        what = f"portfolio settings {how}: {', '.join(changed)}"
        self._event("policy", change.path, what, change)


def _stages(data: Any) -> dict[str, StageRecord]:
    stages = _get(data, "spec", "stages")
    found: dict[str, StageRecord] = {}
    for stage in stages if isinstance(stages, list) else ():
        if isinstance(stage, dict) and stage.get("id") is not None:
            found[str(stage["id"])] = (
                str(stage.get("status")),
                None if stage.get("completedBy") is None else str(stage["completedBy"]),
                _moment(stage.get("completedOn")),
            )
    return found


def _moment(value: Any) -> str | None:
    """A timestamp in one spelling, whichever loader read it (text or a datetime)."""
    if value is None:
        return None
    moment = value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    return str(moment)


def _qualification(data: Any) -> tuple[Any, ...] | None:
    found = _get(data, "spec", "qualification")
    if not isinstance(found, dict):
        return None
    return tuple(found.get(k) for k in ("value", "risk", "feasibility", "draft"))


def _describe_qualification(now: Sequence[Any] | None) -> str:
    if now is None:
        return "qualification removed"
    value, risk, feasibility, draft = now
    return f"qualified value {value}, risk {risk}, feasibility {feasibility}" + (
        " (draft)" if draft else ""
    )
