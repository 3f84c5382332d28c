"""The forgery corpus: attacks on the deploy gate, each in a real repository with real signatures.

Every scenario builds a repository twice: once with the attack, which must be refused with a
specific rule and message, and once as its honest twin, which must pass (the gate lets the
deployment through and nothing at error level is reported). The twin shows that the refusal
comes from the attack and not from a broken fixture.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from gate_helpers import (
    DEPLOYMENT,
    SUBJECT,
    TODAY,
    VERSION_PATH,
    GateKeys,
    GateRepo,
    approval_document,
    assert_passes,
    deployment_document,
    envelope,
    errors,
    feb,
    find_problem,
    gate_for,
    identity,
    make_gate_keys,
    person_document,
    ssh_key_entry,
    version_document,
)
from signing_helpers import Identity, git, gpg_home, rev_parse, ssh_sign

from govern_as_code.cli.main import cli
from govern_as_code.commands.signoff import approval_path, current_digest
from govern_as_code.errors import GitError
from govern_as_code.evidence import signed_commits

GATE = "production-requires-approvals"
TRUST = "trust-changes-need-admin"
TECH, RISK, FINAL = "technical-review", "risk-review", "final-approval"
ADMIN = "governance-admin"
MISSING_TECH = (
    "m@1 cannot go to production: missing a current, verified technical-review"
    " approval (can give it: alice, frank)"
)
MISSING_RISK = (
    "m@1 cannot go to production: missing a current, verified risk-review approval"
    " (can give it: bob)"
)
TECH_PATH = approval_path(SUBJECT, TECH, "alice")
RISK_PATH = approval_path(SUBJECT, RISK, "bob")


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GateKeys]:
    with gpg_home() as home:
        yield make_gate_keys(tmp_path_factory.mktemp("keys"), home)


# --- the scenarios ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """A problem the attack must raise: rule, exact message, and optionally a hint fragment."""

    rule: str
    message: str
    path: str = DEPLOYMENT
    hint: str | None = None


@dataclass
class Outcome:
    expects: list[Expect] = field(default_factory=list)
    deployment: str = DEPLOYMENT
    today: date | None = None
    reasons: tuple[str, ...] | None = None  # the gate's exact reasons, when asserted


@dataclass(frozen=True)
class Make:
    """Builds the scenario's repository (``GateRepo.create`` options) at a fixed place."""

    root: Path
    keys: GateKeys

    def __call__(self, **options: Any) -> GateRepo:
        return GateRepo.create(self.root, self.keys, **options)


SCENARIOS: dict[str, Callable[[Make, bool], Outcome]] = {}


def scenario(func: Callable[[Make, bool], Outcome]) -> Callable[[Make, bool], Outcome]:
    SCENARIOS[func.__name__] = func
    return func


def short(sha: str) -> str:
    return sha[:12]


def honest_flow(repo: GateRepo, day: int = 2) -> None:
    repo.approve_all(day)


def risk_and_final(repo: GateRepo) -> None:
    """bob's risk review, then carol's final approval, both honest."""
    repo.approve(RISK, "bob", feb(3))
    repo.approve(FINAL, "carol", feb(4))


def refused_tech(hint: str) -> Outcome:
    """The gate misses technical-review, and its hint says why alice's approval failed."""
    return Outcome([Expect(GATE, MISSING_TECH, hint=hint)])


def tampered(path: str, reviewer: str, reason: str) -> Expect:
    """The gate's refusal of a file someone changed after its reviewer signed it."""
    return Expect(
        GATE,
        f"m@1 cannot go to production: {path} was changed after {reviewer} signed it"
        f" ({reason}); a signed decision is only replaced by a newer one its reviewer signs",
    )


@scenario
def unsigned_approval(make: Make, honest: bool) -> Outcome:
    repo = make()
    sha = repo.approve(TECH, "alice", feb(2), sign_with="own" if honest else None)
    risk_and_final(repo)
    return refused_tech(
        f"{TECH_PATH}: not verified: commit {short(sha)} that changed it is not signed"
    )


@scenario
def signed_with_someone_elses_key(make: Make, honest: bool) -> Outcome:
    repo = make()
    signer = "alice" if honest else "bob"
    sha = repo.approve(TECH, "alice", feb(2), author=signer)
    risk_and_final(repo)
    fingerprint = repo.keys.ssh["bob"].fingerprint
    return refused_tech(
        f"commit {short(sha)} is signed by bob's key {fingerprint}, not by the reviewer alice"
    )


@scenario
def signed_by_a_stranger_key(make: Make, honest: bool) -> Outcome:
    repo = make()
    key = repo.keys.ssh["alice" if honest else "mallory"]
    sha = repo.approve(TECH, "alice", feb(2), sign_with=key)
    risk_and_final(repo)
    return refused_tech(
        f"commit {short(sha)} is signed by key"
        f" {key.fingerprint}, which the trusted base does not list for alice"
    )


