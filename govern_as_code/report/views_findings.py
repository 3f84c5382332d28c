"""The findings as a page shows them: level, rule, message, hint and who can act, by name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from govern_as_code.report.data import FindingRec
from govern_as_code.report.lookup import Badge, Lookup, subject_text
from govern_as_code.report.paths import Link

LEVEL_BADGES: Final = {
    "error": Badge("✕", "error", "bad"),
    "warning": Badge("!", "warning", "warn"),
}
# A page lists at most this many findings; the rest are counted (the portfolio page of a large
# portfolio would otherwise carry thousands).
MAX_FINDINGS: Final = 50


@dataclass(frozen=True)
class ActorView:
    """A person who can act: a link to their page, or their id when they are unknown."""

    link: Link | None
    text: str
    note: str = ""  # e.g. "departed on 2026-03-31": named, but no longer able to act

    @classmethod
    def of(cls, lookup: Lookup, id: str) -> ActorView:
        """The actor `id`, marked when the person has departed."""
        person = lookup.people.get(id)
        note = ""
        if person is not None and person.status == "departed":
            note = "departed" + (
                f" on {person.departed_on.isoformat()}" if person.departed_on else ""
            )
        return cls(lookup.person_link(id), lookup.person(id), note)


@dataclass(frozen=True)
class FindingView:
    """One finding as a list item."""

    level: Badge
    rule: str
    message: str
    hint: str
    where: str  # path:line
    about: Link | None  # the version or model it concerns
    about_text: str
    actors: tuple[ActorView, ...]
    act: str
    waiver: str
    source: str


@dataclass(frozen=True)
class FindingsBlock:
    """The findings of one page: the first `MAX_FINDINGS`, errors first, and how many."""

    items: tuple[FindingView, ...]
    total: int
    errors: int
    warnings: int

    @property
    def more(self) -> int:
        """How many findings are not listed."""
        return self.total - len(self.items)


def finding_view(lookup: Lookup, f: FindingRec) -> FindingView:
    """The view of one finding, with the actors' names."""
    about = lookup.subject_link(f.subject) if f.subject else None
    if about is None and f.kind == "Model" and f.document in lookup.models:
        about = lookup.model_link(f.document)
    return FindingView(
        level=LEVEL_BADGES.get(f.level, Badge("•", f.level, "muted")),
        rule=f.rule,
        message=f.message,
        hint=f.hint,
        where=f"{f.path}:{f.line}" if f.line else f.path,
        about=about,
        about_text=subject_text(f.subject, f.document),
        actors=tuple(ActorView.of(lookup, a) for a in f.actors),
        act=f.act,
        waiver=f.waiver,
        source=f.source,
    )


def findings_block(lookup: Lookup, key: str, limit: int = MAX_FINDINGS) -> FindingsBlock:
    """The findings filed under `key` (see `findings.ref`), errors first."""
    found = sorted(lookup.findings.of(key), key=lambda f: (f.level != "error", f.path, f.line))
    return FindingsBlock(
        tuple(finding_view(lookup, f) for f in found[:limit]),
        len(found),
        sum(1 for f in found if f.level == "error"),
        sum(1 for f in found if f.level != "error"),
    )
