"""The trust root: people, roles, keys and policies, read from the trusted base revision.

Never from the change under review: otherwise anyone could add their own key and approve
their own model (DESIGN §2.2).

Identity is one person, one key: a key (by fingerprint, whatever its comment) or an email
that two Person documents list identifies nobody, so it is taken out of both people here,
and every consumer (signature evidence, version authors) sees it as unknown. The rule
`trust-changes-need-admin` reports it as an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from govern_as_code.documents.key_identity import same_key
from govern_as_code.documents.kinds import PersonDocument, PolicyDocument, PortfolioSpec
from govern_as_code.portfolio.model import Document, Portfolio


@dataclass
class TrustRoot:
    """Who is who, as of the trusted base. `revision` is None when there is no git history.

    `shared_keys` and `shared_emails` map a fingerprint or an email to the people who all
    claim it; those keys are removed from `people`, and those emails identify nobody.
    """

    revision: str | None
    settings: PortfolioSpec
    people: dict[str, PersonDocument] = field(default_factory=dict)
    policies: dict[str, Document] = field(default_factory=dict)
    ignore_lines: tuple[str, ...] = ()
    portfolio: Portfolio | None = None
    shared_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    shared_emails: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_portfolio(cls, portfolio: Portfolio, ignore_lines: tuple[str, ...] = ()) -> TrustRoot:
        listed = [
            d.model for d in portfolio.of_kind("Person") if isinstance(d.model, PersonDocument)
        ]
        shared_keys = shared_key_owners(listed)
        shared_emails = shared_email_owners(listed)
        people = {p.metadata.id: _without_keys(p, set(shared_keys)) for p in listed}
        policies = {
            d.id: d for d in portfolio.of_kind("Policy") if isinstance(d.model, PolicyDocument)
        }
        return cls(
            portfolio.revision,
            portfolio.settings,
            people,
            policies,
            ignore_lines,
            portfolio,
            shared_keys,
            shared_emails,
        )

    def departed_on(self, person: str) -> date | None:
        """The day `person` left, or None while they are active (or unknown)."""
        found = self.people.get(person)
        return found.spec.departedOn if found and found.spec.status == "departed" else None

    def active_on(self, person: str, day: date) -> bool:
        """Whether `person` is in the trusted base and had not left by `day`."""
        if person not in self.people:
            return False
        left = self.departed_on(person)
        return left is None or day < left

    def holders(self, role: str, on: date | None = None) -> list[PersonDocument]:
        """People who hold `role` in the trusted base (and, given `on`, are active then)."""
        return sorted(
            (
                p
                for p in self.people.values()
                if role in p.spec.roles and (on is None or self.active_on(p.metadata.id, on))
            ),
            key=lambda p: p.metadata.id,
        )

    def holds(self, person: str, role: str, at: date | datetime | None = None) -> bool:
        """Whether `person` holds `role`; given `at`, also that they had not departed by then.

        A departed person holds no role from their `departedOn`: a sign-off made before it
        still counts, one made on or after it does not.
        """
        found = self.people.get(person)
        if found is None or role not in found.spec.roles:
            return False
        if at is None:
            return True
        day = at.date() if isinstance(at, datetime) else at
        return self.active_on(person, day)

    def person_by_email(self, email: str) -> str | None:
        """The one person with this email (case and surrounding space aside), else None."""
        wanted = email.strip().casefold()
        if wanted in self.shared_emails:
            return None
        return self._index()[1].get(wanted)

    def key_owner(self, fingerprint: str) -> str | None:
        """The one person whose key has this fingerprint; a shared key belongs to nobody."""
        return self._index()[0].get(same_key(fingerprint))

    def _index(self) -> tuple[dict[str, str], dict[str, str]]:
        """Key identity and email to the first person listing it, in the people's order (as a
        scan would find them), built once: the gate asks for every commit of the history."""
        built = self.__dict__.get("_built_index")
        if built is None or built[0] is not self.people:
            keys: dict[str, str] = {}
            emails: dict[str, str] = {}
            for person in self.people.values():
                for key in person.spec.keys:
                    keys.setdefault(key.identity, person.metadata.id)
                emails.setdefault(person.spec.email_key, person.metadata.id)
            built = (self.people, keys, emails)
            self.__dict__["_built_index"] = built
        return built[1], built[2]


def shared_key_owners(people: Iterable[PersonDocument]) -> dict[str, tuple[str, ...]]:
    """Fingerprints listed by more than one person, with those people (by id)."""
    owners: dict[str, set[str]] = {}
    for person in people:
        for key in person.spec.keys:
            owners.setdefault(key.identity, set()).add(person.metadata.id)
    return {fp: tuple(sorted(ids)) for fp, ids in owners.items() if len(ids) > 1}


def shared_email_owners(people: Iterable[PersonDocument]) -> dict[str, tuple[str, ...]]:
    """Emails (case and space aside) that more than one person lists, with those people."""
    owners: dict[str, set[str]] = {}
    for person in people:
        owners.setdefault(person.spec.email_key, set()).add(person.metadata.id)
    return {email: tuple(sorted(ids)) for email, ids in owners.items() if len(ids) > 1}


def _without_keys(person: PersonDocument, shared: set[str]) -> PersonDocument:
    keys = [k for k in person.spec.keys if k.identity not in shared]
    if len(keys) == len(person.spec.keys):
        return person
    return person.model_copy(update={"spec": person.spec.model_copy(update={"keys": keys})})
