"""The specs of models and model versions: risk tier, source, artifact, metrics."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from govern_as_code.documents.types import (
    Digest,
    IsoDate,
    IsoDateTime,
    Slug,
    StrictModel,
    Text,
    VersionName,
)

RiskTier = Literal["low", "medium", "high", "critical"]
VersionStatus = Literal["candidate", "challenger", "production", "retired"]


class ModelSource(StrictModel):
    type: Literal["native", "mlflow", "huggingface", "other"] = "native"
    uri: Text | None = None
    version: Text | None = None  # the source's own version of what was imported
    runId: Text | None = None  # e.g. the MLflow run that produced the version


class ModelSpec(StrictModel):
    project: Slug
    task: Text
    riskTier: RiskTier
    owner: Slug | None = None
    source: ModelSource = Field(default_factory=ModelSource)
    revalidateEveryDays: int | None = Field(default=None, ge=1)


class Artifact(StrictModel):
    uri: Text
    digest: Digest


class DriftPoint(StrictModel):
    """One monitoring observation: a date and any number of named drift figures."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, float] = Field(init=False)

    date: IsoDate

    @property
    def values(self) -> dict[str, float]:
        return dict(self.__pydantic_extra__ or {})


class Metrics(StrictModel):
    performance: dict[str, float] = Field(default_factory=dict)
    drift: list[DriftPoint] = Field(default_factory=list)


class ModelVersionSpec(StrictModel):
    model: Slug
    version: VersionName
    created: IsoDateTime
    createdBy: Slug
    artifact: Artifact
    codeRef: Text | None = None
    dataRef: Text | None = None
    status: VersionStatus = "candidate"
    lastValidated: IsoDate | None = None
    metrics: Metrics = Field(default_factory=Metrics)
    source: ModelSource | None = None  # where an imported version came from
