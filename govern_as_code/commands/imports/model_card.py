"""`gac import model-card PATH|DIR`: Hugging Face model cards (README.md with YAML front matter
and `model-index` results), read with huggingface_hub's own card parser."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from govern_as_code.commands.authoring.workspace import Workspace
from govern_as_code.commands.imports.upsert import (
    ImportedModel,
    ImportedVersion,
    ImportTarget,
    plan,
    slug,
)
from govern_as_code.errors import GovernError, UsageError

CARD_NAMES = ("README.md", "readme.md", "MODEL_CARD.md")


@dataclass(frozen=True)
class CardImport:
    root: Path
    path: Path
    project: str | None = None
    risk_tier: str | None = None
    model: str | None = None  # the model's id, for a single card
    version: str = "1"
    task: str | None = None
    commit: bool = False
    now: datetime | None = None
    progress: Callable[[int, int], None] | None = None  # (done, total), for a terminal's bar


def _card_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise UsageError(f"{path} does not exist", "name a model card file or a folder of them")
    found = sorted(p for p in path.rglob("*") if p.name in CARD_NAMES and p.is_file())
    if not found:
        raise UsageError(f"{path} holds no model card ({' or '.join(CARD_NAMES)})", "name a card")
    return found


def _parse(file: Path) -> Any:
    try:
        from huggingface_hub import ModelCard
    except ImportError as e:
        raise GovernError(
            "importing model cards needs the huggingface_hub package",
            "install it: pip install 'govern-as-code[huggingface]'",
        ) from e
    try:
        text = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise GovernError(f"cannot read {file}: {e}", "check the file") from e
    try:
        return ModelCard(text), text
    except Exception as e:  # the parser raises yaml errors and ValueError alike
        mark = getattr(e, "problem_mark", None)
        # The front matter starts after the opening '---' line.
        line = f":{mark.line + 2}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        context, opened = getattr(e, "context", None), getattr(e, "context_mark", None)
        if context and opened is not None:
            problem += f" ({context} on line {opened.line + 2})"
        raise GovernError(
            f"{file}{line}: the model card's front matter is broken: {problem}",
            "fix the YAML between the --- lines",
        ) from e


def _metrics(card: Any) -> dict[str, float]:
    results = list(card.data.eval_results or [])
    names = [r.metric_type for r in results]
    metrics: dict[str, float] = {}
    for result in results:
        if not isinstance(result.metric_value, int | float):
            continue
        name = str(result.metric_type)
        if names.count(result.metric_type) > 1:
            # The same metric on several datasets: keep each, named by its dataset.
            dataset = "-".join(
                str(p)
                for p in (result.dataset_type, result.dataset_config, result.dataset_split)
                if p
            )
            name = f"{name}/{dataset}"
        metrics[name] = float(result.metric_value)
    return metrics


def card_model(file: Path, card: Any, text: str, request: CardImport, many: bool) -> ImportedModel:
    data = card.data
    name = data.model_name or (data.to_dict().get("model_name")) or file.parent.name
    ident = request.model if (request.model and not many) else slug(str(name))
    results = list(data.eval_results or [])
    task = data.pipeline_tag or (results[0].task_type if results else None) or request.task
    labels = {}
    if data.license:
        labels["license"] = str(data.license)
    base = data.base_model
    if base:
        labels["base-model"] = ", ".join(base) if isinstance(base, list) else str(base)
    digest = "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    uri = f"hf://{name}" if "/" in str(name) else _where(file, request.root)
    source = {"type": "huggingface", "uri": uri}
    version = ImportedVersion(
        request.version,
        artifact_uri=uri,
        digest=digest,
        performance=_metrics(card),
        source={**source, "version": digest.removeprefix("sha256:")[:12]},
    )
    return ImportedModel(ident, task, source, None, labels, (version,))


def _where(file: Path, root: Path) -> str:
    """The card's path inside the repository, or its file URI when it lives elsewhere."""
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return file.resolve().as_uri()


def import_cards(request: CardImport) -> tuple[list[str], str | None]:
    """Create or update a Model and a ModelVersion per card; returns (paths, commit id)."""
    path = request.path
    if not path.is_absolute() and not path.exists():
        path = request.root / path  # a path inside the repository, as --repo names it
    files = _card_files(path)
    parsed = []
    for done, file in enumerate(files, 1):
        parsed.append((file, *_parse(file)))
        if request.progress is not None:
            request.progress(done, len(files))
    workspace = Workspace.open(request.root, request.now)
    target = ImportTarget(request.project, request.risk_tier)
    changes = []
    for file, card, text in parsed:
        model = card_model(file, card, text, request, many=len(parsed) > 1)
        changes.extend(plan(workspace, model, target))
    if not changes:
        return [], None
    message = f"Import {len(parsed)} model card(s)"
    commit = workspace.save(changes, commit=request.commit, message=message)
    return [c.path for c in changes], commit
