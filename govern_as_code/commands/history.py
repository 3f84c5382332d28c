"""`gac history SUBJECT`: the audit trail from git of a project, model, version, deployment or
person: every change to its documents with who signed it, approvals given and withdrawn, stage
changes, and when each version entered and left production under which deployment."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from govern_as_code.documents.kinds import (
    DeploymentDocument,
    ModelDocument,
    ModelVersionDocument,
    PersonDocument,
    ProjectDocument,
)
from govern_as_code.documents.yaml_loader import LoadError, parse_bytes
from govern_as_code.errors import GovernError, UsageError
from govern_as_code.evidence.approvals import key_fingerprints
from govern_as_code.evidence.signed_commits import CommitSignature, SignatureVerifier
from govern_as_code.git import Repository
from govern_as_code.portfolio import Portfolio, load_portfolio
from govern_as_code.portfolio.sources import RevisionSource

Progress = Callable[[int, int], None]  # (done, total), for a progress bar on a terminal
SEARCH_ORDER = ("Project", "Model", "Deployment", "Person")


@dataclass(frozen=True)
class HistoryEvent:
    commit: str
    date: str
    author: str  # "Name <email>"
    signature: str  # "signed by alice (ssh)", "unsigned", "signature does not verify: ..."
    event: str  # change | approval | withdrawal | stage | production
    path: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Scope:
    """What a subject's history covers: the pathspecs, and which model versions it is about."""

    ref: str
    pathspecs: tuple[str, ...]
    versions: frozenset[str]
    reviewer: str | None = None  # a person's history: the approvals they gave


def history(
    root: Path, subject: str, progress: Progress | None = None
) -> tuple[str, list[HistoryEvent]]:
    """The audit trail of `subject`, oldest first; returns (resolved ref, events)."""
    repo = Repository.discover(root)
    if repo is None or not repo.has_commits():
        raise GovernError(
            "history is read from git, and this folder has no git history",
            "run it inside the portfolio's git repository",
        )
    repo.require_full_history()
    head = repo.resolve("HEAD")
    portfolio = load_portfolio(RevisionSource(repo, head))
    scope = _scope(portfolio, subject)
    log = repo.path_log(head, scope.pathspecs)
    people = [m for _, m in portfolio.models("Person", PersonDocument)]
    verifier = SignatureVerifier(repo, people)
    try:
        signatures = verifier.signatures([e.commit for e in log])
    finally:
        verifier.close()
    contents = repo.read_files_at(
        pair
        for e in log
        for _, path in e.files
        for pair in ((e.commit, path), (f"{e.commit}^", path))
    )
    events: list[HistoryEvent] = []
    for done, entry in enumerate(reversed(log), 1):
        signature = _signature(signatures.get(entry.commit), people)
        for status, path in entry.files:
            before = _value(contents.get((f"{entry.commit}^", path)))
            after = _value(contents.get((entry.commit, path)))
            for event, detail in _describe(scope, status, path, before, after):
                events.append(
                    HistoryEvent(
                        entry.commit,
                        entry.time.isoformat(),
                        f"{entry.author_name} <{entry.author_email}>",
                        signature,
                        event,
                        path,
                        detail,
                    )
                )
        if progress is not None:
            progress(done, len(log))
    return scope.ref, events


def _scope(portfolio: Portfolio, subject: str) -> Scope:
    if "@" in subject:
        document = portfolio.get("ModelVersion", subject)
        if document is None:
            raise UsageError(f"there is no model version {subject!r}", "name it as model@version")
        model_id, _, version = subject.partition("@")
        return Scope(
            f"ModelVersion/{subject}",
            (document.path, f"approvals/{model_id}/{version}/", *_deployment_paths(portfolio)),
            frozenset({subject}),
        )
    kind, _, ident = subject.rpartition("/")
    kinds = (kind,) if kind else SEARCH_ORDER
    found = [d for k in kinds if (d := portfolio.get(k, ident)) is not None]
    if not found:
        raise UsageError(
            f"there is no {kind or 'project, model, deployment or person'} {ident!r}",
            "name it as model@version, KIND/id or an id",
        )
    if len(found) > 1:
        raise UsageError(
            f"{ident!r} is ambiguous: {', '.join(d.ref for d in found)}", "name it as KIND/id"
        )
    document = found[0]
    model = document.model
    if isinstance(model, ProjectDocument):
        folder = document.path.rsplit("/", 1)[0] + "/"
        models = [d.id for d, m in _models(portfolio) if m.spec.project == ident]
        return _versions_scope(portfolio, document.ref, (folder,), models)
    if isinstance(model, ModelDocument):
        return _versions_scope(
            portfolio, document.ref, (document.path.rsplit("/", 1)[0] + "/",), [ident]
        )
    if isinstance(model, DeploymentDocument):
        return Scope(document.ref, (document.path,), frozenset({model.spec.modelVersion}))
    if isinstance(model, PersonDocument):
        return Scope(document.ref, (document.path, "approvals/"), frozenset(), reviewer=ident)
    return Scope(document.ref, (document.path,), frozenset())


def _models(portfolio: Portfolio) -> Iterable[tuple[Any, ModelDocument]]:
    return portfolio.models("Model", ModelDocument)


