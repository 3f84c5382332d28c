"""`gac init`: options become an InitRequest; the scaffold itself is commands/init.py."""

from __future__ import annotations

from pathlib import Path

import click

from govern_as_code.cli.common import handle_errors


@click.command()
@click.argument(
    "directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
@click.option("--name", default=None, help="The portfolio's name (default: the folder's name).")
@click.option(
    "--forge",
    type=click.Choice(["github", "gitlab"]),
    default=None,
    help="Write only this forge's CI file, and its forge block in governance.yaml.",
)
@click.option("--force", is_flag=True, help="Overwrite files of the scaffold that already exist.")
@click.option("--commit", is_flag=True, help="Commit the scaffold (no commit is made otherwise).")
@handle_errors
def init(directory: Path, name: str | None, forge: str | None, force: bool, commit: bool) -> None:
    """Scaffold a portfolio repository that passes `gac validate` and `gac lint` at once.

    It runs `git init` when DIRECTORY is not a repository yet, and writes governance.yaml, the
    folders, a policy that extends the default pack, a workflow, your Person document, a
    README, CODEOWNERS, CI files, a pre-commit config, editor settings and the JSON Schemas.

    \b
    Example:
      gac init my-portfolio --name "Acme Bank" --forge github
    """
    from govern_as_code.commands.init import InitRequest, init_portfolio

    result = init_portfolio(
        InitRequest(directory, name, forge, force, commit)  # type: ignore[arg-type]
    )
    if result.created_repository:
        click.echo(f"initialised a git repository in {result.root}")
    click.echo(f"wrote {len(result.written)} files in {result.root}:")
    for path in result.written:
        click.echo(f"  {path}")
    if result.commit:
        click.echo(f"committed them as {result.commit[:12]}")
    click.echo("next:")
    for step in result.next_steps:
        click.echo(f"  - {step}")
    click.echo("  - gac validate && gac lint")
