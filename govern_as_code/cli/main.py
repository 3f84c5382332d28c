"""The `gac` command. Each subcommand parses options, calls one core function and reports."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from govern_as_code import __version__
from govern_as_code.cli.common import (
    check_repo,
    emit_report,
    format_option,
    handle_errors,
    output_option,
    repo_option,
)
from govern_as_code.errors import GovernError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gac")
def cli() -> None:
    """govern-as-code: the governance of an AI/ML portfolio, from a git repository.

    \b
    Example:
      gac demo            # build a signed example portfolio, lint it, write the report
      gac lint --format sarif --output gac.sarif
    """


@cli.command()
@repo_option
@format_option
@output_option
@click.option(
    "--at", "revision", default=None, help="Validate a git revision instead of the working tree."
)
@handle_errors
def validate(repo: Path, fmt: str, output: Path | None, revision: str | None) -> None:
    """Check every document against its schema and every reference.

    \b
    Example:
      gac validate --repo my-portfolio --format json
    """
    from govern_as_code.commands.validate import validate as run_validate

    report = run_validate(check_repo(repo), revision)
    sys.exit(emit_report(report, fmt, output))


@cli.command()
@click.argument("rule_id", required=False)
@handle_errors
def rules(rule_id: str | None) -> None:
    """List the rules with their documentation, or show one rule.

    \b
    Example:
      gac rules production-requires-approvals
    """
    from govern_as_code.rules.registry import rule_infos

    infos = rule_infos()
    if rule_id:
        chosen = [i for i in infos if i.id == rule_id]
        if not chosen:
            from govern_as_code.errors import UsageError

            raise UsageError(
                f"unknown rule {rule_id!r}", f"use one of: {', '.join(i.id for i in infos)}"
            )
        click.echo(f"{chosen[0].id}\n\n{chosen[0].description}")
        return
    width = max(len(i.id) for i in infos)
    for info in infos:
        click.echo(f"{info.id.ljust(width)}  {info.summary}")


@cli.group()
def schema() -> None:
    """The JSON Schemas of the document kinds."""


@schema.command("export")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write <kind>.schema.json files into  [default: REPO/schemas].",
)
@click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The portfolio (or project) repository whose schemas/ folder is written.",
)
@handle_errors
def schema_export(out: Path | None, repo: Path) -> None:
    """Write the JSON Schema (2020-12) of every kind, generated from the models.

    Without --out the files go to the schemas/ folder of --repo.

    \b
    Example:
      gac schema export --repo my-portfolio     # writes my-portfolio/schemas/
      gac schema export --out schemas
    """
    from govern_as_code.documents.schema_export import export_schemas

    target = out if out is not None else check_repo(repo) / "schemas"
    try:
        written = export_schemas(target)
    except OSError as e:
        raise GovernError(
            f"cannot write the schemas into {target}: {e.strerror or e}",
            "choose another --out, a folder you can write to",
        ) from e
    for path in written:
        click.echo(str(path))


from govern_as_code.cli.gate_commands import (  # noqa: E402
    approve,
    check_deploy,
    digest,
    lint,
    request_review,
)
from govern_as_code.cli.site_commands import demo, export, report  # noqa: E402

for command in (lint, check_deploy, digest, approve, request_review, demo, report, export):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="gac")