@scenario
def reviewer_key_added_in_the_change(make: Make, honest: bool) -> Outcome:
    """Alice adds a new key to her own Person file in the change and signs with it."""
    if honest:  # the new key was registered on main (the trusted base) beforehand
        repo = make(key_entries={"alice": [_ssh(make, "alice"), _ssh(make, "alice-new")]})
    else:
        repo = make()
        keys = [ssh_key_entry(repo.keys.ssh["alice"]), ssh_key_entry(repo.keys.ssh["alice-new"])]
        repo.commit(
            {"people/alice.yaml": person_document("alice", repo.people["alice"], keys)},
            "Add my new laptop key",
            "alice",
            when=feb(1),
        )
    new_key = repo.keys.ssh["alice-new"]
    sha = repo.approve(TECH, "alice", feb(2), sign_with=new_key)
    risk_and_final(repo)
    digest = current_digest(repo.root, "Person/alice")
    return Outcome(
        [
            Expect(
                GATE,
                MISSING_TECH,
                hint=f"commit {short(sha)} is signed by key {new_key.fingerprint}, which the"
                " trusted base does not list for alice",
            ),
            Expect(
                TRUST,
                "Person/alice is changed by this change, which needs 1 more verified"
                f" governance-admin approval(s) of digest {digest} (can give it: erin)",
                path="people/alice.yaml",
            ),
        ]
    )


@scenario
def reviewer_key_added_with_admin_approval(make: Make, honest: bool) -> Outcome:
    """erin approves alice's new key in the change: it still counts only once it is on main."""
    if honest:
        repo = make(key_entries={"alice": [_ssh(make, "alice"), _ssh(make, "alice-new")]})
    else:
        repo = make()
        entries = [_ssh(make, "alice"), _ssh(make, "alice-new")]
        repo.commit(
            {"people/alice.yaml": person_document("alice", repo.people["alice"], entries)},
            "Add my new laptop key",
            "alice",
            when=feb(1),
        )
        digest = current_digest(repo.root, "Person/alice")
        repo.approve(ADMIN, "erin", feb(1, 12), subject="Person/alice", digest=digest)
    new_key = repo.keys.ssh["alice-new"]
    sha = repo.approve(TECH, "alice", feb(2), sign_with=new_key)
    risk_and_final(repo)
    # No trust-changes-need-admin problem: erin's approval of Person/alice is verified.
    return refused_tech(
        f"commit {short(sha)} is signed by key {new_key.fingerprint}, which the trusted base"
        " does not list for alice"
    )


@scenario
def deployment_globs_edited_to_hide_a_manifest(make: Make, honest: bool) -> Outcome:
    """The change serves m@1 from k8s/ and drops k8s/** from governance.yaml's globs."""
    path = "k8s/serving/m.yaml"
    repo = make(deployment=False)
    files = {path: _inference_service(annotated=True)}
    if not honest:
        files["governance.yaml"] = repo.read("governance.yaml").replace(
            "deploymentGlobs:\n  - k8s/**/*.yaml\n", "deploymentGlobs: []\n"
        )
        assert files["governance.yaml"] != repo.read("governance.yaml")
    repo.commit(files, "Serve m", "dan", when=feb(1))
    if honest:
        honest_flow(repo)
    digest = current_digest(repo.root, "Portfolio/acme")
    return Outcome(
        [
            Expect(GATE, MISSING_TECH, path=path),
            Expect(GATE, MISSING_RISK, path=path),
            Expect(
                TRUST,
                "Portfolio/acme is changed by this change, which needs 1 more verified"
                f" governance-admin approval(s) of digest {digest} (can give it: erin)",
                path="governance.yaml",
            ),
        ],
        deployment=path,
    )


def _ssh(make: Make, person: str) -> dict[str, Any]:
    return ssh_key_entry(make.keys.ssh[person])


@scenario
def self_approval_by_the_version_author(make: Make, honest: bool) -> Outcome:
    """dan created m@1 and also holds technical-review: he may not approve his own version."""
    repo = make(people={"dan": {"roles": ("data-scientist", TECH)}})
    reviewer = "alice" if honest else "dan"
    repo.approve(TECH, reviewer, feb(2))
    risk_and_final(repo)
    return refused_tech(
        f"{approval_path(SUBJECT, TECH, 'dan')}: dan authored this version and cannot approve it"
    )


@scenario
def stale_digest_after_the_artifact_changed(make: Make, honest: bool) -> Outcome:
    repo = make()
    approved = repo.digest()
    created = rev_parse(repo.root, "main")
    new_artifact = "sha256:" + "b" * 64
    if honest:  # the artifact changes first, and the reviewers approve the new one
        repo.commit({VERSION_PATH: version_document(new_artifact)}, "Retrain", "dan", when=feb(1))
    honest_flow(repo)
    if not honest:
        repo.commit(
            {VERSION_PATH: version_document(new_artifact)}, "Swap the artifact", "dan", when=feb(6)
        )
    current = repo.digest()
    change = f"artifact.digest: 'sha256:{'a' * 64}' -> '{new_artifact}'"
    return Outcome(
        [
            Expect(
                GATE,
                MISSING_TECH,
                hint=f"{TECH_PATH}: stale: it approves digest {approved} but the version's"
                f" digest is now {current}; changed since commit {short(created)}: {change}",
            ),
            Expect(GATE, MISSING_RISK),
        ]
    )


