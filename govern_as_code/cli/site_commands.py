"""Commands that show the portfolio: demo, report, export."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click

from govern_as_code.cli.common import (
    cache_options,
    check_repo,
    handle_errors,
    repo_option,
    write_output,
)
from govern_as_code.errors import UsageError


def _write_report(assessment: object, out: Path) -> Path:
    from govern_as_code.commands.assess import Assessment
    from govern_as_code.report.site import build_site

    assert isinstance(assessment, Assessment)
    return build_site(assessment.portfolio, assessment.status, out)


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to build the demo: a new or empty folder (default: a new temporary folder).",
)
@click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The same as --out: the new or empty folder to build the demo repository in.",
)
@handle_errors
def demo(out: Path | None, repo: Path | None) -> None:
    """Build the example portfolio with real signed history, lint it and write the report.

    The portfolio repository goes to DIR/portfolio, its throwaway keys to DIR/keys and the
    report to DIR/report, where DIR is --out (or --repo).

    \b
    Example:
      gac demo --out /tmp/gac-demo
    """
    from govern_as_code.commands.demo import run_demo
    from govern_as_code.reporters import get_reporter

    if out is not None and repo is not None and out.resolve() != repo.resolve():
        raise UsageError(
            f"--out {out} and --repo {repo} name different folders",
            "give one of them: both say where to build the demo",
        )
    result = run_demo(out or repo, write_report=_write_report)
    portfolio = result.assessment.portfolio
    counts = Counter(d.kind for d in portfolio.documents)
    click.echo(f"Built a portfolio repository with {result.commits} signed commits: {result.repo}")
    click.echo("  " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())))
    click.echo(f"  {len(portfolio.foreign)} foreign manifest(s); throwaway keys in {result.keys}")
    click.echo("\ngac lint:")
    click.echo(get_reporter("text").render(result.assessment.report), nl=False)
    blocked = [g for g in result.assessment.report.gates if not g.passed]
    click.echo(
        f"\n{len(blocked)} production deployment(s) blocked on purpose by the gate;"
        f" {sum(g.passed for g in result.assessment.report.gates)} passed."
    )
    if result.report_index is not None:
        click.echo(f"\nReport: {result.report_index}")
    click.echo(
        f"Try:  cd {result.repo} && gac request-review {blocked[0].subject}" if blocked else ""
    )


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the static site into.",
)
@click.option(
    "--at",
    default=None,
    metavar="DATE|REV",
    help="Show the portfolio as it stood at a past date (YYYY-MM-DD) or revision.",
)
@click.option(
    "--from-export",
    "exports",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Aggregate these `gac export` files instead of reading a repository.",
)
@click.option("--base", default=None, metavar="REF", help="The trusted base revision.")
@repo_option
@cache_options
@handle_errors
def report(
    out: Path,
    at: str | None,
    exports: tuple[Path, ...],
    base: str | None,
    repo: Path,
    cache_dir: Path | None,
    no_cache: bool,
) -> None:
    """Write the static HTML report: gauges, heat map, registry, deployments, audit.

    \b
    Example:
      gac report --out site
      gac report --out site-june --at 2026-06-30
      gac report --out all --from-export a.json --from-export b.json
    """
    if exports:
        from govern_as_code.report.export import build_site_from_exports

        index = build_site_from_exports(list(exports), out)
    else:
        from govern_as_code.commands.assess import LintRequest, assess

        request = LintRequest(
            check_repo(repo),
            base=base,
            at=at,
            report_history=True,
            cache_dir=cache_dir,
            no_cache=no_cache,
        )
        index = _write_report(assess(request), out)
    click.echo(str(index))


@click.command()
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--at", default=None, metavar="DATE|REV")
@click.option("--base", default=None, metavar="REF")
@repo_option
@handle_errors
def export(fmt: str, output: Path | None, at: str | None, base: str | None, repo: Path) -> None:
    """Export the whole portfolio with its computed status, for dashboards and aggregation.

    \b
    Example:
      gac export --output portfolio.json
    """
    from govern_as_code.commands.assess import LintRequest, assess
    from govern_as_code.report.export import export_portfolio

    if fmt != "json":
        raise UsageError(f"unknown export format {fmt!r}", "use --format json")
    assessment = assess(LintRequest(check_repo(repo), base=base, at=at, report_history=True))
    text = (
        json.dumps(
            export_portfolio(assessment.portfolio, assessment.status),
            indent=2,
            ensure_ascii=False,
            default=str,
        )
        + "\n"
    )
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output(output, text, "--output")
        click.echo(str(output))
