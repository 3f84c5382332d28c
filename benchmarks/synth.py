"""A realistic synthetic portfolio as a real git repository, with real signed history.

    python benchmarks/synth.py OUT [--preset small|medium|large] [--seed 7]

The *large* preset has 200 initiatives, 10,000 projects, 15,000 models, 50,000 versions with
metrics and drift, 400 people with SSH keys, 20,000 approvals each in its own commit signed by
its reviewer, and 2,000 production deployments, some of which fail the gate. The *small*
preset is a hundredth of that (with enough people to fill every role).

Generating must not take hours, so nothing here runs git once per commit:
1. every document and every commit is streamed into one `git fast-import` (which packs blobs
   and trees with deltas), unsigned;
2. each commit is then rewritten with an SSHSIG signature (namespace "git", in the `gpgsig`
   header, exactly what `git commit -S` with gpg.format=ssh writes), made in-process with the
   committer's Ed25519 key over the commit payload. A signature does not change a tree, so only
   the commit objects are rewritten: they are written as loose objects in-process.
A sample of the signed commits is checked with `git verify-commit`.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import random
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from govern_as_code.documents.digest import canonical_json, sha256_digest

HEADER = "apiVersion: govern-as-code/v1\n"
# The history starts this long before the day it is generated, so its approvals are current
# (the default policy lets a sign-off age 365 days) and the gate judges what it would judge in
# a live portfolio; `--start` fixes it for a reproducible repository.
HISTORY_DAYS = 60


def default_start(now: datetime | None = None) -> datetime:
    day = (now or datetime.now(UTC)).replace(hour=9, minute=0, second=0, microsecond=0)
    return day - timedelta(days=HISTORY_DAYS)


DEPARTMENTS = ("data-science", "model-risk", "business", "compliance", "engineering", "legal")
REVIEW_ROLES = ("technical-review", "risk-review", "business-review", "compliance-review")
FINAL_ROLE = "final-approval"
ROLES_BY_TIER = {
    "low": ["technical-review"],
    "medium": ["technical-review", "risk-review"],
    "high": ["technical-review", "risk-review", "business-review"],
    "critical": list(REVIEW_ROLES),
}
TIERS = ("low", "medium", "medium", "high", "critical")
PROJECTS_PER_COMMIT = 50


@dataclass(frozen=True)
class Preset:
    initiatives: int
    projects: int
    models: int
    versions: int
    people: int
    approvals: int
    deployments: int


PRESETS = {
    "large": Preset(200, 10_000, 15_000, 50_000, 400, 20_000, 2_000),
    "medium": Preset(20, 1_000, 1_500, 5_000, 40, 2_000, 200),
    "small": Preset(2, 100, 150, 500, 24, 200, 20),
}


@dataclass
class Person:
    id: str
    department: str
    role: str
    key: Ed25519PrivateKey
    public_line: str

    @property
    def email(self) -> str:
        return f"{self.id}@synth.example"


@dataclass
class Commit:
    author: Person
    when: datetime
    message: str
    files: dict[str, str] = field(default_factory=dict)


@dataclass
class Synthesis:
    """What was generated, for the benchmark and the tests."""

    root: Path
    files: int
    commits: int
    failing_deployments: list[str]
    deployments: list[str]
    version_paths: list[str]
    seconds: float


def _people(count: int, rng: random.Random) -> list[Person]:
    roles = [*REVIEW_ROLES, FINAL_ROLE, "data-scientist", "governance-admin"]
    people = []
    for index in range(count):
        key = Ed25519PrivateKey.generate()
        public = key.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()
        role = roles[index % len(roles)]
        # Each role sits in its own department, so reviewers of one version are distinct.
        department = DEPARTMENTS[(index % len(roles)) % len(DEPARTMENTS)]
        people.append(Person(f"person-{index:03d}", department, role, key, public))
    rng.shuffle(people)
    return people


def _person_doc(person: Person) -> str:
    return (
        HEADER + f"kind: Person\nmetadata:\n  id: {person.id}\nspec:\n"
        f"  name: {person.id.replace('-', ' ').title()}\n  email: {person.email}\n"
        f"  department: {person.department}\n  roles: [{person.role}]\n"
        f'  keys:\n    - type: ssh\n      publicKey: "{person.public_line}"\n'
    )


def _workflow() -> str:
    return (
        HEADER + "kind: Workflow\nmetadata: {id: standard}\nspec:\n  stages:\n"
        "    - {id: ideation, title: Ideation}\n"
        "    - {id: qualification, title: Qualification, requires: [ideation]}\n"
        "    - {id: development, title: Development, requires: [qualification]}\n"
        "    - {id: validation, title: Validation, requires: [development]}\n"
        "    - {id: deployment, title: Deployment, requires: [validation]}\n"
    )


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def version_digest_of(subject: str, uri: str, artifact: str, code: str, data: str) -> str:
    """The approvable digest (documents/digest.py), computed without building the model."""
    content = {
        "subject": subject,
        "artifact": {"uri": uri, "digest": artifact},
        "codeRef": code,
        "dataRef": data,
    }
    return sha256_digest(canonical_json(content))


class Builder:
    """Lays out the documents and the order in which they are committed."""

    def __init__(self, preset: Preset, seed: int, start: datetime) -> None:
        self.preset = preset
        self.start = start
        self.rng = random.Random(seed)
        self.people = _people(max(preset.people, 24), self.rng)
        self.by_role: dict[str, list[Person]] = {}
        for person in self.people:
            self.by_role.setdefault(person.role, []).append(person)
        self.admin = self.by_role["governance-admin"][0]
        self.clock = start
        self.commits: list[Commit] = []
        # (subject, model, path, risk tier, author) of every version, in creation order
        self.versions: list[tuple[str, str, str, str, Person]] = []
        self.failing: list[str] = []
        self.files_of: dict[str, dict[str, str]] = {}  # path -> the commit's files that hold it
        self.deployment_paths: list[str] = []

    def tick(self, minutes: int = 7) -> datetime:
        self.clock += timedelta(minutes=minutes)
        return self.clock

    def build(self) -> list[Commit]:
        self._trust_root()
        self._projects()
        self._approvals_and_deployments()
        return self.commits

    def _trust_root(self) -> None:
        files = {
            "governance.yaml": HEADER + "kind: Portfolio\nmetadata: {id: synth}\nspec:\n"
            "  name: Synthetic portfolio\n  environments:\n"
            "    production: {protected: true}\n    staging: {protected: false}\n",
            "workflows/standard.yaml": _workflow(),
        }
        for person in self.people:
            files[f"people/{person.id}.yaml"] = _person_doc(person)
        for index in range(self.preset.initiatives):
            owner = self.by_role["business-review"][index % len(self.by_role["business-review"])]
            files[f"initiatives/initiative-{index:03d}.yaml"] = (
                HEADER + f"kind: Initiative\nmetadata: {{id: initiative-{index:03d}}}\nspec:\n"
                f"  goal: Goal number {index}\n  owner: {owner.id}\n"
            )
        self.commits.append(Commit(self.admin, self.tick(), "Set up the portfolio", files))

    def _projects(self) -> None:
        """Projects with their models and versions, registered in batches by one author each.

        One commit per project would make git rewrite the 10,000-entry projects/ tree 10,000
        times; a team registering fifty projects at a time is realistic and keeps that cheap.
        """
        preset = self.preset
        scientists = self.by_role["data-scientist"]
        models_left, versions_left = preset.models, preset.versions
        batch: dict[str, str] = {}
        for index in range(preset.projects):
            projects_left = preset.projects - index
            models_here = max(1, round(models_left / projects_left))
            models_left -= models_here
            author = scientists[(index // PROJECTS_PER_COMMIT) % len(scientists)]
            project = f"project-{index:05d}"
            initiative = f"initiative-{index % preset.initiatives:03d}"
            batch[f"projects/{project}/project.yaml"] = self._project_doc(
                project, initiative, author
            )
            for m in range(models_here):
                share = max(1, round(versions_left / max(1, models_left + models_here - m)))
                versions_left -= share
                self._model(batch, project, f"{project}-m{m}", share, author)
            if (index + 1) % PROJECTS_PER_COMMIT == 0 or index + 1 == preset.projects:
                first = index - (index % PROJECTS_PER_COMMIT)
                message = f"Register projects {first} to {index}"
                self.commits.append(Commit(author, self.tick(3), message, batch))
                for path in batch:
                    self.files_of[path] = batch
                batch = {}

    def _project_doc(self, project: str, initiative: str, owner: Person) -> str:
        q = self.rng
        return (
            HEADER + f"kind: Project\nmetadata:\n  id: {project}\n  title: Project {project}\n"
            f"spec:\n  initiative: {initiative}\n  owner: {owner.id}\n  workflow: standard\n"
            f"  objectives: Objectives of {project}\n"
            f"  qualification: {{value: {q.randint(1, 5)}, risk: {q.randint(1, 5)},"
            f" feasibility: {q.randint(1, 5)}, assessedBy: {owner.id},"
            f" assessedOn: '2025-02-01'}}\n"
            "  stages:\n"
            f"    - {{id: ideation, status: complete, completedBy: {owner.id},"
            f" completedOn: '{_stamp(self.clock)}'}}\n"
            f"    - {{id: qualification, status: complete, completedBy: {owner.id},"
            f" completedOn: '{_stamp(self.clock)}'}}\n"
            "    - {id: development, status: in-progress}\n"
        )

    def _model(
        self, files: dict[str, str], project: str, model: str, versions: int, author: Person
    ) -> None:
        tier = TIERS[self.rng.randrange(len(TIERS))]
        base = f"projects/{project}/models/{model}"
        files[f"{base}/model.yaml"] = (
            HEADER + f"kind: Model\nmetadata: {{id: {model}}}\nspec:\n  project: {project}\n"
            f"  task: binary-classification\n  riskTier: {tier}\n  owner: {author.id}\n"
        )
        for v in range(1, versions + 1):
            subject = f"{model}@{v}"
            path = f"{base}/versions/{v}.yaml"
            files[path] = self._version_doc(model, v, author)
            self.versions.append((subject, model, path, tier, author))

    def _version_doc(self, model: str, version: int, author: Person) -> str:
        artifact = "sha256:" + hashlib.sha256(f"{model}@{version}".encode()).hexdigest()
        # Monitoring that ran before the version was recorded here: the first days of the
        # months before the history starts, never a date after the commit that holds it.
        months = self.rng.randint(1, 6)
        drift = "".join(
            f"      - {{date: '{_month_before(self.start, back)}', "
            f"psi: {self.rng.uniform(0.01, 0.25):.3f}}}\n"
            for back in range(months, 0, -1)
        )
        return (
            HEADER + f"kind: ModelVersion\nmetadata:\n  id: {model}@{version}\nspec:\n"
            f'  model: {model}\n  version: "{version}"\n  created: {_stamp(self.clock)}\n'
            f"  createdBy: {author.id}\n  status: candidate\n"
            f"  artifact:\n    uri: s3://models/{model}/{version}/model.bin\n"
            f"    digest: {artifact}\n"
            f"  codeRef: git@code.example:{model}.git#v{version}\n"
            f"  dataRef: s3://data/{model}/train-{version}.parquet\n"
            f"  metrics:\n    performance: {{auc: {self.rng.uniform(0.7, 0.95):.3f}}}\n"
            f"    drift:\n{drift}"
        )

    def _approvals_and_deployments(self) -> None:
        latest: dict[str, tuple[str, str, str, str, Person]] = {}
        for entry in self.versions:
            latest[entry[1]] = entry  # one deployment per model, of its newest version
        candidates = list(latest.values())
        chosen = self.rng.sample(candidates, min(self.preset.deployments, len(candidates)))
        approvals_left = self.preset.approvals
        deployments: dict[str, str] = {}
        for index, (subject, model, path, tier, author) in enumerate(chosen):
            roles = [*ROLES_BY_TIER[tier], FINAL_ROLE]
            fails = index % 10 == 9  # one in ten misses a role, on purpose
            if fails:
                self.failing.append(f"deployments/production/{model}.yaml")
                roles = roles[1:]
            for role in roles:
                if approvals_left <= 0:
                    break
                self._approve(subject, path, role, author)
                approvals_left -= 1
            holder = self.files_of[path]
            holder[path] = holder[path].replace("status: candidate", "status: production")
            name = f"deployments/production/{model}.yaml"
            deployments[name] = (
                HEADER + f"kind: Deployment\nmetadata: {{id: {model}-production}}\nspec:\n"
                f"  environment: production\n  modelVersion: {subject}\n"
                f"  target: k8s://prod/{model}\n"
            )
        # The rest sign off earlier versions of the same models, as a registry's history does.
        deployed_models = {entry[1] for entry in chosen}
        deployed = {entry[0] for entry in chosen}
        rest = [v for v in self.versions if v[1] in deployed_models and v[0] not in deployed]
        rest += [v for v in self.versions if v[1] not in deployed_models]
        rest.reverse()
        while approvals_left > 0 and rest:
            subject, _model, path, _tier, author = rest.pop()
            self._approve(subject, path, "technical-review", author)
            approvals_left -= 1
        self.deployment_paths = sorted(deployments)
        self.commits.append(Commit(self.admin, self.tick(), "Roll out to production", deployments))

    def _approve(self, subject: str, path: str, role: str, author: Person) -> None:
        holders = [p for p in self.by_role[role] if p is not author]
        reviewer = holders[self.rng.randrange(len(holders))]
        model, _, version = subject.partition("@")
        when = self.tick(2)
        digest = version_digest_of(
            subject,
            f"s3://models/{model}/{version}/model.bin",
            "sha256:" + hashlib.sha256(subject.encode()).hexdigest(),
            f"git@code.example:{model}.git#v{version}",
            f"s3://data/{model}/train-{version}.parquet",
        )
        ident = f"{subject.replace('@', '-')}-{role}-{reviewer.id}"
        document = (
            HEADER + f"kind: Approval\nmetadata: {{id: {ident}}}\nspec:\n"
            f"  subject: '{subject}'\n  digest: {digest}\n  role: {role}\n"
            f"  reviewer: {reviewer.id}\n  decision: approved\n  date: {_stamp(when)}\n"
        )
        approval_path = f"approvals/{model}/{version}/{role}--{reviewer.id}.yaml"
        self.commits.append(
            Commit(reviewer, when, f"Approve {subject} as {role}", {approval_path: document})
        )


def _fast_import_stream(commits: list[Commit]) -> Iterator[bytes]:
    for mark, commit in enumerate(commits, start=1):
        when = int(commit.when.timestamp())
        who = f"{commit.author.id} <{commit.author.email}> {when} +0000"
        message = commit.message.encode()
        yield (
            (
                f"commit refs/heads/main\nmark :{mark}\nauthor {who}\ncommitter {who}\n"
                f"data {len(message)}\n"
            ).encode()
            + message
            + b"\n"
        )
        if mark > 1:
            yield f"from :{mark - 1}\n".encode()
        for path, text in commit.files.items():
            data = text.encode()
            yield f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"
        yield b"\n"


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    result = subprocess.run(
        ["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"git {args[0]} failed: {result.stderr.decode(errors='replace')}")
    return result.stdout


def _ssh_string(value: bytes) -> bytes:
    return struct.pack(">I", len(value)) + value


def sshsig(key: Ed25519PrivateKey, public_line: str, payload: bytes) -> str:
    """An armored SSHSIG signature of `payload` in the "git" namespace, as ssh-keygen -Y sign."""
    to_sign = (
        b"SSHSIG"
        + _ssh_string(b"git")
        + _ssh_string(b"")
        + _ssh_string(b"sha512")
        + _ssh_string(hashlib.sha512(payload).digest())
    )
    inner = _ssh_string(b"ssh-ed25519") + _ssh_string(key.sign(to_sign))
    blob = (
        b"SSHSIG"
        + struct.pack(">I", 1)
        + _ssh_string(base64.b64decode(public_line.split()[1]))
        + _ssh_string(b"git")
        + _ssh_string(b"")
        + _ssh_string(b"sha512")
        + _ssh_string(inner)
    )
    encoded = base64.b64encode(blob).decode()
    lines = [encoded[i : i + 70] for i in range(0, len(encoded), 70)]
    return "\n".join(["-----BEGIN SSH SIGNATURE-----", *lines, "-----END SSH SIGNATURE-----"])


def _write_loose(objects: Path, kind: bytes, body: bytes) -> str:
    store = kind + b" " + str(len(body)).encode() + b"\0" + body
    sha = hashlib.sha1(store).hexdigest()
    folder = objects / sha[:2]
    folder.mkdir(exist_ok=True)
    target = folder / sha[2:]
    if not target.exists():
        target.write_bytes(zlib.compress(store, 1))
    return sha


def _sign_history(root: Path, commits: list[Commit]) -> str:
    """Rewrite the imported commits, oldest first, each signed by its committer."""
    old = _git(root, "rev-list", "--reverse", "refs/heads/main").decode().split()
    if len(old) != len(commits):
        raise SystemExit(f"fast-import wrote {len(old)} commits, expected {len(commits)}")
    raw = _git(root, "cat-file", "--batch", stdin="".join(f"{s}\n" for s in old).encode())
    objects = Path(_git(root, "rev-parse", "--git-path", "objects").decode().strip())
    if not objects.is_absolute():
        objects = root / objects
    offset, parent = 0, None
    for commit in commits:
        end = raw.index(b"\n", offset)
        size = int(raw[offset:end].split()[2])
        body = raw[end + 1 : end + 1 + size]
        offset = end + 1 + size + 1
        headers, _, message = body.partition(b"\n\n")
        lines = [line for line in headers.split(b"\n") if not line.startswith(b"parent ")]
        if parent is not None:
            lines.insert(1, b"parent " + parent.encode())
        payload = b"\n".join(lines) + b"\n\n" + message
        signature = sshsig(commit.author.key, commit.author.public_line, payload)
        signed_lines = [*lines, b"gpgsig " + signature.replace("\n", "\n ").encode()]
        parent = _write_loose(objects, b"commit", b"\n".join(signed_lines) + b"\n\n" + message)
    assert parent is not None
    _git(root, "update-ref", "refs/heads/main", parent)
    return parent


def verify_sample(root: Path, people: list[Person], sample: list[str]) -> None:
    """`git verify-commit` must accept the in-process signatures."""
    allowed = root / ".git" / "synth-allowed-signers"
    allowed.write_text("".join(f"{p.email} {p.public_line}\n" for p in people))
    for sha in sample:
        _git(root, "-c", f"gpg.ssh.allowedSignersFile={allowed}", "verify-commit", sha)


def _month_before(moment: datetime, back: int) -> str:
    """The first day of the month `back` months before `moment`'s, as YYYY-MM-01."""
    month = moment.year * 12 + moment.month - 1 - back
    return f"{month // 12:04d}-{month % 12 + 1:02d}-01"


