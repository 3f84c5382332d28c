"""A real, signed governance repository for deploy-gate tests.

``GateRepo.create`` builds, in a temporary folder, a git repository (branch ``main``) holding a
minimal portfolio: governance.yaml (production protected), six people each with a real
ed25519 key, a workflow, an initiative, a project, a medium-risk model ``m``, its version
``m@1`` created by dan and a production Deployment. The governance files are committed by erin
(governance-admin) and the model files by dan, each commit signed with its author's key; the
tip of ``main`` is the trusted base. Helpers then add approvals as commits signed by a chosen
key at a chosen date, branch, merge, and edit files with unsigned commits.

Every date is pinned, and assessments run with ``today=TODAY``, so results never depend on the
clock. Keys are made once per test module (``make_gate_keys``) and shared by every repository.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from signing_helpers import (
    GpgKey,
    Identity,
    SigningKey,
    SshKey,
    git,
    git_commit,
    init_repo,
    make_gpg_key,
    make_ssh_key,
    rev_parse,
)

from govern_as_code.commands.assess import Assessment, LintRequest, assess
from govern_as_code.commands.signoff import approval_path
from govern_as_code.documents.digest import version_digest
from govern_as_code.documents.kinds import ModelVersionDocument
from govern_as_code.portfolio import load_portfolio, open_source
from govern_as_code.problems import GateResult, Level, Problem

BASE_TIME = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
VERSION_TIME = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
TODAY = date(2026, 3, 1)
SUBJECT = "m@1"
PORTFOLIO_ID = "acme"
DEPLOYMENT = "deployments/production/m.yaml"
VERSION_PATH = "projects/p/models/m/versions/1.yaml"
KEY_VALID_AFTER = "2025-01-01T00:00:00Z"
ARTIFACT_DIGEST = "sha256:" + "a" * 64
ROLES = ("technical-review", "risk-review", "final-approval")
# Who gives each role in the honest flow.
REVIEWERS = {"technical-review": "alice", "risk-review": "bob", "final-approval": "carol"}


def feb(day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A pinned moment in February 2026, when the approvals are signed."""
    return datetime(2026, 2, day, hour, minute, tzinfo=UTC)


@dataclass(frozen=True)
class PersonInfo:
    name: str
    email: str
    department: str
    roles: tuple[str, ...]


PEOPLE: dict[str, PersonInfo] = {
    "alice": PersonInfo(
        "Alice Archer", "alice@acme.example", "data-science", ("technical-review",)
    ),
    "bob": PersonInfo("Bob Brown", "bob@acme.example", "risk", ("risk-review",)),
    "carol": PersonInfo("Carol Chen", "carol@acme.example", "it", ("final-approval",)),
    "dan": PersonInfo("Dan Duval", "dan@acme.example", "business", ("data-scientist",)),
    "erin": PersonInfo("Erin Evans", "erin@acme.example", "compliance", ("governance-admin",)),
    "frank": PersonInfo("Frank Fox", "frank@acme.example", "data-science", ("technical-review",)),
}
# Keys nobody's Person document lists in the base: a stranger's, and a fresh key of alice's.
SPARE_KEYS = ("mallory", "alice-new")


@dataclass(frozen=True)
class GateKeys:
    """Real keys for the portfolio's people: ssh by name, and OpenPGP keys when made."""

    ssh: dict[str, SshKey]
    gpg: dict[str, GpgKey] = field(default_factory=dict)


def make_gate_keys(directory: Path, gpg_home: Path | None = None) -> GateKeys:
    """An ed25519 key per person (plus SPARE_KEYS); with ``gpg_home``, OpenPGP keys too.

    The OpenPGP keys are bob's own (``bob``) and a look-alike with bob's name and email that
    no Person document lists (``bob-rogue``).
    """
    directory.mkdir(parents=True, exist_ok=True)
    ssh = {name: make_ssh_key(directory, name) for name in (*PEOPLE, *SPARE_KEYS)}
    gpg: dict[str, GpgKey] = {}
    if gpg_home is not None:
        bob = PEOPLE["bob"]
        gpg["bob"] = make_gpg_key(gpg_home, bob.name, bob.email)
        gpg["bob-rogue"] = make_gpg_key(gpg_home, f"{bob.name} (laptop)", bob.email)
    return GateKeys(ssh, gpg)


