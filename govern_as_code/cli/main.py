"""The `gac` command. Each subcommand parses options, calls one core function and reports."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from govern_as_code import __version__
from govern_as_code.cli.common import (
    cache_options,
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
    "--at",
    "revision",
    default=None,
    metavar="DATE|REV",
    help="Validate the portfolio as it stood on a date (YYYY-MM-DD) or at a git revision,"
    " instead of the working tree.",
)
@cache_options
@handle_errors
def validate(
    repo: Path,
    fmt: str,
    output: Path | None,
    revision: str | None,
    cache_dir: Path | None,
    no_cache: bool,
) -> None:
    """Check every document against its schema and every reference.

    \b
    Example:
      gac validate --repo my-portfolio --format json
    """
    from govern_as_code.commands.validate import validate as run_validate

    report = run_validate(check_repo(repo), revision, cache_dir, no_cache)
    sys.exit(emit_report(report, fmt, output))


@cli.command()
@click.argument("rule_id", required=False)
@repo_option
@click.option(
    "--base",
    default=None,
    metavar="REF",
    help="The trusted base revision whose policy is shown (default: as `gac lint`).",
)
@handle_errors
def rules(rule_id: str | None, repo: Path, base: str | None) -> None:
    """List the rules with their level under the repository's policy, or show one rule.

    \b
    Example:
      gac rules --repo my-portfolio
      gac rules production-requires-approvals
    """
    from govern_as_code.commands.rules import list_rules

    listing = list_rules(check_repo(repo), base)
    click.echo(f"policy read from {listing.source}")
    if rule_id:
        row = listing.row(rule_id)
        click.echo(
            f"\n{row.info.id}: {row.level}" + (f" (set at {row.where})" if row.where else "")
        )
        for title, text in (("when", row.when), ("options", row.options)):
            if text:
                click.echo(
                    f"{title}:\n" + "".join(f"  {line}\n" for line in text.splitlines()), nl=False
                )
        click.echo(f"\n{row.info.description}")
        return
    width = max(len(r.info.id) for r in listing.rows)
    level_width = max(len(r.level) for r in listing.rows)
    for row in listing.rows:
        click.echo(
            f"{row.info.id.ljust(width)}  {row.level.ljust(level_width)}  {row.info.summary}"
        )


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


from govern_as_code.cli.audit_commands import AUDIT_COMMANDS  # noqa: E402
from govern_as_code.cli.authoring_commands import AUTHORING_COMMANDS  # noqa: E402
from govern_as_code.cli.gate_commands import (  # noqa: E402
    approve,
    check_deploy,
    digest,
    lint,
    request_review,
)
from govern_as_code.cli.import_commands import IMPORT_COMMANDS  # noqa: E402
from govern_as_code.cli.init_command import init  # noqa: E402
from govern_as_code.cli.registry_commands import REGISTRY_COMMANDS  # noqa: E402
from govern_as_code.cli.site_commands import demo, export, report  # noqa: E402

for command in (lint, check_deploy, digest, approve, request_review, demo, report, export, init):
    cli.add_command(command)
for command in (*AUTHORING_COMMANDS, *REGISTRY_COMMANDS, *AUDIT_COMMANDS, *IMPORT_COMMANDS):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="gac")
