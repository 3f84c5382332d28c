"""`gac import`: models from outside, as Model and ModelVersion documents."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from govern_as_code.cli.authoring_commands import commit_option, moment, now_option
from govern_as_code.cli.common import check_repo, handle_errors, repo_option

project_option = click.option(
    "--project", default=None, help="The project new models belong to (a re-import keeps it)."
)
risk_option = click.option(
    "--risk",
    type=click.Choice(["low", "medium", "high", "critical"]),
    default=None,
    help="The risk tier of new models (a re-import keeps it).",
)


@click.group("import")
def import_group() -> None:
    """Import models from MLflow or Hugging Face model cards; re-running updates them."""


def _report(paths: list[str], sha: str | None) -> None:
    if not paths:
        click.echo("up to date: nothing changed")
        return
    for path in paths:
        click.echo(f"wrote {path}")
    if sha:
        click.echo(f"commit {sha[:12]}")


@import_group.command("model-card")
@click.argument("path", type=click.Path(path_type=Path))
@project_option
@risk_option
@click.option("--model", default=None, help="The model's id (default: the card's model name).")
@click.option("--version", "version", default="1", show_default=True, help="The version id.")
@click.option("--task", default=None, help="The task, when the card names none.")
@commit_option
@repo_option
@now_option
@handle_errors
def model_card(
    path: Path,
    project: str | None,
    risk: str | None,
    model: str | None,
    version: str,
    task: str | None,
    commit: bool,
    repo: Path,
    now: datetime | None,
) -> None:
    """Read Hugging Face model cards (README.md with YAML front matter) into a Model and a
    ModelVersion each: metrics from model-index, licence and base model as labels.

    \b
    Example:
      gac import model-card cards/ --project support-bot --risk medium --commit
    """
    from govern_as_code.cli.progress import progress_bar
    from govern_as_code.commands.imports.model_card import CardImport, import_cards

    with progress_bar("reading model cards") as progress:
        request = CardImport(
            check_repo(repo),
            path,
            project,
            risk,
            model,
            version,
            task,
            commit,
            moment(now),
            progress,
        )
        found = import_cards(request)
    _report(*found)


@import_group.command("mlflow")
@click.option(
    "--tracking-uri", required=True, help="e.g. http://mlflow:5000 or sqlite:///mlflow.db"
)
@click.option("--model", default=None, help="Only this registered model.")
@project_option
@risk_option
@click.option("--task", default=None, help="The task of new models without a `task` tag.")
@commit_option
@repo_option
@now_option
@handle_errors
def mlflow_import(
    tracking_uri: str,
    model: str | None,
    project: str | None,
    risk: str | None,
    task: str | None,
    commit: bool,
    repo: Path,
    now: datetime | None,
) -> None:
    """Import registered models and versions from an MLflow tracking server: run metrics,
    aliases (champion -> production, challenger -> challenger), tags and descriptions.

    \b
    Example:
      gac import mlflow --tracking-uri http://mlflow:5000 --project churn --risk high --commit
    """
    from govern_as_code.cli.progress import progress_bar
    from govern_as_code.commands.imports.from_mlflow import MlflowImport, import_mlflow

    with progress_bar("reading MLflow") as progress:
        request = MlflowImport(
            check_repo(repo),
            tracking_uri,
            model,
            project,
            risk,
            task,
            commit,
            moment(now),
            progress,
        )
        found = import_mlflow(request)
    _report(*found)


IMPORT_COMMANDS = (import_group,)