def identity(person: str) -> Identity:
    info = PEOPLE[person]
    return Identity(info.name, info.email)


def _dump(document: Mapping[str, Any]) -> str:
    return yaml.safe_dump(dict(document), sort_keys=False, allow_unicode=True)


def envelope(kind: str, ident: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "govern-as-code/v1",
        "kind": kind,
        "metadata": {"id": ident},
        "spec": dict(spec),
    }


def person_document(person: str, info: PersonInfo, keys: Sequence[Mapping[str, Any]]) -> str:
    return _dump(
        envelope(
            "Person",
            person,
            {
                "name": info.name,
                "email": info.email,
                "department": info.department,
                "roles": list(info.roles),
                "keys": [dict(k) for k in keys],
            },
        )
    )


def ssh_key_entry(key: SshKey, valid_before: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "type": "ssh",
        "publicKey": key.public_line,
        "validAfter": KEY_VALID_AFTER,
    }
    if valid_before:
        entry["validBefore"] = valid_before
    return entry


def deployment_document(
    subject: str = SUBJECT, ident: str = "m-production", environment: str = "production"
) -> str:
    return _dump(
        envelope(
            "Deployment",
            ident,
            {"environment": environment, "modelVersion": subject, "target": "k8s://prod/m"},
        )
    )


def version_document(
    artifact_digest: str = ARTIFACT_DIGEST, created_by: str = "dan", **spec: Any
) -> str:
    """m@1; ``spec`` adds or replaces fields (``status``, ``metrics``) outside the digest."""
    return _dump(
        envelope(
            "ModelVersion",
            SUBJECT,
            {
                "model": "m",
                "version": "1",
                "created": "2026-01-05T09:00:00Z",
                "createdBy": created_by,
                "artifact": {"uri": "s3://models/m/1/model.bin", "digest": artifact_digest},
                "codeRef": "https://git.acme.example/m/-/commit/0123456789abcdef",
                "metrics": {"performance": {"auc": 0.81}},
                **spec,
            },
        )
    )


def approval_document(
    subject: str,
    digest: str,
    role: str,
    reviewer: str,
    when: datetime,
    decision: str = "approved",
    comment: str = "Reviewed.",
    ident: str | None = None,
) -> str:
    ident = ident or re.sub(r"[^a-z0-9]+", "-", f"{subject} {role} {reviewer}".lower()).strip("-")
    return _dump(
        envelope(
            "Approval",
            ident,
            {
                "subject": subject,
                "digest": digest,
                "role": role,
                "reviewer": reviewer,
                "decision": decision,
                "comment": comment,
                "date": when.isoformat().replace("+00:00", "Z"),
            },
        )
    )


def _governance_files(
    people: Mapping[str, PersonInfo],
    keys: GateKeys,
    key_entries: Mapping[str, Sequence[Mapping[str, Any]]],
    governance_spec: Mapping[str, Any] | None,
) -> dict[str, str]:
    spec = {
        "name": "Acme",
        "environments": {"staging": {"protected": False}, "production": {"protected": True}},
        "deploymentGlobs": ["k8s/**/*.yaml"],
        **(governance_spec or {}),
    }
    files = {"governance.yaml": _dump(envelope("Portfolio", PORTFOLIO_ID, spec))}
    for person, info in people.items():
        entries = key_entries.get(person)
        if entries is None:
            entries = [ssh_key_entry(keys.ssh[person])]
        files[f"people/{person}.yaml"] = person_document(person, info, entries)
    files["workflows/simple.yaml"] = _dump(
        envelope(
            "Workflow",
            "simple",
            {
                "stages": [
                    {"id": "ideation", "title": "Ideation"},
                    {"id": "development", "title": "Development"},
                    {"id": "deployment", "title": "Deployment"},
                ]
            },
        )
    )
    files["initiatives/growth.yaml"] = _dump(
        envelope("Initiative", "growth", {"goal": "Grow responsibly", "owner": "dan"})
    )
    return files