def synthesize(
    out: Path, preset: Preset, seed: int = 7, start: datetime | None = None
) -> Synthesis:
    """Generate the portfolio repository at `out` (which must not exist).

    Its history starts at `start` (default: HISTORY_DAYS before now)."""
    started = time.perf_counter()
    builder = Builder(preset, seed, start or default_start())
    commits = builder.build()
    out.mkdir(parents=True)
    _git(out, "init", "-q", "-b", "main")
    for key, value in (("user.name", "synth"), ("user.email", "synth@synth.example")):
        _git(out, "config", key, value)
    with subprocess.Popen(
        ["git", "-C", str(out), "fast-import", "--quiet"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdin is not None and process.stderr is not None
        for chunk in _fast_import_stream(commits):
            process.stdin.write(chunk)
        process.stdin.close()
        stderr = process.stderr.read().decode(errors="replace")
        if process.wait() != 0:
            raise SystemExit(f"git fast-import failed: {stderr}")
    tip = _sign_history(out, commits)
    _git(out, "reset", "-q", "--hard", tip)
    rng = random.Random(seed)
    history = _git(out, "rev-list", "HEAD").decode().split()
    verify_sample(out, builder.people, rng.sample(history, min(5, len(history))))
    files = sum(len(c.files) for c in commits)
    return Synthesis(
        out,
        files,
        len(commits),
        sorted(set(builder.failing)),
        builder.deployment_paths,
        [path for _, _, path, _, _ in builder.versions],
        time.perf_counter() - started,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="where to create the repository (must not exist)")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="small")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--start",
        type=lambda text: datetime.fromisoformat(text).replace(tzinfo=UTC),
        help=f"when the history starts (default: {HISTORY_DAYS} days ago)",
    )
    args = parser.parse_args(argv)
    if args.out.exists():
        print(f"synth: {args.out} exists; choose a new folder", file=sys.stderr)
        return 2
    result = synthesize(args.out, PRESETS[args.preset], args.seed, args.start)
    print(
        json.dumps(
            {
                "repository": str(result.root),
                "files": result.files,
                "commits": result.commits,
                "deployments": len(result.deployments),
                "failing_deployments": len(result.failing_deployments),
                "seconds": round(result.seconds, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
