"""The audit commands: history and inventory."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click

from govern_as_code.cli.common import check_repo, handle_errors, repo_option


@click.command()
@click.argument("subject")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@repo_option
@handle_errors
def history(subject: str, fmt: str, repo: Path) -> None:
    """The audit trail from git: every change, approval, stage change and deployment of a
    project, model, model version, deployment or person, with who signed each commit.

    \b
    Example:
      gac history churn-xgb@3
      gac history Person/carol --format json
    """
    from govern_as_code.cli.progress import progress_bar
    from govern_as_code.commands.history import history as run_history
    from govern_as_code.commands.history import render_text

    with progress_bar("reading history") as progress:
        ref, events = run_history(check_repo(repo), subject, progress)
    if fmt == "json":
        payload = {"subject": ref, "events": [e.as_dict() for e in events]}
        click.echo(json.dumps(payload, indent=2))
    else:
        click.echo(render_text(ref, events), nl=False)


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--within-days", default=14, show_default=True, help="Waivers expiring this soon.")
@click.option("--base", default=None, metavar="REF", help="The trusted base revision.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, hidden=True)
@repo_option
@handle_errors
def inventory(
    fmt: str, within_days: int, base: str | None, today: datetime | None, repo: Path
) -> None:
    """Which assets are governed, and what lacks sign-off.

    \b
    Example:
      gac inventory --format json
    """
    from govern_as_code.commands.inventory import inventory as run_inventory
    from govern_as_code.commands.inventory import render_text

    found = run_inventory(
        check_repo(repo),
        within_days=within_days,
        base=base,
        today=today.date() if today else None,
    )
    if fmt == "json":
        click.echo(json.dumps(found.as_dict(), indent=2))
    else:
        click.echo(render_text(found), nl=False)


AUDIT_COMMANDS = (history, inventory)
