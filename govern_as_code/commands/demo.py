"""`gac demo`: the example portfolio in a throwaway repository with real signed history.

Each example person gets a throwaway ed25519 key, registered in their Person document in the
first commit (the trusted base). The rest of the history is derived from the documents' own
dates (`demo_history.py`): each document is committed when it happened, with its state then,
by whoever the document names; approvals are commits signed by the reviewers before the
version goes live. So `gac report --at` any past month shows what was then true. One production
deployment lacks an approval on purpose, so the gate blocks it. Nothing touches the user's own
repositories, keys or git configuration, and nothing needs the network.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from govern_as_code.commands.assess import Assessment, LintRequest, assess
from govern_as_code.commands.demo_history import Plan, plan_history
from govern_as_code.commands.signoff import approval_path, render_approval
from govern_as_code.documents.digest import version_digest
from govern_as_code.documents.kinds import (
    ModelDocument,
    ModelVersionDocument,
    PersonDocument,
)
from govern_as_code.documents.modeline import schema_modeline
from govern_as_code.errors import GovernError
from govern_as_code.gate.context import GateContext
from govern_as_code.gate.matching import staff_roles
from govern_as_code.git import Repository
from govern_as_code.portfolio import Portfolio, load_portfolio, open_source
from govern_as_code.portfolio.trust import TrustRoot
from govern_as_code.resources import data_dir
from govern_as_code.rules.policy import gate_options

BLOCKED_ON_PURPOSE = ("txn-anomaly-ae@2", "business-review")
GOVERNANCE_PATHS = ("governance.yaml", "people", "workflows", "initiatives", "policies")
# Committed with governance: the portfolio's README and the documents projects attach.
SUPPORT_PATHS = ("README.md", "docs")


@dataclass
class DemoResult:
    repo: Path
    keys: Path
    assessment: Assessment
    report_index: Path | None = None
    commits: int = 0
    approvals: list[str] = field(default_factory=list)


def _make_key(keys: Path, person: str, email: str) -> Path:
    private = keys / person
    try:
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", email, "-f", str(private)],
            check=True,
            capture_output=True,
        )
    except FileNotFoundError as e:
        raise GovernError(
            "ssh-keygen is needed to make the demo's signing keys but is not installed"
            " (or not on PATH)",
            "install OpenSSH (e.g. apt-get install openssh-client; it ships with macOS)",
        ) from e
    return private


def _register_key(path: Path, public_key: str) -> None:
    text = path.read_text("utf-8")
    block = (
        "  keys:\n    - type: ssh\n      publicKey: "
        + public_key.strip()
        + "\n      validAfter: 2025-01-01\n"
    )
    new, count = re.subn(r"^  keys: \[\]\n", block, text, flags=re.MULTILINE)
    if count != 1:
        raise GovernError(f"cannot register a demo key in {path.name}: expected 'keys: []'")
    path.write_text(new, "utf-8")


class _History:
    """Commits in date order, each by its author and signed with the author's demo key."""

    def __init__(
        self, repo: Repository, people: dict[str, PersonDocument], keys: dict[str, Path]
    ) -> None:
        self.repo, self.people, self.keys = repo, people, keys
        self.last = datetime(2025, 1, 1, tzinfo=UTC)
        self.count = 0

    def write(self, commit: _Commit) -> bool:
        """Write the commit's files and commit those that changed; False if none did."""
        changed = []
        for path, text in commit.files.items():
            target = self.repo.root / path
            if target.exists() and target.read_text("utf-8") == text:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, "utf-8")
            changed.append(path)
        if changed:
            self.commit(changed, commit.message, commit.person, commit.when)
        return bool(changed)

    def commit(self, paths: list[str], message: str, person: str, when: datetime) -> str:
        # Commit times never go backwards: the gate distrusts a commit dated before its parent.
        when = max(when, self.last + timedelta(minutes=7))
        self.last = when
        spec = self.people[person].spec
        self.count += 1
        return self.repo.commit_as(
            paths, message, name=spec.name, email=spec.email, when=when, ssh_key=self.keys[person]
        )


def run_demo(
    out: Path | None = None,
    *,
    now: datetime | None = None,
    write_report: Callable[[Assessment, Path], Path] | None = None,
) -> DemoResult:
    """Build the demo repository, lint it, and (if given a writer) write the report."""
    now = now or datetime.now(UTC).replace(microsecond=0)
    base = Path(tempfile.mkdtemp(prefix="gac-demo-")) if out is None else out
    if base.exists() and any(base.iterdir()):
        raise GovernError(f"{base} is not empty", "name a new or empty folder with --out")
    root, keys = base / "portfolio", base / "keys"
    shutil.copytree(data_dir("example-portfolio"), root)
    (root / "approvals").mkdir(exist_ok=True)
    keys.mkdir(parents=True)
    portfolio = load_portfolio(open_source(root))
    people = {
        d.id: d.model for d in portfolio.of_kind("Person") if isinstance(d.model, PersonDocument)
    }
    key_files = {}
    for person_id, person in people.items():
        key_files[person_id] = _make_key(keys, person_id, person.spec.email)
        _register_key(
            root / portfolio.get("Person", person_id).path,  # type: ignore[union-attr]
            key_files[person_id].with_suffix(".pub").read_text("utf-8"),
        )
    plan = _plan(root, portfolio)
    # The history is written from the plan: each document appears when it happened.
    for path in plan.originals:
        (root / path).unlink()
    repo = Repository.init(root)
    repo.set_config("user.name", "govern-as-code demo")
    repo.set_config("user.email", "demo@govern-as-code.invalid")
    history = _History(repo, people, key_files)
    admin = next(p for p, d in sorted(people.items()) if "governance-admin" in d.spec.roles)
    present = [p for p in (*GOVERNANCE_PATHS, *SUPPORT_PATHS) if (root / p).exists()]
    history.commit(
        present,
        "Establish portfolio governance: people, keys, workflows",
        admin,
        datetime(2025, 9, 1, 9, tzinfo=UTC),
    )
    commits = _work_commits(plan) + _approval_commits(portfolio, plan, now)
    approvals: list[str] = []
    for commit in sorted(commits, key=lambda c: (c.when, c.order)):
        if history.write(commit):
            approvals += [p for p in commit.files if p.startswith("approvals/")]
    _commit_rest(history, root, admin, now)
    result = DemoResult(
        root, keys, assess(LintRequest(root, today=now.date(), report_history=True))
    )
    result.approvals = sorted(set(approvals))
    result.commits = history.count
    if write_report is not None:
        result.report_index = write_report(result.assessment, base / "report")
    return result


