"""What every rule module provides, and what the engine hands it.

A rule module has `ID`, `SUMMARY`, `KINDS`, `Options` (a pydantic model), a docstring with
`Given`/`Passing`/`Failing` examples as fenced YAML blocks headed by their file path (they run
as tests), and `check(context, options) -> Iterator[Problem]`. Rules yield problems without a
level.

`KINDS` are the kinds of document a rule reports on. The policy engine dispatches selectors
on it: a `when:` naming a kind outside `KINDS`, an environment for a rule that reports on no
Deployment, or a risk tier for a rule that reports on no tiered kind is an error, since it
would select nothing. The docstring examples' test checks that every problem is on one of them.
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
