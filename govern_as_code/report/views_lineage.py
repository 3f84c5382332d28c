"""The lineage of a model version: where it came from and where it runs, as links.

What MLflow's registry shows per version — description, code and data references, the artifact
and the run or revision it came from, tags — plus where the version is deployed, each
deployment linked to its row on the deployments pages. A reference becomes a link only through
`safe_url`: a `javascript:` or relative reference is shown as text, never followed. Files of the
repository are not copied into the report, so a repository path is shown as the path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from govern_as_code.report.data import DeploymentRec, ModelRec, VersionRec
from govern_as_code.report.lookup import GATE_BADGES, Badge, badge, when
from govern_as_code.report.paths import (
    DEPLOYMENTS,
    ExternalLink,
    Link,
    deployment_anchor,
    page_size,
    paged,
)
from govern_as_code.report.views_audit import deployment_order

_RUNS_URI: Final = re.compile(r"^runs:/([0-9A-Za-z]+)/")
SOURCE_NAMES: Mapping[str, str] = {
    "mlflow": "MLflow",
    "huggingface": "Hugging Face Hub",
    "native": "this repository",
    "other": "another registry",
}


@dataclass(frozen=True)
class DeployedTo:
    """One deployment of a version: environment, target, gate and its row's link."""

    environment: str
    target: str
    protected: bool
    gate: Badge
    row: Link
    since: str = ""  # when the manifest last changed, "" when it is not committed


@dataclass(frozen=True)
class LineageView:
    """A version's lineage section."""

    description: str
    code_ref: ExternalLink | None
    data_ref: ExternalLink | None
    artifact: ExternalLink
    digest: str
    source: str  # "MLflow", "Hugging Face Hub", ... or "" for a version written here
    source_uri: ExternalLink | None
    source_version: str
    source_run: str
    labels: tuple[tuple[str, str], ...]
    annotations: tuple[tuple[str, str], ...]
    deployed: tuple[DeployedTo, ...]


def _ref(value: str) -> ExternalLink | None:
    return ExternalLink.of(value) if value else None


class DeploymentRows:
    """Where each deployment's row sits on the paged deployments list, computed once."""

    def __init__(self, deployments: Sequence[DeploymentRec]) -> None:
        size = page_size()
        self.links: dict[tuple[str, str | None], Link] = {}
        for i, d in enumerate(deployment_order(deployments)):
            anchor = deployment_anchor(d.path, d.subject)
            page = paged(DEPLOYMENTS, i // size + 1)
            self.links[(d.path, d.subject)] = Link(f"{page}#{anchor}", d.path)

    def link(self, d: DeploymentRec) -> Link:
        """The link to `d`'s row."""
        return self.links[(d.path, d.subject)]


def _run_of(artifact: str) -> str:
    # MLflow's "runs:/<run id>/<path>" names the run that logged the artifact.
    m = _RUNS_URI.match(artifact)
    return m.group(1) if m else ""


def lineage_view(
    v: VersionRec,
    model: ModelRec | None,
    deployments: Sequence[DeploymentRec],
    rows: DeploymentRows,
) -> LineageView:
    """The lineage of `v` (a version of `model`), deployed as `deployments` say.

    A version without a source of its own came from its model's registry.
    """
    source_type = v.source_type or (model.source_type if model else "")
    source_uri = v.source_uri or ((model.source_uri or "") if model and not v.source_type else "")
    return LineageView(
        description=v.description,
        code_ref=_ref(v.code_ref),
        data_ref=_ref(v.data_ref),
        artifact=ExternalLink.of(v.artifact_uri),
        digest=v.digest,
        source=SOURCE_NAMES.get(source_type, source_type) if source_type != "native" else "",
        source_uri=_ref(source_uri),
        source_version=v.source_version,
        source_run=v.source_run or _run_of(v.artifact_uri),
        labels=tuple(sorted(v.labels.items())),
        annotations=tuple(sorted(v.annotations.items())),
        deployed=tuple(
            DeployedTo(
                d.environment,
                d.target,
                d.protected,
                badge(GATE_BADGES, d.gate),
                rows.link(d),
                when(d.since) if d.since else "",
            )
            for d in sorted(deployments, key=lambda d: (d.environment, d.path))
        ),
    )
