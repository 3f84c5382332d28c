"""What every command shares: --repo, --format/--output, exit codes, the error handler."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from govern_as_code.errors import GovernError
from govern_as_code.problems import Level, LintReport
from govern_as_code.reporters import REPORTER_BY_NAME, get_reporter

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_TOOL = 0, 1, 2

repo_option = click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The portfolio repository.",
)
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(list(REPORTER_BY_NAME)),
    default="text",
    show_default=True,
    help="How to report problems.",
)
output_option = click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report to this file instead of standard output.",
)


def handle_errors(func: F) -> F:
    """Turn a GovernError into its one-line message and exit code 2; never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GovernError as e:
            click.echo(f"gac: error: {e.message}", err=True)
            if e.fix:
                click.echo(f"gac: fix: {e.fix}", err=True)
            sys.exit(EXIT_TOOL)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as e:
            if os.environ.get("GAC_DEBUG"):
                raise
            click.echo(f"gac: internal error: {type(e).__name__}: {e}", err=True)
            click.echo("gac: fix: rerun with GAC_DEBUG=1 and report the traceback", err=True)
            sys.exit(EXIT_TOOL)

    return wrapper  # type: ignore[return-value]


def check_repo(repo: Path) -> Path:
    if not repo.is_dir():
        raise GovernError(f"the repository folder {repo} does not exist", "pass an existing --repo")
    return repo


def emit_report(report: LintReport, fmt: str, output: Path | None) -> int:
    """Render `report`, write it, and return the exit code it calls for."""
    reporter = get_reporter(fmt)
    color = (
        output is None and fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    )
    text = reporter.render(report, color=color)
    if output is not None:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8")
        except OSError as e:
            raise GovernError(
                f"cannot write {output}: {e.strerror}", "choose another --output"
            ) from e
        if fmt != "text":
            click.echo(get_reporter("text").render(report, color=False), nl=False)
    else:
        click.echo(text, nl=False)
    return exit_code(report)


def exit_code(report: LintReport) -> int:
    """1 for an error-level problem or a blocked gate (DESIGN §5), whatever else; else 0."""
    blocked = any(not gate.passed for gate in report.gates)
    errors = any(p.level in (Level.ERROR, None) for p in report.problems)
    return EXIT_PROBLEMS if blocked or errors else EXIT_CLEAN
