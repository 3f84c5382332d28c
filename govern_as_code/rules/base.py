"""What every rule module provides, and what the engine hands it.

A rule module has `ID`, `SUMMARY`, `KINDS` (the kinds it reports on), `Options` (a pydantic
model), a docstring with a passing and a failing example, and
`check(context, options) -> Iterator[Problem]`. Rules yield problems without a level.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from govern_as_code.gate.context import GateContext
from govern_as_code.problems import Problem


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RuleModule(Protocol):
    ID: str
    SUMMARY: str
    KINDS: tuple[str, ...]
    Options: type[BaseModel]
    __doc__: str | None

    def check(self, context: RuleContext, options: Any) -> Iterator[Problem]: ...


# The rules judge what the gate judges: one typed context for both.
RuleContext = GateContext
