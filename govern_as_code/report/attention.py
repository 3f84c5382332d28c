"""The portfolio page's "Attention" panel: what is blocked, drifting or overdue, and who acts.

It is the first thing on the portfolio page, so a risk officer sees it without scrolling; each
item names one version once per kind of trouble, however many findings it has of that kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from govern_as_code.report.data import FindingRec
from govern_as_code.report.findings import GATE_RULE, PORTFOLIO
from govern_as_code.report.lookup import Badge, Lookup
from govern_as_code.report.paths import Link
from govern_as_code.report.views_findings import ActorView

KINDS: Final = (
    (GATE_RULE, Badge("✕", "blocked", "bad")),
    ("drift-threshold", Badge("≈", "drift over threshold", "warn")),
    ("revalidation-due", Badge("◔", "revalidation overdue", "warn")),
)
MAX_ITEMS: Final = 8


@dataclass(frozen=True)
class AttentionItem:
    """One version in trouble of one kind."""

    kind: Badge
    about: Link | None
    about_text: str
    message: str
    more: int  # further findings of this kind on the same version
    actors: tuple[ActorView, ...]
    act: str


@dataclass(frozen=True)
class AttentionView:
    """The panel: the first `MAX_ITEMS` items, most urgent first, and how many in all."""

    items: tuple[AttentionItem, ...]
    total: int
    blocked: int
    drifting: int
    overdue: int


def attention(lookup: Lookup) -> AttentionView:
    """Blocked deployments, drift over threshold and overdue revalidations, grouped."""
    groups: dict[tuple[str, str], list[FindingRec]] = {}
    for f in lookup.findings.of(PORTFOLIO):
        if f.rule == GATE_RULE and f.level != "error":
            continue
        if f.rule in dict(KINDS):
            groups.setdefault((f.rule, f.subject or f.document), []).append(f)
    order = [rule for rule, _ in KINDS]
    items = []
    for (rule, about), found in sorted(groups.items(), key=lambda kv: order.index(kv[0][0])):
        first = found[0]
        actors = tuple(dict.fromkeys(a for f in found for a in f.actors))
        items.append(
            AttentionItem(
                kind=dict(KINDS)[rule],
                about=lookup.subject_link(about),
                about_text=about,
                message=first.message,
                more=len(found) - 1,
                actors=tuple(ActorView.of(lookup, a) for a in actors),
                act=first.act,
            )
        )
    count = {rule: sum(1 for r, _ in groups if r == rule) for rule in order}
    return AttentionView(
        tuple(items[:MAX_ITEMS]),
        len(items),
        count[GATE_RULE],
        count["drift-threshold"],
        count["revalidation-due"],
    )
