"""What every command shares: --repo, --format/--output, exit codes, the error handler."""

from __future__ import annotations

import errno
import functools
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from govern_as_code.errors import GovernError
from govern_as_code.problems import Level, LintReport
from govern_as_code.reporters import REPORTER_BY_NAME, get_reporter
from govern_as_code.reporters.text import summary_line

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_TOOL = 0, 1, 2
# What a shell reports for a process ended by SIGPIPE (128 + 13), and for Ctrl-C (128 + 2).
EXIT_BROKEN_PIPE, EXIT_INTERRUPTED = 141, 130

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


def cache_options(func: F) -> F:
    """--cache-dir and --no-cache, for the commands that load a portfolio (docs/cache.md)."""
    func = click.option(
        "--no-cache",
        is_flag=True,
        help="Parse every file and verify every signature again; read and write no cache.",
    )(func)
    return click.option(
        "--cache-dir",
        type=click.Path(path_type=Path),
        envvar="GAC_CACHE_DIR",
        default=None,
        help="Keep the cache of parsed files and verified signatures here (e.g. a folder CI"
        " persists) instead of .git/govern-as-code. Also GAC_CACHE_DIR.",
    )(func)


output_option = click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report to this file instead of standard output.",
)


def handle_errors(func: F) -> F:
    """Turn a GovernError into its one-line message and exit code 2; never a traceback.

    A reader that stops early (`gac rules | head -2`) is a normal end, not an error: the
    command exits quietly with 141, as a process killed by SIGPIPE would. Ctrl-C exits 130.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _pass_undecodable_names_through()
        try:
            return func(*args, **kwargs)
        except GovernError as e:
            click.echo(f"gac: error: {e.message}", err=True)
            if e.fix:
                click.echo(f"gac: fix: {e.fix}", err=True)
            sys.exit(EXIT_TOOL)
        except BrokenPipeError:
            _silence_stdout()
            sys.exit(EXIT_BROKEN_PIPE)
        except KeyboardInterrupt:
            click.echo("\ngac: error: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as e:
            if isinstance(e, OSError) and e.errno == errno.EPIPE:
                _silence_stdout()
                sys.exit(EXIT_BROKEN_PIPE)
            if os.environ.get("GAC_DEBUG"):
                raise
            click.echo(f"gac: internal error: {type(e).__name__}: {e}", err=True)
            click.echo("gac: fix: rerun with GAC_DEBUG=1 and report the traceback", err=True)
            sys.exit(EXIT_TOOL)

    return wrapper  # type: ignore[return-value]


def _pass_undecodable_names_through() -> None:
    # A file name that is not UTF-8 reaches us with its bytes as surrogate escapes (PEP 383).
    # Under a strict UTF-8 locale printing it would raise; write its bytes back out unchanged,
    # as git and ls do, so the name in a message is the name on disk.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="surrogateescape")


def _silence_stdout() -> None:
    # Python flushes stdout again at exit; pointing the descriptor at devnull keeps that flush
    # from raising a second BrokenPipeError ("Exception ignored ...") after we have exited.
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (CliRunner's capture): nothing will be flushed to a pipe
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def check_repo(repo: Path) -> Path:
    if not repo.is_dir():
        raise GovernError(f"the repository folder {repo} does not exist", "pass an existing --repo")
    return repo


def emit_report(report: LintReport, fmt: str, output: Path | None) -> int:
    """Render `report`, write it, and return the exit code it calls for.

    With `--output` the report goes to the file and standard output gets one summary line,
    so a CI log names the file and the counts without repeating the report.
    """
    reporter = get_reporter(fmt)
    color = (
        output is None and fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    )
    text = reporter.render(report, color=color)
    if output is not None:
        write_output(output, text, "--output")
        click.echo(f"wrote {output}: {summary_line(report)}")
    else:
        click.echo(text, nl=False)
    return exit_code(report)


def write_output(path: Path, text: str, option: str) -> None:
    """Write `text` to `path`, creating missing parent folders; failures stop with exit 2."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise GovernError(
            f"cannot create the folder {folder} for {path}: {e.strerror or e}",
            f"choose another {option} in a folder you can write to",
        ) from e
    if path.is_dir():
        raise GovernError(f"{path} is a folder, not a file", f"give {option} a file name")
    try:
        # surrogateescape: a non-UTF-8 file name is written as its own bytes, as on stdout.
        path.write_text(text, encoding="utf-8", errors="surrogateescape")
    except OSError as e:
        raise GovernError(
            f"cannot write {path}: {e.strerror or e}", f"choose another {option}"
        ) from e


def exit_code(report: LintReport) -> int:
    """1 for an error-level problem or a blocked gate (DESIGN §5), whatever else; else 0."""
    blocked = any(not gate.passed for gate in report.gates)
    errors = any(p.level in (Level.ERROR, None) for p in report.problems)
    return EXIT_PROBLEMS if blocked or errors else EXIT_CLEAN