@dataclass(frozen=True)
class _Commit:
    """One commit of the history: who, when, and the text of each file it writes."""

    when: datetime
    order: int
    person: str
    message: str
    files: dict[str, str]


def _plan(root: Path, portfolio: Portfolio) -> Plan:
    dated = {
        d.path
        for d in portfolio.documents
        if d.kind in ("Project", "Model", "ModelVersion", "Deployment")
    } | {d.path for d in portfolio.foreign}
    texts = {path: (root / path).read_text("utf-8") for path in sorted(dated)}
    return plan_history(portfolio, texts)


def _work_commits(plan: Plan) -> list[_Commit]:
    """The plan's events, one commit per moment, author and message."""
    grouped: dict[tuple[datetime, str, str], list[str]] = {}
    for event in plan.events:
        paths = grouped.setdefault((event.when, event.person, event.message), [])
        if event.path not in paths:
            paths.append(event.path)
    return [
        _Commit(when, order, person, message, {p: plan.state(p, when) for p in paths})
        for order, ((when, person, message), paths) in enumerate(grouped.items())
    ]


def _approval_commits(portfolio: Portfolio, plan: Plan, now: datetime) -> list[_Commit]:
    """Each production version's approvals, signed by the reviewers before it went live.

    An approval older than the gate's maximum age by the demo's day would block today's gate,
    so the reviewers renew it, as they would, shortly before that day.
    """
    trust = TrustRoot.from_portfolio(portfolio)
    options = gate_options(trust)
    context = GateContext(portfolio, trust, now.date())
    gated = {
        d.subject
        for d in portfolio.deployments()
        if d.subject and portfolio.settings.gates(d.environment, d.path)
    }
    subjects: list[str] = []
    for subject in sorted(gated):
        version_doc = portfolio.get("ModelVersion", subject)
        if version_doc is None or not isinstance(version_doc.model, ModelVersionDocument):
            continue
        chain = plan.production.get(version_doc.model.spec.model, [subject])
        subjects += chain[: chain.index(subject) + 1] if subject in chain else [subject]
    commits: list[_Commit] = []
    renew_before = now - timedelta(days=options.maxAgeDays - 30)
    for subject in subjects:
        version_doc = portfolio.get("ModelVersion", subject)
        assert version_doc is not None and isinstance(version_doc.model, ModelVersionDocument)
        version = version_doc.model
        model_doc = portfolio.get("Model", version.spec.model)
        assert model_doc is not None and isinstance(model_doc.model, ModelDocument)
        roles = list(options.roles[model_doc.model.spec.riskTier])
        # The gate's own assignment rule, so the demo staffs approvals the gate accepts.
        chosen = staff_roles(context, roles, options, {version.spec.createdBy})
        if chosen is None:
            raise GovernError(f"the example portfolio cannot staff the approvals of {subject}")
        live = plan.live.get(subject, now - timedelta(days=1))
        first = version.spec.created + (live - version.spec.created) / 2
        for index, role in enumerate([*roles, options.finalRole]):
            if (subject, role) == BLOCKED_ON_PURPOSE:
                continue
            reviewer = chosen[role]
            path = approval_path(subject, role, reviewer)
            when = (first + timedelta(minutes=20 * index)).replace(microsecond=0)
            moments = [(when, f"Approve {subject} as {role}")]
            if subject in gated and when < renew_before:
                renewed = (now - timedelta(days=14, minutes=-20 * index)).replace(microsecond=0)
                moments.append((renewed, f"Renew the approval of {subject} as {role}"))
            for moment, message in moments:
                text = render_approval(
                    subject,
                    version_digest(version),
                    role,
                    reviewer,
                    "approved",
                    f"Reviewed the evidence pack for {subject}.",
                    moment,
                    schema_modeline("Approval", path),
                )
                order = 1_000_000 + len(commits)
                commits.append(_Commit(moment, order, reviewer, message, {path: text}))
    return commits


def _commit_rest(history: _History, root: Path, admin: str, now: datetime) -> None:
    paths = sorted(history.repo.dirty_paths())
    if paths:
        history.commit(
            paths,
            "Add the remaining files",
            admin,
            min(now - timedelta(hours=1), history.last + timedelta(hours=1)),
        )