@scenario
def approval_edited_after_signing(make: Make, honest: bool) -> Outcome:
    repo = make()
    repo.approve(TECH, "alice", feb(2))
    text = repo.read(TECH_PATH).replace("Reviewed.", "Reviewed; no conditions.")
    edit = repo.commit(
        {TECH_PATH: text},
        "Tidy the comment",
        "alice",
        when=feb(2, 11),
        sign_with="own" if honest else None,
    )
    risk_and_final(repo)
    reason = f"commit {short(edit)} that changed it is not signed"
    return Outcome(
        [
            Expect(GATE, MISSING_TECH, hint=f"{TECH_PATH}: not verified: {reason}"),
            Expect(
                GATE,
                f"m@1 cannot go to production: {TECH_PATH} was changed after alice signed it"
                f" ({reason}); a signed decision is only replaced by a newer one its reviewer"
                " signs",
            ),
        ]
    )


@scenario
def branch_rejection_edited_without_signature(make: Make, honest: bool) -> Outcome:
    """alice signs a rejection on the branch; someone flips it to approved, unsigned, while
    frank's approval fills technical-review. The signed rejection must not be voided."""
    repo = make()
    repo.approve(TECH, "frank", feb(2))
    risk_and_final(repo)
    rejected = "approvals/m/1/technical-review--alice.yaml"
    repo.approve(
        TECH, "alice", feb(5), decision="rejected" if not honest else "approved", path=rejected
    )
    if honest:
        return Outcome([])
    flipped = repo.read(rejected).replace("decision: rejected", "decision: approved")
    edit = repo.commit(
        {rejected: flipped}, "Resolve review", "alice", when=feb(5, 12), sign_with=None
    )
    return Outcome(
        [
            Expect(
                GATE,
                f"m@1 cannot go to production: {rejected} was changed after alice signed it"
                f" (commit {short(edit)} that changed it is not signed); a signed decision is"
                " only replaced by a newer one its reviewer signs",
            )
        ]
    )


@scenario
def expired_approval(make: Make, honest: bool) -> Outcome:
    repo = make()
    repo.approve(TECH, "alice", feb(2))
    repo.approve(RISK, "bob", feb(20))
    repo.approve(FINAL, "carol", feb(21))
    today = date(2027, 1, 30) if honest else date(2027, 2, 10)
    hint = f"{TECH_PATH}: expired: signed 2026-02-02, more than 365 days before 2027-02-10"
    return Outcome([Expect(GATE, MISSING_TECH, hint=hint)], today=today)


@scenario
def rejection_newer_than_the_approval(make: Make, honest: bool) -> Outcome:
    repo = make()
    rejected = "approvals/m/1/technical-review--alice-rejected.yaml"
    if honest:  # rejected first, approved after the fix
        repo.approve(
            TECH, "alice", feb(1), decision="rejected", path=rejected, ident="m-1-alice-rejected"
        )
    honest_flow(repo)
    if not honest:
        repo.approve(
            TECH, "alice", feb(5), decision="rejected", path=rejected, ident="m-1-alice-rejected"
        )
    return Outcome(
        [
            Expect(
                GATE,
                f"m@1 cannot go to production: alice rejected it as technical-review on"
                f" 2026-02-05 ({rejected}), and has not approved since",
            ),
            Expect(GATE, MISSING_TECH),
        ]
    )


@scenario
def final_approval_before_the_others(make: Make, honest: bool) -> Outcome:
    repo = make()
    if honest:
        honest_flow(repo)
    else:
        repo.approve(FINAL, "carol", feb(2))
        repo.approve(TECH, "alice", feb(3))
        repo.approve(RISK, "bob", feb(4))
    reason = (
        "the final approval by carol (2026-02-02T10:00:00+00:00) was signed before the"
        " last required approval (2026-02-04T10:00:00+00:00); the final approver must sign"
        " last (can give it: carol)"
    )
    return Outcome([Expect(GATE, f"m@1 cannot go to production: {reason}")], reasons=(reason,))


@scenario
def one_person_in_two_roles(make: Make, honest: bool) -> Outcome:
    repo = make(people={"alice": {"roles": (TECH, RISK)}})
    repo.approve(TECH, "alice", feb(2))
    repo.approve(RISK, "bob" if honest else "alice", feb(3))
    repo.approve(FINAL, "carol", feb(4))
    reason = (
        "one person fills at most one role: alice is the approver for technical-review, risk-review"
    )
    return Outcome([Expect(GATE, f"m@1 cannot go to production: {reason}")], reasons=(reason,))


