"""Assessing a portfolio: the trusted base, the evidence, every rule and the deploy gates.

This is the core behind `gac lint`, `gac check-deploy` and `gac report`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from govern_as_code.digest import approvable_content, changed_fields, version_digest
from govern_as_code.documents.kinds import (
    ApprovalDocument,
    ModelVersionDocument,
    ProjectDocument,
)
from govern_as_code.documents.validation import validate_data
from govern_as_code.documents.yaml_loader import LoadError, parse_bytes
from govern_as_code.errors import GitError
from govern_as_code.evidence.approvals import collect_evidence, key_fingerprints
from govern_as_code.evidence.signed_commits import SignatureVerifier
from govern_as_code.gate import GateOptions, GateVerdict, evaluate, judge_approvals
from govern_as_code.git import Repository
from govern_as_code.portfolio import (
    IGNORE_FILE,
    LoadOptions,
    Portfolio,
    load_portfolio,
)
from govern_as_code.problems import GateResult, LintReport
from govern_as_code.rules.base import RuleContext
from govern_as_code.rules.engine import run_rules
from govern_as_code.rules.policy import resolve_policy
from govern_as_code.rules.registry import rule_infos
from govern_as_code.sources import RevisionSource, WorktreeSource
from govern_as_code.status import ApprovalCheck, PortfolioStatus, StageEvent
from govern_as_code.trust import TrustRoot

GATE_RULE = "production-requires-approvals"
DEFAULT_BRANCHES = ("origin/HEAD", "origin/main", "main", "origin/master", "master")


@dataclass(frozen=True)
class LintRequest:
    root: Path
    base: str | None = None
    at: str | None = None  # a revision or ISO date: assess the portfolio as it stood then
    today: date | None = None
    only_paths: Sequence[str] | None = None  # check-deploy: gate only these manifests


@dataclass
class Assessment:
    portfolio: Portfolio
    trust: TrustRoot
    context: RuleContext
    report: LintReport
    status: PortfolioStatus
    verdicts: dict[str, GateVerdict] = field(default_factory=dict)


def _resolve_at(repo: Repository, at: str) -> str:
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return repo.resolve(at)
    if moment.tzinfo is None:
        moment = (
            moment.replace(hour=23, minute=59, second=59, tzinfo=UTC)
            if len(at) <= 10
            else moment.replace(tzinfo=UTC)
        )
    found = repo.rev_before(moment)
    if found is None:
        raise GitError(
            f"the repository has no commit on or before {at}", "choose a later date, or a revision"
        )
    return found


def find_base(repo: Repository, head: str, explicit: str | None) -> str:
    """The trusted base: --base, else governance.yaml trust.base, else the default branch.

    `trust.base` is read from the default branch's governance.yaml, never from the change
    under review, which could otherwise name itself as its own trust root.
    """
    if explicit:
        return _merge_base(repo, head, explicit)
    # In a pull request's CI, GitHub names the branch it will merge into.
    pr_base = os.environ.get("GITHUB_BASE_REF")
    candidates = ((f"origin/{pr_base}",) if pr_base else ()) + DEFAULT_BRANCHES
    default = next((b for b in candidates if repo.ref_exists(b)), None)
    if default is None:
        raise GitError(
            "cannot find the trusted base: there is no origin/HEAD, main or master",
            "pass --base REF (e.g. --base origin/main after git fetch origin main)",
        )
    default_base = _merge_base(repo, head, default)
    configured = _configured_base(repo, default_base)
    return _merge_base(repo, head, configured) if configured else default_base


def _merge_base(repo: Repository, head: str, ref: str) -> str:
    resolved = repo.resolve(ref)
    found = repo.merge_base(head, resolved)
    if found is None:
        raise GitError(
            f"{ref} shares no history with {head[:12]}",
            "fetch the full history (fetch-depth: 0) or pass another --base",
        )
    return found


def _configured_base(repo: Repository, revision: str) -> str | None:
    for name in ("governance.yaml", "governance.yml"):
        raw = repo.read_file(revision, name)
        if raw is None:
            continue
        try:
            data = parse_bytes(raw).single()
        except LoadError:
            return None
        document, _ = validate_data(name, data)
        spec = getattr(document, "spec", None)
        trust = getattr(spec, "trust", None)
        return getattr(trust, "base", None)
    return None


def assess(request: LintRequest) -> Assessment:
    """Everything `gac lint` reports, and the status the report shows."""
    root = request.root
    today = request.today or datetime.now(UTC).date()
    repo = Repository.discover(root)
    if repo is not None and not repo.has_commits():
        repo = None
    if repo is None:
        if request.at:
            raise GitError(
                f"{root} has no git history, so --at cannot be used",
                "run it inside the portfolio's git repository",
            )
        return _assess_without_history(root, today, request)
    repo.require_full_history()
    head = _resolve_at(repo, request.at) if request.at else repo.resolve("HEAD")
    base = head if request.at else find_base(repo, head, request.base)
    base_source = RevisionSource(repo, base)
    base_portfolio = load_portfolio(base_source)
    base_ignore = repo.read_file(base, IGNORE_FILE) or b""
    trust = TrustRoot.from_portfolio(
        base_portfolio, tuple(base_ignore.decode("utf-8", "replace").splitlines())
    )
    options = LoadOptions(base_portfolio.settings, trust.ignore_lines)
    if request.at:
        head_source: RevisionSource | WorktreeSource = base_source
        portfolio = base_portfolio
        head_ignore = base_ignore
        dirty: frozenset[str] = frozenset()
    else:
        head_source = WorktreeSource(repo.root, repo)
        portfolio = load_portfolio(head_source, options)
        ignore_path = repo.root / IGNORE_FILE
        head_ignore = ignore_path.read_bytes() if ignore_path.is_file() else b""
        approval_paths = [d.path for d in portfolio.of_kind("Approval")]
        dirty = (
            frozenset(repo.dirty_paths()) & frozenset(approval_paths)
            if approval_paths
            else frozenset()
        )
    verifier = SignatureVerifier(repo, trust.people.values())
    try:
        evidence = collect_evidence(
            repo, head, portfolio.of_kind("Approval"), trust, dirty=dirty, verifier=verifier
        )
        extra = {
            "head_ignore": head_ignore,
            "base_ignore": base_ignore,
            "version_authors": _version_authors(repo, head, portfolio, trust, verifier),
            "changes": _stale_changes(repo, head, portfolio),
        }
    finally:
        verifier.close()
    context = RuleContext(portfolio, trust, today, evidence, extra)
    return _finish(context, request, revision=head)


def _assess_without_history(root: Path, today: date, request: LintRequest) -> Assessment:
    portfolio = load_portfolio(WorktreeSource(root, None))
    trust = TrustRoot.from_portfolio(portfolio)
    context = RuleContext(portfolio, trust, today, {}, {})
    return _finish(context, request, revision=None)


def _finish(context: RuleContext, request: LintRequest, revision: str | None) -> Assessment:
    policy = resolve_policy(context.trust)
    gate_setting = policy.get(GATE_RULE)
    gate_options = (
        GateOptions.model_validate(dict(gate_setting.options)) if gate_setting else GateOptions()
    )
    problems = run_rules(context, policy)
    verdicts: dict[str, GateVerdict] = {}
    gates = []
    wanted = {str(Path(p)) for p in request.only_paths} if request.only_paths is not None else None
    for deployment in context.portfolio.deployments():
        if wanted is not None and deployment.path not in wanted:
            continue
        if not context.trust.settings.gates(deployment.environment, deployment.path):
            continue
        subject = deployment.subject or ""
        if subject and subject not in verdicts:
            verdicts[subject] = evaluate(context, subject, gate_options)
        verdict = verdicts.get(subject)
        reasons = tuple(verdict.reasons) if verdict else ("names no model version",)
        gates.append(
            GateResult(
                deployment.path, deployment.environment, subject or "(none)", not reasons, reasons
            )
        )
    if wanted is not None:
        # A file that did not load may have been an approval or a rejection of the gated
        # version: its problem blocks the deploy too (fail closed).
        unloaded = set(context.portfolio.problems)
        problems = [p for p in problems if p.path in wanted or p in unloaded]
    report = LintReport(
        tuple(problems), len(context.portfolio.documents), rule_infos(), tuple(gates)
    )
    status = PortfolioStatus(
        report, _approval_checks(context, gate_options), _stage_events(context), revision, None
    )
    return Assessment(context.portfolio, context.trust, context, report, status, verdicts)


def _approval_checks(context: RuleContext, options: GateOptions) -> tuple[ApprovalCheck, ...]:
    subjects = sorted(
        {
            d.model.spec.subject
            for d in context.portfolio.of_kind("Approval")
            if isinstance(d.model, ApprovalDocument)
        }
    )
    checks: list[ApprovalCheck] = []
    for subject in subjects:
        checks.extend(j.as_check() for j in judge_approvals(context, subject, options.maxAgeDays))
    return tuple(checks)


def _stage_events(context: RuleContext) -> tuple[StageEvent, ...]:
    events = []
    for _, project in context.portfolio.models("Project", ProjectDocument):
        for stage in project.spec.stages:
            if stage.status == "complete":
                events.append(
                    StageEvent(project.metadata.id, stage.id, stage.completedBy, stage.completedOn)
                )
    return tuple(
        sorted(
            events, key=lambda e: (e.completed_on or datetime.min.replace(tzinfo=UTC), e.project)
        )
    )


def _version_authors(
    repo: Repository, head: str, portfolio: Portfolio, trust: TrustRoot, verifier: SignatureVerifier
) -> dict[str, set[str]]:
    """Who made the commit that created each deployed version: by email and by signing key."""
    deployed = {
        d.subject
        for d in portfolio.deployments()
        if d.subject and portfolio.settings.gates(d.environment, d.path)
    }
    paths = {s: portfolio.get("ModelVersion", s) for s in deployed}
    wanted = {s: d.path for s, d in paths.items() if d is not None}
    if not wanted:
        return {}
    # One walk of history for all of them; git log lists the newest first, so the last
    # change seen for a path is the commit that created it.
    subject_by_path = {path: subject for subject, path in wanted.items()}
    folders = sorted({path.split("/", 1)[0] for path in subject_by_path})
    creators: dict[str, str] = {}
    for change in repo.changes(head, folders):
        subject = subject_by_path.get(change.path)
        if subject is not None:
            creators[subject] = change.commit
    signatures = verifier.signatures(sorted(set(creators.values())))
    by_email = {p.spec.email.lower(): p.metadata.id for p in trust.people.values()}
    by_key = {
        fp.upper(): p.metadata.id for p in trust.people.values() for fp, _ in key_fingerprints(p)
    }
    authors: dict[str, set[str]] = {}
    for subject, commit in creators.items():
        signature = signatures.get(commit)
        if signature is None:
            continue
        found = authors.setdefault(subject, set())
        if signature.author_email in by_email:
            found.add(by_email[signature.author_email])
        if signature.fingerprint and signature.fingerprint.upper() in by_key:
            found.add(by_key[signature.fingerprint.upper()])
    return authors


def _stale_changes(repo: Repository, head: str, portfolio: Portfolio) -> dict[str, str]:
    """For each stale approval, what changed in the version since the approved content."""
    found: dict[str, str] = {}
    for document in portfolio.of_kind("Approval"):
        approval = document.model
        if not isinstance(approval, ApprovalDocument) or "@" not in approval.spec.subject:
            continue
        version_doc = portfolio.get("ModelVersion", approval.spec.subject)
        if version_doc is None or not isinstance(version_doc.model, ModelVersionDocument):
            continue
        if approval.spec.digest == version_digest(version_doc.model):
            continue
        found[document.path] = _what_changed(
            repo, head, version_doc.path, version_doc.model, approval.spec.digest
        )
    return found


def _what_changed(
    repo: Repository, head: str, path: str, current: ModelVersionDocument, approved_digest: str
) -> str:
    for change in repo.changes(head, [path]):
        raw = repo.read_file(change.commit, path)
        if raw is None:
            continue
        try:
            document, _ = validate_data(path, parse_bytes(raw).single())
        except LoadError:
            continue
        if (
            isinstance(document, ModelVersionDocument)
            and version_digest(document) == approved_digest
        ):
            changes = changed_fields(approvable_content(document), approvable_content(current))
            return f"; changed since commit {change.commit[:12]}: {'; '.join(changes)}"
    return "; no earlier content of this version has the approved digest"
