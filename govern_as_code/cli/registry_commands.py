"""The registry commands: registry, promote, version new."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click

from govern_as_code.cli.authoring_commands import commit_option, done, moment, now_option
from govern_as_code.cli.common import check_repo, handle_errors, repo_option


@click.command()
@click.option("--status", type=click.Choice(["candidate", "challenger", "production", "retired"]))
@click.option("--project", default=None, help="Only this project's models.")
@click.option("--risk", type=click.Choice(["low", "medium", "high", "critical"]), default=None)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option("--base", default=None, metavar="REF", help="The trusted base revision.")
@repo_option
@handle_errors
def registry(
    status: str | None,
    project: str | None,
    risk: str | None,
    fmt: str,
    base: str | None,
    repo: Path,
) -> None:
    """List model versions: status, key metric, drift, approvals and gate.

    \b
    Example:
      gac registry --status production --format json
    """
    from govern_as_code.commands.registry import RegistryQuery
    from govern_as_code.commands.registry import registry as run_registry

    rows = run_registry(RegistryQuery(check_repo(repo), status, project, risk, base))
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in rows], indent=2))
        return
    header = ("VERSION", "PROJECT", "RISK", "STATUS", "METRIC", "DRIFT", "APPROVALS", "GATE")
    table = [header] + [
        (r.subject, r.project, r.risk_tier, r.status, r.key_metric, r.drift, r.approvals, r.gate)
        for r in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for line in table:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())


@click.command()
@click.argument("subject", metavar="MODEL@VERSION")
@click.option(
    "--to", "to", type=click.Choice(["production", "challenger", "retired"]), required=True
)
@commit_option
@repo_option
@now_option
@handle_errors
def promote(subject: str, to: str, commit: bool, repo: Path, now: datetime | None) -> None:
    """Change a version's status; to production, the old production version retires in the
    same change, so exactly one version of a model is in production.

    \b
    Example:
      gac promote churn-xgb@4 --to production --commit
    """
    from govern_as_code.commands.registry import PromoteRequest
    from govern_as_code.commands.registry import promote as run_promote

    moves, sha = run_promote(PromoteRequest(check_repo(repo), subject, to, commit, moment(now)))
    for moved, old, new in moves:
        click.echo(f"{moved}: {old} -> {new}")
    if sha:
        click.echo(f"commit {sha[:12]}")


@click.group()
def version() -> None:
    """Model versions."""


@version.command("new")
@click.argument("model")
@click.option("--artifact", required=True, metavar="URI", help="Where the artifact lives.")
@click.option("--digest", default=None, metavar="sha256:HEX", help="The artifact's digest.")
@click.option(
    "--artifact-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A local copy of the artifact, hashed for the digest.",
)
@click.option("--code-ref", default=None, help="The code the artifact was built from.")
@click.option("--data-ref", default=None, help="The training data it was built from.")
@click.option("--metric", "metrics", multiple=True, metavar="NAME=VALUE")
@commit_option
@repo_option
@now_option
@handle_errors
def version_new(
    model: str,
    artifact: str,
    digest: str | None,
    artifact_file: Path | None,
    code_ref: str | None,
    data_ref: str | None,
    metrics: tuple[str, ...],
    commit: bool,
    repo: Path,
    now: datetime | None,
) -> None:
    """Register the next version of a model.

    \b
    Example:
      gac version new churn-xgb --artifact s3://models/churn/4 --artifact-file model.bin \\
          --metric auc=0.86 --commit
    """
    from govern_as_code.commands.registry import VersionRequest, new_version

    request = VersionRequest(
        check_repo(repo),
        model,
        artifact,
        digest,
        artifact_file,
        code_ref,
        data_ref,
        metrics,
        commit,
        moment(now),
    )
    subject, path, sha = new_version(request)
    done(path, sha, f"registered {subject}")


REGISTRY_COMMANDS = (registry, promote, version)