def _model_files(risk_tier: str, deployment: bool) -> dict[str, str]:
    files = {
        "projects/p/project.yaml": _dump(
            envelope("Project", "p", {"initiative": "growth", "owner": "dan", "workflow": "simple"})
        ),
        "projects/p/models/m/model.yaml": _dump(
            envelope(
                "Model",
                "m",
                {
                    "project": "p",
                    "task": "binary classification",
                    "riskTier": risk_tier,
                    "owner": "dan",
                },
            )
        ),
        VERSION_PATH: version_document(),
    }
    if deployment:
        files[DEPLOYMENT] = deployment_document()
    return files


class GateRepo:
    """One test repository; every write goes through git with pinned identities and dates."""

    def __init__(self, root: Path, keys: GateKeys, people: Mapping[str, PersonInfo]) -> None:
        self.root = root
        self.keys = keys
        self.people = dict(people)

    # --- building ---------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        root: Path,
        keys: GateKeys,
        *,
        people: Mapping[str, Mapping[str, Any]] | None = None,
        key_entries: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
        openpgp: Iterable[str] = (),
        risk_tier: str = "medium",
        deployment: bool = True,
        governance_spec: Mapping[str, Any] | None = None,
        base_files: Mapping[str, str] | None = None,
        branch: str | None = "change",
    ) -> GateRepo:
        """Build the base on ``main`` and, unless ``branch`` is None, check out a new branch.

        ``people`` overrides fields of a PersonInfo (``{"alice": {"roles": (...)}}``);
        ``key_entries`` replaces a person's ``spec.keys``; ``openpgp`` names people whose
        OpenPGP key (from ``keys.gpg``) is listed beside their ssh key. ``base_files`` are
        extra files committed with the governance files.
        """
        infos = dict(PEOPLE)
        for person, changes in (people or {}).items():
            base = infos[person]
            infos[person] = PersonInfo(**{**base.__dict__, **changes})
        entries = {p: list(v) for p, v in (key_entries or {}).items()}
        for person in openpgp:
            listed = entries.setdefault(person, [ssh_key_entry(keys.ssh[person])])
            listed.append({"type": "openpgp", "publicKey": keys.gpg[person].armored_public_key})
        init_repo(root)
        repo = cls(root, keys, infos)
        governance = _governance_files(infos, keys, entries, governance_spec)
        governance.update(base_files or {})
        repo.commit(
            governance, "Establish governance: people, keys, workflow", "erin", when=BASE_TIME
        )
        repo.commit(
            _model_files(risk_tier, deployment),
            "Register m@1 and deploy it",
            "dan",
            when=VERSION_TIME,
        )
        if branch:
            repo.checkout(branch, create=True)
        return repo

    def copy_to(self, root: Path) -> GateRepo:
        """An independent copy of this repository (history, working tree and branch)."""
        shutil.copytree(self.root, root, symlinks=True)
        return GateRepo(root, self.keys, self.people)

    # --- files and commits ------------------------------------------------------------------

    def path(self, relative: str) -> Path:
        return self.root / relative

    def read(self, relative: str) -> str:
        return self.path(relative).read_text("utf-8")

    def write(self, relative: str, text: str) -> None:
        target = self.path(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")

    def signer(self, person: str) -> SshKey:
        return self.keys.ssh[person]

    def commit(
        self,
        files: Mapping[str, str] | None,
        message: str,
        author: str | Identity,
        *,
        when: datetime,
        sign_with: SigningKey | str | None = "own",
        remove: Sequence[str] = (),
    ) -> str:
        """Commit ``files`` (and remove ``remove``) as ``author`` at ``when``; returns the sha.

        ``sign_with="own"`` signs with the author's ssh key; None leaves the commit unsigned.
        """
        who = identity(author) if isinstance(author, str) else author
        if sign_with == "own":
            assert isinstance(author, str), "name the signing key for an ad hoc identity"
            sign_with = self.signer(author)
        assert not isinstance(sign_with, str)
        for relative in remove:
            git(self.root, "rm", "-q", "--", relative)
        return git_commit(
            self.root, message, sign_with=sign_with, date=when, author=who, files=files
        )

    def approve(
        self,
        role: str,
        reviewer: str,
        when: datetime,
        *,
        sign_with: SigningKey | str | None = "own",
        author: str | Identity | None = None,
        decision: str = "approved",
        subject: str = SUBJECT,
        digest: str | None = None,
        path: str | None = None,
        comment: str = "Reviewed.",
        message: str | None = None,
        ident: str | None = None,
    ) -> str:
        """Write ``reviewer``'s approval and commit it, by default as the reviewer, signed."""
        relative = path or approval_path(subject, role, reviewer)
        text = approval_document(
            subject, digest or self.digest(subject), role, reviewer, when, decision, comment, ident
        )
        who = author if author is not None else reviewer
        if sign_with == "own":
            sign_with = self.signer(who if isinstance(who, str) else reviewer)
        return self.commit(
            {relative: text},
            message or f"{decision} {subject} as {role}",
            who,
            when=when,
            sign_with=sign_with,
        )

    def approve_all(self, day: int = 2, *, skip: Iterable[str] = ()) -> dict[str, str]:
        """The honest flow: alice, bob, then carol (last), each signing on its own day."""
        shas = {}
        for offset, role in enumerate(ROLES):
            if role not in skip:
                shas[role] = self.approve(role, REVIEWERS[role], feb(day + offset))
        return shas

    def checkout(self, branch: str, *, create: bool = False) -> None:
        git(self.root, "checkout", "-q", *(["-b"] if create else []), branch)

    def merge(self, branch: str, when: datetime, message: str | None = None) -> str:
        """``git merge --no-ff`` of ``branch``, unsigned, committed by erin at ``when``."""
        git(
            self.root,
            "merge",
            "-q",
            "--no-ff",
            "--no-gpg-sign",
            "-m",
            message or f"Merge branch '{branch}'",
            branch,
            date=when,
            author=identity("erin"),
        )
        return self.head()

    def head(self) -> str:
        return rev_parse(self.root, "HEAD")

    # --- reading the verdict ----------------------------------------------------------------

    def digest(self, subject: str = SUBJECT) -> str:
        portfolio = load_portfolio(open_source(self.root))
        document = portfolio.get("ModelVersion", subject)
        assert document is not None and isinstance(document.model, ModelVersionDocument)
        return version_digest(document.model)

    def assess(self, today: date = TODAY, base: str | None = None) -> Assessment:
        return assess(LintRequest(self.root, base=base, today=today))


# --- assertions -----------------------------------------------------------------------------


def errors(assessment: Assessment) -> list[Problem]:
    return [p for p in assessment.report.problems if p.level in (Level.ERROR, None)]


def describe(assessment: Assessment) -> str:
    """Every problem and gate, for assertion messages."""
    lines = [
        f"{p.level} {p.rule} {p.path}:{p.line}: {p.message} | hint: {p.hint}"
        for p in assessment.report.problems
    ]
    lines += [
        f"gate {g.deployment}: passed={g.passed} {list(g.reasons)}" for g in assessment.report.gates
    ]
    return "\n".join(lines)


def gate_for(assessment: Assessment, deployment: str = DEPLOYMENT) -> GateResult:
    found = [g for g in assessment.report.gates if g.deployment == deployment]
    assert len(found) == 1, f"no single gate for {deployment}:\n{describe(assessment)}"
    return found[0]


def assert_passes(assessment: Assessment, deployment: str = DEPLOYMENT) -> None:
    """The gate lets ``deployment`` through and nothing at error level is reported."""
    assert errors(assessment) == [], describe(assessment)
    assert gate_for(assessment, deployment).passed, describe(assessment)


def find_problem(
    assessment: Assessment, rule: str, message: str, *, path: str | None = None, exact: bool = True
) -> Problem:
    """The error-level problem of ``rule`` whose message is (or contains) ``message``."""
    for problem in errors(assessment):
        if problem.rule != rule or (path is not None and problem.path != path):
            continue
        if (problem.message == message) if exact else (message in problem.message):
            return problem
    raise AssertionError(f"no {rule} problem {message!r} at {path}:\n{describe(assessment)}")
