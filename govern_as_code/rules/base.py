"""What every rule module provides, and what the engine hands it.

A rule module has `ID`, `SUMMARY`, `KINDS` (the kinds it reports on), `Options` (a pydantic
model), a docstring with a passing and a failing example, and
`check(context, options) -> Iterator[Problem]`. Rules yield problems without a level.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from govern_as_code.portfolio import Portfolio
from govern_as_code.problems import Problem
from govern_as_code.trust import TrustRoot


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RuleModule(Protocol):
    ID: str
    SUMMARY: str
    KINDS: tuple[str, ...]
    Options: type[BaseModel]
    __doc__: str | None

    def check(self, context: RuleContext, options: Any) -> Iterator[Problem]: ...


@dataclass
class RuleContext:
    """The portfolio under review, the trusted base, the evidence, and today's date."""

    portfolio: Portfolio
    trust: TrustRoot
    today: date
    evidence: Any = None  # approval path -> evidence.approvals.ApprovalEvidence
    extra: dict[str, Any] = field(default_factory=dict)
    # Gate verdicts by (subject, options): the rule and the gate results share one evaluation.
    verdicts: dict[tuple[str, str], Any] = field(default_factory=dict)