@scenario
def same_department_reviewers(make: Make, honest: bool) -> Outcome:
    """frank (data-science, like alice) also holds risk-review; departments must differ."""
    repo = make(people={"frank": {"roles": (TECH, RISK)}})
    repo.approve(TECH, "alice", feb(2))
    repo.approve(RISK, "bob" if honest else "frank", feb(3))
    repo.approve(FINAL, "carol", feb(4))
    reason = "reviewers must come from distinct departments: alice, frank are all in data-science"
    return Outcome([Expect(GATE, f"m@1 cannot go to production: {reason}")], reasons=(reason,))


@scenario
def key_used_after_its_validity_window(make: Make, honest: bool) -> Outcome:
    retired = "2026-01-20T00:00:00Z"
    repo = make(key_entries={"alice": [_ssh(make, "alice") | {"validBefore": retired}]})
    if honest:  # signed while the key was still valid
        repo.approve(TECH, "alice", datetime(2026, 1, 15, 10, tzinfo=feb(1).tzinfo))
    else:
        sha = repo.approve(TECH, "alice", feb(2))
    risk_and_final(repo)
    if honest:
        return Outcome()
    fingerprint = repo.keys.ssh["alice"].fingerprint
    return Outcome(
        [
            Expect(
                GATE,
                MISSING_TECH,
                hint=f"commit {short(sha)} was signed at"
                f" 2026-02-02T10:00:00+00:00 with alice's key {fingerprint}, outside"
                " its validity window (2025-01-01T00:00:00+00:00 to"
                " 2026-01-20T00:00:00+00:00)",
            )
        ]
    )


@scenario
def duplicate_key_smuggles_a_decision(make: Make, honest: bool) -> Outcome:
    """`decision: rejected` then `decision: approved`: YAML tools disagree on which wins."""
    repo = make()
    text = approval_document(SUBJECT, repo.digest(), TECH, "alice", feb(2), "rejected")
    lines = text.splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.startswith("  decision:")) + 1
    if not honest:
        lines.insert(first, "  decision: approved\n")
    else:
        lines[first - 1] = "  decision: approved\n"
    repo.commit({TECH_PATH: "".join(lines)}, "Approve m@1", "alice", when=feb(2))
    risk_and_final(repo)
    return Outcome(
        [
            Expect(
                "duplicate-key",
                f"duplicate key 'decision': first at line {first}, again at line {first + 1}",
                path=TECH_PATH,
            ),
            Expect(GATE, MISSING_TECH),
        ]
    )


def _moved_deployment(path: str, text: str) -> Callable[[Make, bool], Outcome]:
    def build(make: Make, honest: bool) -> Outcome:
        repo = make(deployment=False)
        repo.commit({path: text}, "Deploy m@1", "dan", when=feb(1))
        if honest:
            honest_flow(repo)
        return Outcome(
            [Expect(GATE, MISSING_TECH, path=path), Expect(GATE, MISSING_RISK, path=path)],
            deployment=path,
        )

    return build


SCENARIOS["deployment_as_yml"] = _moved_deployment(
    "deployments/production/m.yml", deployment_document()
)
SCENARIOS["deployment_as_json"] = _moved_deployment(
    "deployments/production/m.json",
    json.dumps(
        envelope(
            "Deployment", "m-production", {"environment": "production", "modelVersion": SUBJECT}
        ),
        indent=2,
    ),
)
SCENARIOS["deployment_in_an_unexpected_folder"] = _moved_deployment(
    "docs/notes/rollout-plan.yaml", deployment_document()
)


def _inference_service(annotated: bool) -> str:
    metadata: dict[str, Any] = {"name": "m-serving", "namespace": "production"}
    if annotated:
        metadata["annotations"] = {"govern-as-code/model-version": SUBJECT}
    return json.dumps(
        {
            "apiVersion": "serving.kserve.io/v1beta1",
            "kind": "InferenceService",
            "metadata": metadata,
            "spec": {"predictor": {"model": {"storageUri": "s3://models/m/1/"}}},
        },
        indent=2,
    )


@scenario
def foreign_manifest_without_annotation(make: Make, honest: bool) -> Outcome:
    path = "k8s/serving/m.yaml"
    repo = make(deployment=False)
    repo.commit({path: _inference_service(annotated=honest)}, "Serve m", "dan", when=feb(1))
    honest_flow(repo)
    return Outcome(
        [
            Expect(
                "foreign-manifest-linked",
                "deployment manifest 'm-serving' (production) does not"
                " name the model version it deploys: metadata.annotations"
                '["govern-as-code/model-version"] is missing or not a string',
                path=path,
            ),
            Expect(
                GATE,
                "the deployment to production names no model version, so nothing can be approved",
                path=path,
            ),
        ],
        deployment=path,
        reasons=("names no model version",),
    )


@scenario
def forged_merge_message_on_an_unsigned_commit(make: Make, honest: bool) -> Outcome:
    repo = make()
    message = "Merge pull request #7 from alice/approve-m\n\nApproved in review.\n"
    sha = repo.approve(TECH, "alice", feb(2), sign_with="own" if honest else None, message=message)
    risk_and_final(repo)
    return refused_tech(
        f"{TECH_PATH}: not verified: commit {short(sha)} that changed it is not signed"
    )


