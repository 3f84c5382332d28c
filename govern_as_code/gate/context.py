"""What the gate and the rules judge: the portfolio under review, the trusted base, the
verified evidence, the facts from history and today's date. Every field is typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from govern_as_code.evidence.history import HistoryFacts
from govern_as_code.evidence.provider import Evidence
from govern_as_code.portfolio.ignore import IgnoreFiles
from govern_as_code.portfolio.model import Portfolio
from govern_as_code.portfolio.trust import TrustRoot

if TYPE_CHECKING:
    from govern_as_code.gate.model import GateVerdict


@dataclass
class GateContext:
    portfolio: Portfolio
    trust: TrustRoot
    today: date
    evidence: Evidence = field(default_factory=Evidence)
    history: HistoryFacts = field(default_factory=HistoryFacts)
    ignore: IgnoreFiles = field(default_factory=IgnoreFiles)
    # Verdicts by (subject, options): the rule and the gate results share one evaluation.
    verdicts: dict[tuple[str, str], GateVerdict] = field(default_factory=dict)

    @property
    def has_base(self) -> bool:
        """Whether a trusted base distinct from the change under review was read."""
        base = self.trust.portfolio
        return base is not None and base is not self.portfolio
