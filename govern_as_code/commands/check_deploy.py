"""`gac check-deploy`: the gate for named manifests, and the bytes about to be shipped.

A CD script runs it on every manifest it deploys. A manifest to an unprotected environment is
"not gated" and passes; a file that is not a deployment at all stops the tool, because a typo
must not wave a deployment through. With `--artifact FILE` the file's sha256 must equal the
`artifact.digest` of the version the manifest names: "the version was approved" then also
means "what we ship is that version".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from govern_as_code.commands.assess import Assessment, LintRequest, assess
from govern_as_code.documents.kinds import ModelVersionDocument
from govern_as_code.errors import GovernError, UsageError
from govern_as_code.portfolio.model import Deployment, Portfolio
from govern_as_code.problems import Level, LintReport, Problem

ARTIFACT_RULE = "artifact-digest"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class CheckDeployRequest:
    root: Path
    manifests: tuple[Path, ...]
    cwd: Path
    base: str | None = None
    today: date | None = None
    artifact: Path | None = None
    offline: bool = False  # forge evidence from the cache only
    cache_dir: Path | None = None
    no_cache: bool = False


@dataclass(frozen=True)
class CheckDeployResult:
    report: LintReport
    not_gated: tuple[Deployment, ...] = ()
    assessment: Assessment | None = None

    @property
    def blocked(self) -> bool:
        """A gate blocked, or the artifact is not the approved one."""
        return any(not g.passed for g in self.report.gates) or any(
            p.rule == ARTIFACT_RULE for p in self.report.problems
        )


def file_digest(path: Path) -> str:
    """`sha256:<hex>` of the file's bytes, read in chunks (artifacts can be gigabytes)."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
    except OSError as e:
        raise GovernError(
            f"cannot read the artifact {path}: {e.strerror}", "name the file you are about to ship"
        ) from e
    return f"sha256:{digest.hexdigest()}"


def _relative(root: Path, cwd: Path, manifest: Path) -> str:
    full = manifest if manifest.is_absolute() else cwd / manifest
    if not full.exists():
        full = root / manifest
    try:
        relative = full.resolve().relative_to(root).as_posix()
    except ValueError:
        raise UsageError(
            f"{manifest} is not inside the repository {root}", "name manifests inside --repo"
        ) from None
    if full.is_dir():
        raise UsageError(
            f"{manifest} is a folder, not a manifest",
            f"name the manifest files in it, e.g. {manifest}/*.yaml",
        )
    if not full.is_file():
        raise UsageError(f"{manifest} does not exist", "name an existing manifest file")
    return relative


def check_deploy(request: CheckDeployRequest) -> CheckDeployResult:
    """Gate the named manifests; with an artifact, also compare its bytes with the version."""
    if request.artifact is not None and len(request.manifests) != 1:
        raise UsageError(
            "--artifact checks the bytes of one deployment",
            "name exactly one manifest with --artifact",
        )
    artifact_digest = file_digest(request.artifact) if request.artifact is not None else None
    root = request.root.resolve()
    relative = [_relative(root, request.cwd, m) for m in request.manifests]
    result = assess(
        LintRequest(
            root,
            base=request.base,
            today=request.today,
            only_paths=relative,
            offline=request.offline,
            cache_dir=request.cache_dir,
            no_cache=request.no_cache,
        )
    )
    gated = {g.deployment for g in result.report.gates}
    deployments = {d.path: d for d in result.portfolio.deployments()}
    not_gated = tuple(deployments[p] for p in relative if p not in gated and p in deployments)
    settings = result.trust.settings
    unselected = [d.path for d in not_gated if settings.gates(d.environment, d.path)]
    if unselected:
        # A protected deployment with no gate result means the policy does not select it; a
        # CD script must not read that as "not gated".
        raise UsageError(
            f"{', '.join(unselected)} deploys to a protected environment, but the policy in"
            " force does not gate it (production-requires-approvals is off or its `when:`"
            " leaves it out)",
            "fix the policy in the trusted base; `gac rules production-requires-approvals`"
            " shows how it is set",
        )
    unknown = [p for p in relative if p not in gated and p not in deployments]
    if unknown:
        raise UsageError(
            f"{', '.join(unknown)} is not a deployment to a protected environment:"
            " it is no deployment manifest at all",
            "name a Deployment document or a manifest in a deployment glob",
        )
    report = result.report
    if request.artifact is not None and artifact_digest is not None:
        problem = _artifact_problem(
            result.portfolio, deployments[relative[0]], request.artifact, artifact_digest
        )
        if problem is not None:
            report = replace(report, problems=(*report.problems, problem))
    return CheckDeployResult(report, not_gated, result)


def _artifact_problem(
    portfolio: Portfolio, deployment: Deployment, artifact: Path, actual: str
) -> Problem | None:
    subject = deployment.subject
    document = portfolio.get("ModelVersion", subject) if subject else None
    if document is None or not isinstance(document.model, ModelVersionDocument):
        # Nothing to compare with is a refusal too; references-resolve names the cause.
        return deployment.problem(
            ARTIFACT_RULE,
            f"cannot check the artifact {artifact.name}: the manifest names no model version"
            " that exists",
            "fix the manifest's model version first",
        ).with_level(Level.ERROR)
    approved = document.model.spec.artifact.digest
    if approved == actual:
        return None
    return deployment.problem(
        ARTIFACT_RULE,
        f"the artifact {artifact.name} is {actual}, but {subject} records artifact.digest"
        f" {approved} ({document.path}): these are not the bytes that were registered",
        "ship the approved artifact, or register these bytes as a new version"
        " (gac digest --file FILE gives its digest) and have it approved",
    ).with_level(Level.ERROR)