@scenario
def evil_merge_rewrites_the_approval(make: Make, honest: bool) -> Outcome:
    """Approvals signed on a review branch, merged --no-ff without a signature.

    Honest: the merge carries the signed content as is. Attack: the merge itself turns alice's
    "changes-requested" into "approved".
    """
    repo = make()
    repo.checkout("review", create=True)
    repo.approve(TECH, "alice", feb(2), decision="approved" if honest else "changes-requested")
    risk_and_final(repo)
    repo.checkout("change")
    if honest:
        repo.merge("review", feb(5))
        return Outcome()
    moment = feb(5)
    git(
        repo.root,
        "merge",
        "-q",
        "--no-ff",
        "--no-commit",
        "review",
        date=moment,
        author=identity("erin"),
    )
    repo.write(TECH_PATH, repo.read(TECH_PATH).replace("changes-requested", "approved"))
    git(repo.root, "add", TECH_PATH)
    git(
        repo.root,
        "commit",
        "-q",
        "--no-gpg-sign",
        "-m",
        "Merge branch 'review'",
        date=moment,
        author=identity("erin"),
    )
    merge = repo.head()
    reason = (
        f"merge commit {short(merge)} changed it; a merge is never taken as an approval,"
        " the reviewer must commit the approval file directly"
    )
    outcome = refused_tech(f"{TECH_PATH}: not verified: {reason}")
    outcome.expects.append(tampered(TECH_PATH, "alice", reason))
    return outcome


@scenario
def control_character_file_name_hides_an_unsigned_edit(make: Make, honest: bool) -> Outcome:
    """A file name holding \\x01 (the old log record separator) beside an unsigned edit.

    alice signed "changes-requested"; dan's commit turns it into "approved" and adds
    `approvals/a\\x01x.txt`, which once split git's output so that his commit was lost.
    """
    repo = make()
    repo.approve(TECH, "alice", feb(2), decision="changes-requested")
    repo.approve(RISK, "bob", feb(3))
    files = {
        TECH_PATH: repo.read(TECH_PATH).replace("changes-requested", "approved"),
        "approvals/a\x01x.txt": "decoy\n",
    }
    sha = repo.commit(
        files,
        "Tidy approvals",
        "alice" if honest else "dan",
        when=feb(3, 11),
        sign_with="own" if honest else None,
    )
    repo.approve(FINAL, "carol", feb(4))
    reason = f"commit {short(sha)} that changed it is not signed"
    outcome = refused_tech(f"{TECH_PATH}: not verified: {reason}")
    outcome.expects.append(tampered(TECH_PATH, "alice", reason))
    return outcome


@scenario
def reviewer_email_on_another_persons_signature(make: Make, honest: bool) -> Outcome:
    """frank signs with his own valid key, but sets alice's name and email on the commit."""
    repo = make()
    key = repo.keys.ssh["alice" if honest else "frank"]
    sha = repo.approve(TECH, "alice", feb(2), author=identity("alice"), sign_with=key)
    risk_and_final(repo)
    return refused_tech(
        f"commit {short(sha)} is signed by frank's key {key.fingerprint}, not by the reviewer alice"
    )


@scenario
def reviewer_grants_themselves_the_role(make: Make, honest: bool) -> Outcome:
    repo = make()
    repo.approve(TECH, "alice", feb(2))
    if honest:
        repo.approve(RISK, "bob", feb(3))
    else:
        erin = repo.people["erin"]
        granted = type(erin)(erin.name, erin.email, erin.department, (*erin.roles, RISK))
        repo.commit(
            {
                "people/erin.yaml": person_document(
                    "erin", granted, [ssh_key_entry(repo.keys.ssh["erin"])]
                )
            },
            "Give myself risk-review",
            "erin",
            when=feb(3),
        )
        # As the only governance-admin she also approves her own trust change: not counted.
        own = current_digest(repo.root, "Person/erin")
        repo.approve(ADMIN, "erin", feb(3, 10), subject="Person/erin", digest=own)
        repo.approve(RISK, "erin", feb(3, 11))
    repo.approve(FINAL, "carol", feb(4))
    digest = current_digest(repo.root, "Person/erin")
    return Outcome(
        [
            Expect(
                GATE,
                MISSING_RISK,
                hint=f"{approval_path(SUBJECT, RISK, 'erin')}: erin does not"
                " hold the role risk-review in the trusted base",
            ),
            Expect(
                TRUST,
                "Person/erin is changed by this change, which needs 1 more verified"
                f" governance-admin approval(s) of digest {digest} (can give it: nobody)",
                path="people/erin.yaml",
            ),
        ]
    )


