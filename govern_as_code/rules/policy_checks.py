"""The friendly validation of a policy: rule ids, options and `when:` selectors.

Each failure is a GovernError (exit 2) that names the policy file and line, what is allowed,
and the nearest valid name when the written one looks like a typo.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from govern_as_code.documents.kinds import KINDS, PortfolioSpec, RuleWhen
from govern_as_code.errors import GovernError
from govern_as_code.portfolio.model import Document
from govern_as_code.rules.core_checks import CORE_CHECKS
from govern_as_code.rules.registry import RULES

# Rules that only ever judge deployments to protected environments.
PROTECTED_ONLY = frozenset({"production-requires-approvals", "ungoverned-in-production"})
# Kinds whose documents have a risk tier (their own, their version's or their subject's).
TIERED_KINDS = frozenset({"Model", "ModelVersion", "Approval", "Deployment"})


@dataclass(frozen=True)
class At:
    """A place in a policy (or governance.yaml) document: the file and a key path in it."""

    document: Document
    keys: tuple[str | int, ...]

    def child(self, *keys: str | int) -> At:
        return At(self.document, (*self.keys, *keys))

    @property
    def position(self) -> tuple[int, int]:
        return self.document.position(*self.keys)

    @property
    def where(self) -> str:
        return f"{self.document.path}:{self.position[0]}"


def did_you_mean(wrong: str, candidates: Iterable[str]) -> str:
    """`; did you mean 'x'?` for the nearest candidate, or nothing when none is near."""
    close = difflib.get_close_matches(wrong, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def reference_error(
    at: At | None,
    message: str,
    fix: str,
    *,
    candidates: Sequence[str] = (),
    wrong: str = "",
) -> GovernError:
    """A GovernError for a bad reference, located where it was written when that is known."""
    where = f"{at.where}: " if at is not None else ""
    hint = did_you_mean(wrong, candidates) if wrong else ""
    listed = f" (known: {', '.join(candidates)})" if candidates else ""
    return GovernError(f"{where}{message}{hint}", f"{fix}{listed}")


def check_rule_id(rule_id: str, at: At) -> None:
    """A policy may name only registered rules; a loading check cannot be configured."""
    if rule_id in RULES:
        return
    if rule_id in CORE_CHECKS:
        raise GovernError(
            f"{at.where}: {rule_id!r} is a loading check, always on at level error; a policy"
            " cannot configure it",
            f"remove {rule_id} from the policy",
        )
    raise GovernError(
        f"{at.where}: unknown rule {rule_id!r}{did_you_mean(rule_id, RULES)}",
        f"use one of: {', '.join(sorted(RULES))} (see `gac rules`)",
    )


def validate_options(
    rule_id: str, options: Mapping[str, object], option_at: Mapping[str, At], rule_at: At
) -> BaseModel:
    """The rule's options model, or a GovernError naming the first bad option and its line."""
    model = RULES[rule_id].Options
    try:
        return model.model_validate(dict(options))
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        # pydantic marks a bad mapping key as "[key]" after the key itself.
        loc = [str(p) for p in first["loc"] if p != "[key]"]
        name = loc[0] if loc else ""
        at = option_at.get(name, rule_at.child("options"))
        if len(loc) > 1:
            at = at.child(*loc[1:])
        allowed = ", ".join(model.model_fields) or "none"
        if first["type"] == "extra_forbidden":
            raise GovernError(
                f"{at.where}: rule {rule_id} has no option {name!r}"
                f"{did_you_mean(name, model.model_fields)}",
                f"use only these options of {rule_id}: {allowed}",
            ) from e
        shown = ".".join(loc) or "options"
        value = f" is {first['input']!r}" if "input" in first and loc else ""
        raise GovernError(
            f"{at.where}: option {shown} of rule {rule_id}{value}: {first['msg']}",
            f"fix the option ({_describe(model, name)}), see `gac rules {rule_id}`",
        ) from e


def _describe(model: type[BaseModel], name: str) -> str:
    info = model.model_fields.get(name)
    if info is None:
        return f"options are {', '.join(model.model_fields) or 'none'}"
    default = info.get_default(call_default_factory=True)
    return f"{name} is a {_type_name(info.annotation)}, default {default!r}"


def _type_name(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


def check_when(rule_id: str, when: RuleWhen, at: At, settings: PortfolioSpec) -> None:
    """Every value a selector names must be able to select something for this rule."""
    rule_kinds = RULES[rule_id].KINDS
    for kind in _listed(when.kind):
        if kind not in KINDS:
            raise GovernError(
                f"{at.child('kind').where}: when.kind names an unknown kind {kind!r}"
                f"{did_you_mean(kind, KINDS)}",
                f"use one of the kinds {rule_id} reports on: {', '.join(rule_kinds)}",
            )
        if kind not in rule_kinds:
            raise GovernError(
                f"{at.child('kind').where}: rule {rule_id} never reports on a {kind}, so"
                f" when.kind {kind!r} would select nothing",
                f"use one of the kinds {rule_id} reports on: {', '.join(rule_kinds)}",
            )
    environments = _listed(when.environment)
    if environments and "Deployment" not in rule_kinds:
        raise GovernError(
            f"{at.child('environment').where}: rule {rule_id} reports on"
            f" {', '.join(rule_kinds)}, which have no environment, so when.environment would"
            " select nothing",
            "remove when.environment from this rule",
        )
    known = known_environments(settings)
    for environment in environments:
        if environment not in known:
            raise GovernError(
                f"{at.child('environment').where}: when.environment names {environment!r},"
                f" which governance.yaml does not declare{did_you_mean(environment, known)}",
                f"use one of: {', '.join(known)}, or declare it under spec.environments",
            )
        if rule_id in PROTECTED_ONLY and not settings.is_protected(environment):
            raise GovernError(
                f"{at.child('environment').where}: rule {rule_id} judges only protected"
                f" environments, and {environment!r} is not protected, so when.environment"
                " would select nothing there",
                "name protected environments only, or mark it protected in governance.yaml",
            )
    if _listed(when.riskTier) and not TIERED_KINDS & set(rule_kinds):
        raise GovernError(
            f"{at.child('riskTier').where}: rule {rule_id} reports on {', '.join(rule_kinds)},"
            " which have no risk tier, so when.riskTier would select nothing",
            "remove when.riskTier from this rule",
        )


def known_environments(settings: PortfolioSpec) -> list[str]:
    """The environments a selector may name: declared ones, glob ones, and `production`."""
    names = set(settings.environments) | {"production"}
    for glob in settings.deploymentGlobs:
        environment = getattr(glob, "environment", None)
        if environment:
            names.add(environment)
    return sorted(names)


def _listed(value: Sequence[str] | str | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)
