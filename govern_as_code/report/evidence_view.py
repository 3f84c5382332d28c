"""How the report shows the commit behind a record: its verification state and its link."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from govern_as_code.report.data import StageEventRec
from govern_as_code.report.lookup import Badge, Lookup, badge, short
from govern_as_code.report.paths import ExternalLink

# Symbols beside the words: a state never depends on seeing colour.
VERIFICATION_BADGES: Final = {
    "verified": ("✓", "verified", "good"),
    "other signer": ("!", "other signer", "bad"),
    "unverified": ("!", "unverified signature", "bad"),
    "unsigned": ("✕", "unsigned", "bad"),
}


def verification_badge(state: str) -> Badge:
    """The badge of a commit's verification state (`results.Verification`)."""
    return badge(VERIFICATION_BADGES, state)


def commit_link(base: str | None, commit: str | None) -> ExternalLink | None:
    """The commit as a link to its forge page, or None (then the short id is shown)."""
    if not commit or not base:
        return None
    return ExternalLink.of(f"{base}{commit}", short(commit))


@dataclass(frozen=True)
class StageEvidence:
    """What vouches for a stage completion: the commit that recorded it and its signer."""

    state: Badge
    signer: str
    fingerprint: str
    commit: str
    commit_id: str
    commit_link: ExternalLink | None
    detail: str


def stage_detail(lookup: Lookup, e: StageEventRec) -> str:
    """Why a completion is not verified, in names rather than ids."""
    if e.verification == "other signer" and e.signer:
        return f"signed by {lookup.person(e.signer)}, not by the completer"
    return e.detail


def stage_evidence(lookup: Lookup, project: str, stage: str) -> StageEvidence | None:
    """The evidence of a completed stage, or None when the stage is not complete."""
    found = next(
        (e for e in lookup.data.stage_events if e.project == project and e.stage == stage), None
    )
    if found is None:
        return None
    return StageEvidence(
        verification_badge(found.verification),
        lookup.person(found.signer) if found.signer else "",
        found.signer_fingerprint or "",
        short(found.commit),
        found.commit or "",
        commit_link(lookup.data.commit_url, found.commit),
        stage_detail(lookup, found),
    )