@scenario
def gacignore_added_to_hide_the_deployment(make: Make, honest: bool) -> Outcome:
    repo = make()
    if honest:
        honest_flow(repo)
        return Outcome()
    repo.commit({".gacignore": "deployments/\n"}, "Ignore generated files", "dan", when=feb(1))
    digest = current_digest(repo.root, "Portfolio/acme")
    return Outcome(
        [
            Expect(GATE, MISSING_TECH),
            Expect(GATE, MISSING_RISK),
            Expect(
                TRUST,
                "Portfolio/acme is changed by this change, which needs 1 more verified"
                f" governance-admin approval(s) of digest {digest} (can give it: erin)",
                path="governance.yaml",
            ),
        ]
    )


@scenario
def backdated_commit(make: Make, honest: bool) -> Outcome:
    repo = make()
    # The parent (dan's registration of m@1) is dated 2026-01-05.
    when = feb(2) if honest else datetime(2026, 1, 3, 10, tzinfo=feb(2).tzinfo)
    sha = repo.approve(TECH, "alice", when)
    risk_and_final(repo)
    return refused_tech(
        f"{TECH_PATH}: not verified: commit"
        f" {short(sha)} is dated before its parent, so its date cannot be"
        " trusted"
    )


def resign_head(repo: GateRepo, person: str, namespace: str) -> str:
    """Replace HEAD by the same commit signed with ``ssh-keygen -Y sign -n namespace``."""
    raw = git(repo.root, "cat-file", "commit", "HEAD")
    assert b"\ngpgsig " not in raw
    signature = ssh_sign(repo.keys.ssh[person], raw, namespace=namespace).strip()
    headers, _, body = raw.partition(b"\n\n")
    header = "gpgsig " + "\n ".join(signature.split("\n"))
    signed = headers + b"\n" + header.encode() + b"\n\n" + body
    sha = git(repo.root, "hash-object", "-t", "commit", "-w", "--stdin", stdin=signed)
    new = sha.decode().strip()
    git(repo.root, "update-ref", "HEAD", new)
    return new


@scenario
def ssh_signature_in_another_namespace(make: Make, honest: bool) -> Outcome:
    """A valid ssh signature by alice, but made for `-n file`, not for git commits."""
    repo = make()
    repo.approve(TECH, "alice", feb(2), sign_with=None)
    sha = resign_head(repo, "alice", "git" if honest else "file")
    risk_and_final(repo)
    return refused_tech(
        f"{TECH_PATH}: not verified: the signature"
        f" of commit {short(sha)} does not verify: the signature was made for"
        " namespace 'file', not 'git'"
    )


@scenario
def openpgp_key_not_in_the_trusted_base(make: Make, honest: bool) -> Outcome:
    """bob signs with OpenPGP: with his listed key (honest) or a look-alike key (attack)."""
    repo = make(openpgp=["bob"])
    repo.approve(TECH, "alice", feb(2))
    key = repo.keys.gpg["bob" if honest else "bob-rogue"]
    sha = repo.approve(RISK, "bob", feb(3), sign_with=key)
    repo.approve(FINAL, "carol", feb(4))
    return Outcome(
        [
            Expect(
                GATE,
                MISSING_RISK,
                hint=f"{RISK_PATH}: not verified: the signature of commit {short(sha)} does"
                f" not verify: signed by key {key.signing_fingerprint}, which is not among the"
                " trusted keys",
            )
        ]
    )


def _base_rejection(make: Make) -> GateRepo:
    """bob's signed rejection of m@1 is on main; erin (compliance) also holds risk-review."""
    repo = make(people={"erin": {"roles": ("governance-admin", RISK)}}, branch=None)
    repo.approve(RISK, "bob", feb(1), decision="rejected")
    repo.checkout("change", create=True)
    return repo


def _others_approve(repo: GateRepo) -> None:
    repo.approve(TECH, "alice", feb(2))
    repo.approve(RISK, "erin", feb(3))
    repo.approve(FINAL, "carol", feb(4))


@scenario
def base_rejection_deleted(make: Make, honest: bool) -> Outcome:
    repo = _base_rejection(make)
    if honest:  # bob changes his mind in a newer, signed decision
        repo.approve(
            RISK,
            "bob",
            feb(1, 12),
            path="approvals/m/1/risk-review--bob-2.yaml",
            ident="m-1-risk-review-bob-2",
        )
    else:
        repo.commit(
            None, "Clean up old reviews", "dan", when=feb(1, 12), sign_with=None, remove=[RISK_PATH]
        )
    _others_approve(repo)
    return Outcome(
        [
            Expect(
                GATE,
                "m@1 cannot go to production: bob rejected it as risk-review in"
                f" the trusted base ({RISK_PATH}), and this change deleted that"
                " decision; a decision is replaced by a newer signed one, never"
                " deleted",
            )
        ]
    )


