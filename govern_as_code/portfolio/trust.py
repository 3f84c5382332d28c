"""The trust root: people, roles, keys and policies, read from the trusted base revision.

Never from the change under review: otherwise anyone could add their own key and approve
their own model (DESIGN §2.2).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from govern_as_code.documents.kinds import PersonDocument, PolicyDocument, PortfolioSpec
from govern_as_code.portfolio.model import Document, Portfolio


@dataclass
class TrustRoot:
    """Who is who, as of the trusted base. `revision` is None when there is no git history."""

    revision: str | None
    settings: PortfolioSpec
    people: dict[str, PersonDocument] = field(default_factory=dict)
    policies: dict[str, Document] = field(default_factory=dict)
    ignore_lines: tuple[str, ...] = ()
    portfolio: Portfolio | None = None

    @classmethod
    def from_portfolio(cls, portfolio: Portfolio, ignore_lines: tuple[str, ...] = ()) -> TrustRoot:
        people = {
            d.id: d.model
            for d in portfolio.of_kind("Person")
            if isinstance(d.model, PersonDocument)
        }
        policies = {
            d.id: d for d in portfolio.of_kind("Policy") if isinstance(d.model, PolicyDocument)
        }
        return cls(
            portfolio.revision, portfolio.settings, people, policies, ignore_lines, portfolio
        )

    def holders(self, role: str) -> list[PersonDocument]:
        """People who hold `role` in the trusted base, by id."""
        return sorted(
            (p for p in self.people.values() if role in p.spec.roles), key=lambda p: p.metadata.id
        )

    def holds(self, person: str, role: str) -> bool:
        found = self.people.get(person)
        return found is not None and role in found.spec.roles
