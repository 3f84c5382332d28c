"""Assessing a portfolio: the trusted base, the evidence, every rule and the deploy gates.

This is the core behind `gac lint`, `gac check-deploy` and `gac report`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

from govern_as_code.commands.deployed_since import deployed_since
from govern_as_code.commands.providers import build_providers
from govern_as_code.documents.kinds import (
    ApprovalDocument,
    ModelDocument,
    ModelVersionDocument,
    ProjectDocument,
)
from govern_as_code.errors import GitError
from govern_as_code.evidence.commit_links import commit_url
from govern_as_code.evidence.commit_object import split_signed_commit
from govern_as_code.evidence.governance_log import GovernanceLog, governance_log, with_commit
from govern_as_code.evidence.history import history_facts
from govern_as_code.evidence.provider import EvidenceRequest, collect_all
from govern_as_code.evidence.reached_production import reached_production
from govern_as_code.evidence.signed_commits import SignatureVerifier
from govern_as_code.gate.judge import judge_approvals
from govern_as_code.gate.model import GateVerdict
from govern_as_code.gate.options import GateOptions
from govern_as_code.gate.tiers import strictest_tier
from govern_as_code.gate.verdict import evaluate
from govern_as_code.git import Repository, remote_url
from govern_as_code.portfolio import LoadOptions, Portfolio, load_portfolio
from govern_as_code.portfolio.base import TrustedBase, at_moment, find_trusted_base, resolve_at
from govern_as_code.portfolio.blobs import BlobStore
from govern_as_code.portfolio.cache import ParseCache, cache_folder
from govern_as_code.portfolio.ignore import (
    IgnoreFiles,
    ignore_lines,
    read_revision_ignore,
    read_worktree_ignore,
)
from govern_as_code.portfolio.sources import RevisionSource, WorktreeSource
from govern_as_code.portfolio.trust import TrustRoot
from govern_as_code.problems import GateResult, Level, LintReport
from govern_as_code.results import (
    ApprovalCheck,
    DriftLimits,
    NeededRole,
    PortfolioStatus,
    SignoffStatus,
    StageEvent,
)
from govern_as_code.rules import drift_threshold
from govern_as_code.rules.base import RuleContext
from govern_as_code.rules.engine import gated_deployments, run_rules
from govern_as_code.rules.policy import GATE_RULE, ResolvedPolicy, resolve_policy
from govern_as_code.rules.registry import rule_infos


@dataclass(frozen=True)
class LintRequest:
    root: Path
    base: str | None = None
    at: str | None = None  # a revision or ISO date: assess the portfolio as it stood then
    today: date | None = None
    only_paths: Sequence[str] | None = None  # check-deploy: gate only these manifests
    offline: bool = False  # forge evidence from the cache only
    environ: Mapping[str, str] | None = None  # the CI's variables; None: the process's own
    # What only the report shows costs walks of the history: "deployed since", when each
    # version first reached production, the stage completions' commits and the governance
    # changes. The gate needs none of them, so lint does not pay for them.
    report_history: bool = False
    cache_dir: Path | None = None  # None: the default cache under the git directory
    no_cache: bool = False  # parse everything and verify every signature again


@dataclass
class Assessment:
    portfolio: Portfolio
    trust: TrustRoot
    context: RuleContext
    report: LintReport
    status: PortfolioStatus
    verdicts: dict[str, GateVerdict] = field(default_factory=dict)
    # The ref the trust root was read from and its merge-base; None without history or --at.
    base: TrustedBase | None = None


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
    cache_dir = _cache_dir(request, repo)
    if cache_dir is not None:
        repo.history_memo = cache_dir / "history"
    head = resolve_at(repo, request.at) if request.at else repo.resolve("HEAD")
    # A past state is judged on its own day: expiry, staleness and overdue count from it.
    as_of = (at_moment(request.at) or _commit_time(repo, head)) if request.at else None
    if as_of is not None:
        today = as_of.date()
    trusted = None if request.at else find_trusted_base(repo, head, request.base)
    base = head if trusted is None else trusted.commit
    base_source = RevisionSource(repo, base, request.at)
    # One store for both loads: a blob the base and the head share is parsed once, and both
    # portfolios hold the same Document for it.
    store = BlobStore(ParseCache(cache_dir) if cache_dir is not None else None)
    # The trusted base may predate governance.yaml; what is assessed may not.
    base_portfolio = load_portfolio(
        base_source, LoadOptions(require_settings=bool(request.at)), store
    )
    base_ignore = read_revision_ignore(repo, base)
    trust = TrustRoot.from_portfolio(base_portfolio, ignore_lines(base_ignore))
    if request.at:
        portfolio = base_portfolio
        ignore = IgnoreFiles(base_ignore, base_ignore)
        dirty: frozenset[str] = frozenset()
    else:
        options = LoadOptions(base_portfolio.settings, trust.ignore_lines)
        portfolio = load_portfolio(WorktreeSource(repo.root, repo), options, store)
        ignore = IgnoreFiles(read_worktree_ignore(repo.root), base_ignore)
        approval_paths = frozenset(d.path for d in portfolio.of_kind("Approval"))
        dirty = frozenset(repo.dirty_paths()) & approval_paths if approval_paths else frozenset()
    store.release()
    verifier = SignatureVerifier(
        repo, trust.people.values(), cache_dir=cache_dir, use_cache=cache_dir is not None
    )
    try:
        subjects = tuple(
            sorted(
                {
                    d.subject
                    for d in portfolio.deployments()
                    if d.subject and trust.settings.gates(d.environment, d.path)
                }
            )
        )
        evidence_request = EvidenceRequest(repo, head, portfolio, trust, subjects, dirty)
        providers = build_providers(
            trust,
            repo,
            verifier,
            environ=request.environ,
            offline=request.offline,
            # A folder the user named holds the forge's answers too; else GAC_CACHE_DIR of the
            # CI's variables, else the git directory. --no-cache leaves the forge's answers
            # alone: --offline reads nothing else.
            cache_root=cache_dir if request.cache_dir is not None else None,
        )
        evidence = collect_all(providers, evidence_request)
        history = history_facts(repo, head, portfolio, trust, verifier)
        log = (
            governance_log(repo, head, portfolio, trust, verifier)
            if request.report_history
            else None
        )
    finally:
        verifier.close()
    context = RuleContext(portfolio, trust, today, evidence, history, ignore)
    assessment = _finish(context, request, revision=head, as_of=as_of, log=log)
    store.save()  # after the rules: what their problems pointed at is cached with positions
    if request.report_history:
        since = deployed_since(repo, head, portfolio)
        assessment.status = replace(assessment.status, deployed_since=since)
    assessment.base = trusted
    if log is not None:
        assessment.status = replace(
            assessment.status,
            history_events=log.events,
            commit_url=commit_url(remote_url(repo)),
        )
    if request.report_history:
        gated = [d for d in portfolio.deployments() if trust.settings.gates(d.environment, d.path)]
        reached = reached_production(repo, head, gated)
        assessment.status = replace(
            assessment.status, reached_production=tuple(sorted(reached.items()))
        )
    return assessment


def _cache_dir(request: LintRequest, repo: Repository | None) -> Path | None:
    """The cache folder for this run, None for none. One the user named must be usable."""
    return cache_folder(request.cache_dir, request.no_cache, repo.git_dir if repo else None)


def _commit_time(repo: Repository, revision: str) -> datetime:
    """When `revision` was committed: what "as of" means for a past state (`--at`)."""
    return split_signed_commit(repo.raw_commits([revision])[revision]).committer_time


def _assess_without_history(root: Path, today: date, request: LintRequest) -> Assessment:
    cache_dir = _cache_dir(request, None)
    store = BlobStore(ParseCache(cache_dir) if cache_dir is not None else None)
    portfolio = load_portfolio(WorktreeSource(root, None), store=store)
    trust = TrustRoot.from_portfolio(portfolio)
    context = RuleContext(portfolio, trust, today)
    assessment = _finish(context, request, revision=None)
    store.save()
    return assessment


def _finish(
    context: RuleContext,
    request: LintRequest,
    revision: str | None,
    as_of: datetime | None = None,
    log: GovernanceLog | None = None,
) -> Assessment:
    policy = resolve_policy(context.trust)
    gate_options = policy.options_of(GATE_RULE, GateOptions)
    problems = run_rules(context, policy)
    verdicts: dict[str, GateVerdict] = {}
    gates = []
    wanted = {str(Path(p)) for p in request.only_paths} if request.only_paths is not None else None
    # The gate list follows the gate rule's scope (level off, `when:`), so it never disagrees
    # with the problems; a blocked gate makes lint exit 1 whatever its level.
    for deployment in gated_deployments(context, policy):
        if wanted is not None and deployment.path not in wanted:
            continue
        subject = deployment.subject or ""
        if subject and subject not in verdicts:
            verdicts[subject] = evaluate(context, subject, gate_options)
        verdict = verdicts.get(subject)
        reasons = tuple(verdict.reasons) if verdict else ("names no model version",)
        signoffs = _signoff_lines(verdict) if verdict else ()
        gates.append(
            GateResult(
                deployment.path,
                deployment.environment,
                subject or "(none)",
                not reasons,
                reasons,
                signoffs,
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
        report,
        _approval_checks(context, gate_options) + _review_checks(context, verdicts),
        _stage_events(context, log),
        revision,
        as_of,
        drift_limits=_drift_limits(policy),
        signoffs=_signoffs(context, gate_options, verdicts),
        today=context.today,
    )
    return Assessment(context.portfolio, context.trust, context, report, status, verdicts)


def _drift_limits(policy: ResolvedPolicy) -> DriftLimits | None:
    rule = policy.get(drift_threshold.ID)
    if rule is None or rule.level == Level.OFF:
        return None
    options = policy.options_of(drift_threshold.ID, drift_threshold.Options)
    return DriftLimits(options.threshold, dict(options.metrics))


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


def _signoffs(
    context: RuleContext, options: GateOptions, verdicts: dict[str, GateVerdict]
) -> tuple[SignoffStatus, ...]:
    """Each version's required roles by its (strictest) risk tier, with the gate's verdict
    where a protected deployment gates it: what the report's sign-off matrix shows."""
    statuses = []
    for document, version in context.portfolio.models("ModelVersion", ModelVersionDocument):
        model = context.portfolio.get("Model", version.spec.model)
        required: tuple[str, ...] = ()
        if model is not None and isinstance(model.model, ModelDocument):
            roles = options.roles.get(strictest_tier(context, model.model), [])
            required = (*roles, options.finalRole)
        verdict = verdicts.get(document.id)
        statuses.append(
            SignoffStatus(
                document.id,
                required,
                verdict is not None,
                tuple(verdict.assignment.items()) if verdict else (),
                tuple(NeededRole(n.role, n.people, n.note, n.excluded) for n in verdict.needed)
                if verdict
                else (),
                tuple(verdict.verified_by.items()) if verdict else (),
            )
        )
    return tuple(statuses)


