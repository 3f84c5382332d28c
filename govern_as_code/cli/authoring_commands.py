"""Authoring commands: new, stage, comment, qualify, waive."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from govern_as_code.cli.common import check_repo, handle_errors, repo_option

commit_option = click.option(
    "--commit",
    is_flag=True,
    help="Commit the change (signed when git signing is set up), refusing files with"
    " uncommitted changes.",
)
now_option = click.option(
    "--now",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S"]),
    default=None,
    hidden=True,
    help="Record this moment instead of the clock's (for reproducible examples).",
)


def _moment(value: datetime | None) -> datetime | None:
    from datetime import UTC

    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _done(path: str, commit: str | None, what: str) -> None:
    suffix = f" (commit {commit[:12]})" if commit else ""
    click.echo(f"{what}: {path}{suffix}")


@click.command()
@click.argument("kind")
@click.argument("ident", metavar="ID")
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="KEY=VALUE",
    help="A field, by dotted key (spec. may be left out), typed by the kind's schema.",
)
@click.option("--no-input", is_flag=True, help="Never prompt, even on a terminal.")
@commit_option
@repo_option
@now_option
@handle_errors
def new(
    kind: str,
    ident: str,
    assignments: tuple[str, ...],
    no_input: bool,
    commit: bool,
    repo: Path,
    now: datetime | None,
) -> None:
    """Create a document in its conventional path from templates/new/.

    Required fields are asked for on a terminal; otherwise pass them with --set.

    \b
    Example:
      gac new Project churn-prediction --set owner=dan --set initiative=retention
      gac new Model churn-xgb --set project=churn-prediction --set task=classification \\
          --set riskTier=high
    """
    from govern_as_code.commands.authoring.new import NewRequest, create

    ask = None
    if not no_input and sys.stdin.isatty():

        def ask(dotted: str) -> str:
            return str(click.prompt(dotted))

    path, sha = create(
        NewRequest(check_repo(repo), kind, ident, assignments, ask, commit, _moment(now))
    )
    _done(path, sha, "created")


AUTHORING_COMMANDS = (new,)
