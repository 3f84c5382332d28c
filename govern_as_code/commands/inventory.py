"""`gac inventory`: which assets are governed, and what still lacks a sign-off."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

from govern_as_code.commands.assess import GATE_RULE, LintRequest, assess
from govern_as_code.documents.kinds import (
    ModelDocument,
    ModelVersionDocument,
    PersonDocument,
    ProjectDocument,
    WaiverDocument,
)
from govern_as_code.gate.options import GateOptions
from govern_as_code.gate.verdict import evaluate
from govern_as_code.rules.policy import resolve_policy


@dataclass(frozen=True)
class Inventory:
    governed_projects: list[str]
    ungoverned_projects: list[str]
    models_without_project: list[str]
    versions_without_approvals: list[str]
    production_not_green: list[str]  # "m@1: reason"
    people_without_keys: list[str]
    waivers_expiring: list[str]  # "id: rule for subject, expires DATE"

    def as_dict(self) -> dict[str, list[str]]:
        return asdict(self)


SECTIONS = (
    ("governed_projects", "Governed projects"),
    ("ungoverned_projects", "Ungoverned projects"),
    ("models_without_project", "Models with no project"),
    ("versions_without_approvals", "Versions with no approvals"),
    ("production_not_green", "Production versions whose gate is not green"),
    ("people_without_keys", "People with no signing key"),
    ("waivers_expiring", "Waivers close to expiry"),
)


def inventory(
    root: Path, *, within_days: int = 14, base: str | None = None, today: date | None = None
) -> Inventory:
    """The governance view of the whole portfolio."""
    assessment = assess(LintRequest(root, base=base, today=today))
    context = assessment.context
    portfolio = context.portfolio
    projects = list(portfolio.models("Project", ProjectDocument))
    setting = resolve_policy(context.trust).get(GATE_RULE)
    options = GateOptions.model_validate(dict(setting.options)) if setting else GateOptions()
    deployed = {g.subject for g in assessment.report.gates}
    not_green = []
    for _, version in portfolio.models("ModelVersion", ModelVersionDocument):
        subject = version.metadata.id
        if version.spec.status == "production" or subject in deployed:
            verdict = evaluate(context, subject, options)
            if not verdict.passed:
                not_green.append(f"{subject}: {verdict.reasons[0]}")
    horizon = context.today + timedelta(days=within_days)
    expiring = [
        f"{w.metadata.id}: {w.spec.rule} for {w.spec.subject}, expires {w.spec.expires.isoformat()}"
        for _, w in portfolio.models("Waiver", WaiverDocument)
        if w.spec.expires <= horizon
    ]
    return Inventory(
        sorted(p.metadata.id for _, p in projects if p.spec.governed),
        sorted(p.metadata.id for _, p in projects if not p.spec.governed),
        sorted(
            m.metadata.id
            for _, m in portfolio.models("Model", ModelDocument)
            if portfolio.get("Project", m.spec.project) is None
        ),
        sorted(
            v.metadata.id
            for _, v in portfolio.models("ModelVersion", ModelVersionDocument)
            if not portfolio.approvals_of(v.metadata.id) and v.spec.status != "retired"
        ),
        sorted(not_green),
        sorted(
            p.metadata.id for _, p in portfolio.models("Person", PersonDocument) if not p.spec.keys
        ),
        sorted(expiring),
    )


def render_text(found: Inventory) -> str:
    values = found.as_dict()
    lines = []
    for key, title in SECTIONS:
        items = values[key]
        lines.append(f"{title} ({len(items)})")
        lines.extend(f"  {item}" for item in items)
    return "\n".join(lines) + "\n"
