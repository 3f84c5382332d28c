"""Foreign deployment manifests: files in a deployment glob that are not our documents.

A KServe InferenceService, a Kubernetes Deployment or a Helm values file is linked to a model
version by an annotation (DESIGN §8). Each YAML document of such a file is one deployment; one
that names no model version is kept with `subject=None`, so the gate blocks it.
"""

from __future__ import annotations

from typing import Any

from govern_as_code.documents.kinds import DeploymentGlob
from govern_as_code.documents.yaml_loader import LoadedData, ParsedFile, dig
from govern_as_code.portfolio.model import Deployment, Portfolio

MODEL_VERSION_ANNOTATION = "govern-as-code/model-version"
ENVIRONMENT_ANNOTATION = "govern-as-code/environment"


def load_foreign_manifests(
    portfolio: Portfolio, path: str, parsed: ParsedFile, glob: DeploymentGlob
) -> None:
    """Add every manifest of `parsed` to the portfolio's foreign deployments."""
    if parsed.strict_issue:
        portfolio.problems.append(parsed.strict_issue.to_problem(path))
        return
    for data in parsed.documents:
        if data.value is None:
            continue
        subject, where = _annotation(data, glob)
        line, column = data.position(where)
        # The trusted glob's environment wins over the manifest's own claim.
        environment = (
            glob.environment
            or dig(data.value, ("metadata", "annotations", ENVIRONMENT_ANNOTATION))
            or "production"
        )
        target = dig(data.value, ("metadata", "name")) or path
        portfolio.foreign.append(
            Deployment(
                path,
                line,
                column,
                str(environment),
                subject if isinstance(subject, str) else None,
                str(target),
                True,
            )
        )


def _annotation(data: LoadedData, glob: DeploymentGlob) -> tuple[Any, tuple[str, ...]]:
    if glob.annotationPath:
        where = tuple(glob.annotationPath.split("."))
    else:
        where = ("metadata", "annotations", MODEL_VERSION_ANNOTATION)
    return dig(data.value, where), where