@scenario
def base_rejection_altered_without_the_reviewer(make: Make, honest: bool) -> Outcome:
    """dan flips bob's signed rejection to "approved" in an unsigned commit."""
    repo = _base_rejection(make)
    text = repo.read(RISK_PATH).replace("decision: rejected", "decision: approved")
    edit = repo.commit(
        {RISK_PATH: text},
        "Record the outcome of the risk meeting",
        "bob" if honest else "dan",
        when=feb(1, 12),
        sign_with="own" if honest else None,
    )
    _others_approve(repo)
    return Outcome(
        [
            Expect(
                GATE,
                "m@1 cannot go to production: bob rejected it as risk-review in"
                f" the trusted base ({RISK_PATH}), and this change altered that"
                " decision without bob's signature; a decision is replaced by a newer"
                " signed one, never edited by someone else",
            ),
            tampered(RISK_PATH, "bob", f"commit {short(edit)} that changed it is not signed"),
        ]
    )


@scenario
def base_rejection_swapped_for_a_same_id_file(make: Make, honest: bool) -> Outcome:
    """The rejection is deleted, and an unsigned file takes over its metadata.id."""
    repo = _base_rejection(make)
    if honest:
        repo.approve(
            RISK,
            "bob",
            feb(1, 12),
            path="approvals/m/1/risk-review--bob-2.yaml",
            ident="m-1-risk-review-bob-2",
        )
    else:
        text = repo.read(RISK_PATH).replace("decision: rejected", "decision: approved")
        repo.commit(
            {"approvals/m/1/risk-review--bob-final.yaml": text},
            "Move review",
            "dan",
            when=feb(1, 12),
            sign_with=None,
            remove=[RISK_PATH],
        )
    _others_approve(repo)
    return Outcome(
        [
            Expect(
                GATE,
                "m@1 cannot go to production: bob rejected it as risk-review in"
                f" the trusted base ({RISK_PATH}), and this change deleted that"
                " decision; a decision is replaced by a newer signed one, never"
                " deleted",
            )
        ]
    )


@scenario
def version_author_launders_created_by(make: Make, honest: bool) -> Outcome:
    """dan moves his version file under a bot identity and names frank as its author."""
    repo = make(people={"dan": {"roles": ("data-scientist", TECH)}})
    moved = "projects/p/models/m/versions/v1.yaml"
    bot = Identity("CI Bot", "bot@ci.invalid")
    repo.commit(
        {moved: version_document(created_by="frank")},
        "Reorganise versions",
        bot,
        when=feb(1),
        sign_with=None,
        remove=[VERSION_PATH],
    )
    repo.approve(TECH, "alice" if honest else "dan", feb(2))
    risk_and_final(repo)
    return Outcome(
        [
            Expect(
                GATE,
                "m@1 cannot go to production: missing a current, verified technical-review"
                " approval (can give it: alice)",
                hint=f"{approval_path(SUBJECT, TECH, 'dan')}: dan authored this version and cannot"
                " approve it",
            )
        ]
    )


@scenario
def risk_tier_lowered_in_the_change(make: Make, honest: bool) -> Outcome:
    """medium needs risk-review; the change relabels the model low and skips it."""
    repo = make(risk_tier="low" if honest else "medium")
    model = "projects/p/models/m/model.yaml"
    if not honest:
        repo.commit(
            {model: repo.read(model).replace("riskTier: medium", "riskTier: low")},
            "Recalibrate the risk tier",
            "dan",
            when=feb(1),
        )
    repo.approve(TECH, "alice", feb(2))
    repo.approve(FINAL, "carol", feb(4))
    return Outcome([Expect(GATE, MISSING_RISK)])


@scenario
def production_manifest_relabelled_staging(make: Make, honest: bool) -> Outcome:
    repo = make()
    text = repo.read(DEPLOYMENT).replace("environment: production", "environment: staging")
    repo.commit({DEPLOYMENT: text}, "Point at staging", "dan", when=feb(1))
    if honest:
        honest_flow(repo)
    return Outcome(
        [
            Expect(GATE, MISSING_TECH.replace("production:", "staging:")),
            Expect(GATE, MISSING_RISK.replace("production:", "staging:")),
        ]
    )


@pytest.mark.parametrize("honest", [False, True], ids=["attack", "honest"])
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario(name: str, honest: bool, keys: GateKeys, tmp_path: Path) -> None:
    make = Make(tmp_path / "repo", keys)
    outcome = SCENARIOS[name](make, honest)
    assessment = GateRepo(make.root, keys, {}).assess(today=outcome.today or TODAY)
    if honest:
        assert_passes(assessment, outcome.deployment)
        return
    gate = gate_for(assessment, outcome.deployment)
    assert not gate.passed
    for expect in outcome.expects:
        problem = find_problem(assessment, expect.rule, expect.message, path=expect.path)
        if expect.hint is not None:
            assert expect.hint in problem.hint, problem.hint
    # Nothing else is wrong: the refusal is the attack's, not a side effect of the fixture.
    found = sorted((p.rule, p.path, p.message) for p in errors(assessment))
    assert found == sorted((e.rule, e.path, e.message) for e in outcome.expects)
    if outcome.reasons is not None:
        assert gate.reasons == outcome.reasons


