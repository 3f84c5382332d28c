"""The specs of initiatives and projects: goals, owners, qualification, workflow stages."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from govern_as_code.documents.types import IsoDate, IsoDateTime, RepoPath, Slug, StrictModel, Text

StageStatus = Literal["not-started", "in-progress", "complete"]


class InitiativeSpec(StrictModel):
    goal: Text
    owner: Slug
    sponsors: list[Slug] = Field(default_factory=list)
    status: Literal["proposed", "active", "on-hold", "completed", "cancelled"] = "active"


class Attachment(StrictModel):
    title: Text
    path: RepoPath | None = None
    url: Text | None = Field(default=None, pattern=r"^(https?://|mailto:)")

    @model_validator(mode="after")
    def _one_target(self) -> Attachment:
        if (self.path is None) == (self.url is None):
            raise ValueError("an attachment has exactly one of 'path' or 'url'")
        return self


class Qualification(StrictModel):
    value: int = Field(ge=1, le=5)
    risk: int = Field(ge=1, le=5)
    feasibility: int = Field(ge=1, le=5)
    assessedBy: Slug | None = None
    assessedOn: IsoDate | None = None
    notes: Text | None = None
    draft: bool = False  # a draft is shown as such and does not count as qualified


class Comment(StrictModel):
    by: Slug
    on: IsoDateTime
    text: Text


class StageState(StrictModel):
    id: Slug
    status: StageStatus
    completedBy: Slug | None = None
    completedOn: IsoDateTime | None = None
    comments: list[Comment] = Field(default_factory=list)


class ProjectSpec(StrictModel):
    initiative: Slug | None = None
    owner: Slug
    governed: bool = True
    objectives: Text | None = None
    scope: Text | None = None
    useCase: Text | None = None
    sponsors: list[Slug] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)
    qualification: Qualification | None = None
    workflow: Slug | None = None
    stages: list[StageState] = Field(default_factory=list)