def _signoff_lines(verdict: GateVerdict) -> tuple[str, ...]:
    """Which role each reviewer filled and how it was verified, for the gate's output."""
    return tuple(
        f"{role}: {reviewer}, {verdict.verified_by.get(role, 'verified')}"
        for role, reviewer in verdict.assignment.items()
    )


def _review_checks(
    context: RuleContext, verdicts: dict[str, GateVerdict]
) -> tuple[ApprovalCheck, ...]:
    """Approving pull-request reviews, for the report's audit page, with the role each filled."""
    checks = []
    for item in context.evidence.external:
        verdict = verdicts.get(item.subject)
        filled = sorted(
            role
            for role, how in (verdict.verified_by.items() if verdict else ())
            if how == item.detail
            and verdict is not None
            and verdict.assignment.get(role) == item.reviewer
        )
        checks.append(
            ApprovalCheck(
                item.url or item.detail,
                item.subject,
                ", ".join(filled) or "(no role filled)",
                item.reviewer,
                item.decision,
                item.time,
                "current",
                item.method,
                item.detail,
                review_url=item.url,
            )
        )
    return tuple(checks)


def _stage_events(context: RuleContext, log: GovernanceLog | None = None) -> tuple[StageEvent, ...]:
    events = []
    for _, project in context.portfolio.models("Project", ProjectDocument):
        for stage in project.spec.stages:
            if stage.status == "complete":
                event = StageEvent(
                    project.metadata.id, stage.id, stage.completedBy, stage.completedOn
                )
                events.append(with_commit(event, log) if log else event)
    return tuple(
        sorted(
            events, key=lambda e: (e.completed_on or datetime.min.replace(tzinfo=UTC), e.project)
        )
    )