# --- beyond single verdicts: the cache, the history the gate needs, check-deploy --------------


def test_second_run_does_no_cryptography(
    keys: GateKeys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verdicts are cached by commit id: a second run gives the same answers without crypto."""
    repo = GateRepo.create(tmp_path / "repo", keys)
    repo.approve(TECH, "alice", feb(2), sign_with=None)
    resign_head(repo, "alice", "file")  # a signature that fails: failures are cached too
    repo.approve(TECH, "frank", feb(2, 12))
    repo.approve(RISK, "bob", feb(3), sign_with=repo.keys.ssh["mallory"])
    repo.approve(FINAL, "carol", feb(4))
    first = repo.assess()
    assert (repo.root / ".git" / "govern-as-code" / "signatures.json").is_file()

    def no_crypto(*args: object, **kwargs: object) -> object:
        raise AssertionError("a cached commit was verified again")

    monkeypatch.setattr(signed_commits, "verify_ssh_signature", no_crypto)
    second = repo.assess()
    assert second.report.problems == first.report.problems
    assert second.report.gates == first.report.gates
    assert second.status == first.status
    checks = {c.path: (c.state, c.detail) for c in second.status.approvals}
    assert checks[TECH_PATH][0] == "unverified"
    assert "namespace 'file', not 'git'" in checks[TECH_PATH][1]
    assert checks[RISK_PATH][0] == "unverified"
    assert checks[approval_path(SUBJECT, TECH, "frank")][0] == "current"
    assert not gate_for(second).passed  # risk-review is missing: mallory's signature
    # Without the cache the monkeypatched verifier is reached, which proves it was bypassed.
    (repo.root / ".git" / "govern-as-code" / "signatures.json").unlink()
    with pytest.raises(AssertionError, match="verified again"):
        repo.assess()


def _clone(source: Path, target: Path, *options: str) -> Path:
    subprocess.run(
        ["git", "clone", "-q", *options, f"file://{source}", str(target)],
        check=True,
        capture_output=True,
    )
    return target


def test_shallow_clone_is_refused(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys, branch=None)
    repo.approve_all()
    shallow = _clone(repo.root, tmp_path / "shallow", "--depth", "1")
    with pytest.raises(GitError) as caught:
        GateRepo(shallow, keys, {}).assess()
    assert caught.value.message == (
        "this is a shallow clone: the approval history cannot be verified"
    )
    assert "fetch-depth: 0" in caught.value.fix
    result = CliRunner().invoke(cli, ["lint", "--repo", str(shallow)])
    assert result.exit_code == 2, result.output
    assert "fetch-depth" in result.stderr
    assert "Traceback" not in result.output


def test_missing_base_ref_is_a_tool_error(keys: GateKeys, tmp_path: Path) -> None:
    repo = GateRepo.create(tmp_path / "repo", keys)
    result = CliRunner().invoke(cli, ["lint", "--repo", str(repo.root), "--base", "origin/release"])
    assert result.exit_code == 2, result.output
    assert "gac: error: the revision 'origin/release' is not in this repository" in result.stderr
    assert "git fetch origin release" in result.stderr


@pytest.mark.parametrize("honest", [False, True], ids=["attack", "honest"])
def test_check_deploy_counts_a_rejection_hidden_by_a_duplicate_id(
    honest: bool, keys: GateKeys, tmp_path: Path
) -> None:
    """bob rejects on the branch; a decoy file takes his rejection's id so it is not loaded.

    `lint` reports the duplicate id; `check-deploy`, which shows only the named manifest's
    problems, must still fail rather than pass a gate that never saw the rejection.
    """
    repo = GateRepo.create(
        tmp_path / "repo", keys, people={"erin": {"roles": ("governance-admin", RISK)}}
    )
    repo.approve(RISK, "bob", feb(1), decision="rejected")
    if honest:
        repo.approve(
            RISK,
            "bob",
            feb(1, 12),
            path="approvals/m/1/risk-review--bob-2.yaml",
            ident="m-1-risk-review-bob-2",
        )
    else:
        decoy = approval_document(SUBJECT, repo.digest(), RISK, "bob", feb(1, 12))
        repo.commit(
            {"approvals/m/1/a.yaml": decoy}, "Add notes", "dan", when=feb(1, 12), sign_with=None
        )
    repo.approve(TECH, "alice", feb(2))
    repo.approve(RISK, "erin", feb(3))
    repo.approve(FINAL, "carol", feb(4))
    result = CliRunner().invoke(
        cli,
        [
            "check-deploy",
            DEPLOYMENT,
            "--repo",
            str(repo.root),
            "--today",
            "2026-03-01",
            "--format",
            "json",
        ],
    )
    if honest:
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert [(p["rule"], p["path"]) for p in report["problems"]] == [("duplicate-id", RISK_PATH)]
    assert report["problems"][0]["message"] == (
        "duplicate Approval id 'm-1-risk-review-bob': also defined in approvals/m/1/a.yaml:4"
    )