def _versions_scope(
    portfolio: Portfolio, ref: str, folders: Sequence[str], models: Sequence[str]
) -> Scope:
    versions = frozenset(
        v.metadata.id
        for _, v in portfolio.models("ModelVersion", ModelVersionDocument)
        if v.spec.model in models
    )
    approvals = tuple(f"approvals/{m}/" for m in models)
    return Scope(ref, (*folders, *approvals, *_deployment_paths(portfolio)), versions)


def _deployment_paths(portfolio: Portfolio) -> tuple[str, ...]:
    globs = [g if isinstance(g, str) else g.glob for g in portfolio.settings.deploymentGlobs]
    return ("deployments/", *(f":(glob){g}" for g in globs))


def _value(raw: bytes | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        value = parse_bytes(raw).single().value
    except (LoadError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _spec(value: dict[str, Any] | None) -> dict[str, Any]:
    spec = (value or {}).get("spec")
    return spec if isinstance(spec, dict) else {}


def _describe(
    scope: Scope,
    status: str,
    path: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> Iterable[tuple[str, str]]:
    kind = str((after or before or {}).get("kind", ""))
    if kind == "Approval":
        yield from _approval_events(scope, status, before, after)
        return
    if kind == "Deployment" or _deployed(before, scope) or _deployed(after, scope):
        yield from _deployment_events(scope, path, before, after)
        if kind == "Deployment":
            return
    if scope.reviewer is not None and kind != "Person":
        return
    verb = {"A": "added", "D": "deleted"}.get(status, "changed")
    yield "change", f"{kind or 'file'} {verb}"
    if kind == "Project":
        yield from _stage_events(before, after)
    if kind == "ModelVersion":
        old, new = _spec(before).get("status"), _spec(after).get("status")
        if old != new and "production" in (old, new):
            ident = (after or before or {}).get("metadata", {}).get("id")
            word = "entered" if new == "production" else "left"
            yield (
                "production",
                f"{ident} {word} production (status {old or 'none'} -> {new or 'deleted'})",
            )


def _approval_events(
    scope: Scope, status: str, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> Iterable[tuple[str, str]]:
    spec = _spec(after or before)
    if scope.reviewer is not None and spec.get("reviewer") != scope.reviewer:
        return
    if not scope.reviewer and spec.get("subject") not in scope.versions:
        return
    what = f"{spec.get('subject')} as {spec.get('role')} by {spec.get('reviewer')}"
    if status == "D" or after is None:
        yield "withdrawal", f"approval withdrawn: {what}"
    elif before is None:
        yield "approval", f"{spec.get('decision')}: {what} (digest {spec.get('digest')})"
    else:
        yield "approval", f"approval changed: {what}, now {spec.get('decision')}"


def _deployed(value: dict[str, Any] | None, scope: Scope) -> bool:
    return _target(value) in scope.versions


def _target(value: dict[str, Any] | None) -> str | None:
    if value is None:
        return None
    if value.get("kind") == "Deployment":
        found = _spec(value).get("modelVersion")
        return str(found) if found else None
    annotations = (value.get("metadata") or {}).get("annotations") or {}
    found = (
        annotations.get("govern-as-code/model-version") if isinstance(annotations, dict) else None
    )
    return str(found) if found else None


def _deployment_events(
    scope: Scope, path: str, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> Iterable[tuple[str, str]]:
    old, new = _target(before), _target(after)
    if old == new:
        if new in scope.versions:
            yield "change", f"deployment {path} of {new} changed"
        return
    if old in scope.versions:
        yield "production", f"{old} left {path}" + (f", replaced by {new}" if new else " (deleted)")
    if new in scope.versions:
        yield "production", f"{new} entered {path}" + (f", replacing {old}" if old else "")


def _stage_events(
    before: dict[str, Any] | None, after: dict[str, Any] | None
) -> Iterable[tuple[str, str]]:
    def states(value: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
        stages = _spec(value).get("stages") or []
        return {str(s.get("id")): s for s in stages if isinstance(s, dict)}

    old, new = states(before), states(after)
    for stage, entry in new.items():
        was = old.get(stage, {}).get("status", "not-started")
        now = entry.get("status")
        if was != now:
            by = (
                f" by {entry.get('completedBy')}"
                if now == "complete" and entry.get("completedBy")
                else ""
            )
            yield "stage", f"stage {stage}: {was} -> {now}{by}"


def _signature(signature: CommitSignature | None, people: Sequence[PersonDocument]) -> str:
    if signature is None:
        return "could not be read"
    if signature.format is None:
        return "unsigned"
    if signature.fingerprint is None:
        return f"{signature.format} signature does not verify: {signature.reason}"
    wanted = (
        signature.fingerprint.upper() if signature.format == "openpgp" else signature.fingerprint
    )
    for person in people:
        for fingerprint, _ in key_fingerprints(person):
            if fingerprint == wanted:
                return f"signed by {person.metadata.id} ({signature.format})"
    return f"signed by a key no Person lists ({signature.format} {signature.fingerprint})"


def render_text(ref: str, events: Sequence[HistoryEvent]) -> str:
    """One line per event: date, commit, signature, what happened, where."""
    if not events:
        return f"{ref}: no history\n"
    lines = [f"history of {ref}"]
    for e in events:
        lines.append(f"{e.date}  {e.commit[:12]}  {e.signature}  {e.detail}  ({e.path})")
    return "\n".join(lines) + "\n"
