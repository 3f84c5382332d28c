"""The gate's commands: lint, check-deploy, digest, approve, request-review."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from govern_as_code.cli.common import (
    check_repo,
    emit_report,
    format_option,
    handle_errors,
    output_option,
    repo_option,
)

base_option = click.option(
    "--base",
    default=None,
    metavar="REF",
    help="The trusted base revision (default: governance.yaml trust.base,"
    " else the merge-base with origin/HEAD or main).",
)
today_option = click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    hidden=True,
    help="Evaluate expiry and due dates as of this day.",
)


offline_option = click.option(
    "--offline",
    is_flag=True,
    help="Read pull-request reviews only from the cache of merged pull requests; stop if an"
    " answer is missing.",
)


def _day(value: object) -> date | None:
    return value.date() if value is not None else None  # type: ignore[attr-defined]


@click.command()
@repo_option
@base_option
@format_option
@output_option
@today_option
@offline_option
@handle_errors
def lint(
    repo: Path, base: str | None, fmt: str, output: Path | None, today: object, offline: bool
) -> None:
    """Validate, run every policy rule, and verify the evidence behind every approval.

    \b
    Example:
      gac lint --base origin/main --format sarif --output gac.sarif
    """
    from govern_as_code.commands.assess import LintRequest, assess

    request = LintRequest(check_repo(repo), base=base, today=_day(today), offline=offline)
    result = assess(request)
    sys.exit(emit_report(result.report, fmt, output))


@click.command("check-deploy")
@click.argument("manifests", nargs=-1, required=True, type=click.Path(path_type=Path))
@repo_option
@base_option
@format_option
@output_option
@today_option
@offline_option
@handle_errors
def check_deploy(
    manifests: tuple[Path, ...],
    repo: Path,
    base: str | None,
    fmt: str,
    output: Path | None,
    today: object,
    offline: bool,
) -> None:
    """Run the deploy gate for the named manifests only.

    \b
    Example:
      gac check-deploy deployments/production/churn.yaml
    """
    from govern_as_code.commands.assess import LintRequest, assess
    from govern_as_code.errors import UsageError

    root = check_repo(repo).resolve()
    relative = []
    for manifest in manifests:
        full = manifest if manifest.is_absolute() else (Path.cwd() / manifest)
        if not full.exists():
            full = root / manifest
        try:
            relative.append(full.resolve().relative_to(root).as_posix())
        except ValueError:
            raise UsageError(
                f"{manifest} is not inside the repository {root}", "name manifests inside --repo"
            ) from None
        if not full.is_file():
            raise UsageError(f"{manifest} does not exist", "name an existing manifest file")
    result = assess(
        LintRequest(root, base=base, today=_day(today), only_paths=relative, offline=offline)
    )
    gated = {g.deployment for g in result.report.gates}
    unknown = [p for p in relative if p not in gated]
    if unknown:
        raise UsageError(
            f"{', '.join(unknown)} is not a deployment to a protected environment",
            "name a Deployment document or a manifest in a deployment glob",
        )
    code = emit_report(result.report, fmt, output)
    sys.exit(max(code, 1 if any(not g.passed for g in result.report.gates) else 0))


@click.command()
@click.argument("subject")
@repo_option
@handle_errors
def digest(subject: str, repo: Path) -> None:
    """Print the approvable digest of a model version or a trust-root document.

    \b
    Example:
      gac digest churn-xgb@3
      gac digest Person/carol
    """
    from govern_as_code.commands.signoff import current_digest

    click.echo(current_digest(check_repo(repo), subject))


@click.command()
@click.argument("subject")
@click.option("--role", required=True, help="The role you approve in, e.g. risk-review.")
@click.option(
    "--decision",
    type=click.Choice(["approved", "changes-requested", "rejected"]),
    default="approved",
    show_default=True,
)
@click.option("-m", "--message", "comment", default="", help="Your comment.")
@repo_option
@base_option
@handle_errors
def approve(
    subject: str, role: str, decision: str, comment: str, repo: Path, base: str | None
) -> None:
    """Write an Approval with the current digest and commit it, signed with your git key.

    \b
    Example:
      gac approve churn-xgb@3 --role risk-review -m "Back-test reviewed"
    """
    from govern_as_code.commands.signoff import ApprovalRequest
    from govern_as_code.commands.signoff import approve as run_approve

    path, commit = run_approve(
        ApprovalRequest(check_repo(repo), subject, role, decision, comment, base)
    )
    click.echo(f"{decision} {subject} as {role}: {path} (signed commit {commit[:12]})")


@click.command("request-review")
@click.argument("subject")
@click.option("--write", is_flag=True, help="Also write the request to review-requests/.")
@click.option(
    "--request",
    "ask_forge",
    is_flag=True,
    help="In a pull request's CI, ask the forge to request reviews from the eligible people.",
)
@repo_option
@base_option
@handle_errors
def request_review(
    subject: str, write: bool, repo: Path, base: str | None, ask_forge: bool
) -> None:
    """Show the approvals a subject still needs, who can give them, and a PR body.

    \b
    Example:
      gac request-review churn-xgb@3 --write
    """
    from govern_as_code.commands.signoff import plan_review

    root = check_repo(repo)
    plan = plan_review(root, subject, base)
    if plan.passed:
        click.echo(f"{subject} has every approval it needs.")
    else:
        click.echo(f"{subject} still needs:")
        for role, people in plan.missing.items():
            click.echo(f"  {role}: {', '.join(people) or 'nobody holds this role'}")
        for reason in plan.reasons:
            click.echo(f"  - {reason}")
    click.echo("\n--- pull-request body ---")
    click.echo(plan.pr_body(), nl=False)
    if write:
        name = subject.replace("/", "-").replace("@", "-")
        target = root / "review-requests" / f"{name}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(plan.pr_body(), encoding="utf-8")
        click.echo(f"\nwrote {target.relative_to(root).as_posix()}")
    if ask_forge:
        _ask_forge(root, plan, base)


def _ask_forge(root: Path, plan: object, base: str | None) -> None:
    from govern_as_code.commands.forge_requests import request_reviews
    from govern_as_code.commands.signoff import ReviewPlan

    assert isinstance(plan, ReviewPlan)
    asked = request_reviews(root, plan, base)
    if asked.number is None:
        click.echo("\nno review to request: nothing is missing")
        return
    who = ", ".join(f"@{login}" for login in asked.requested) or "nobody with a GitHub login"
    click.echo(f"\nrequested reviews on PR #{asked.number} from {who}")
    if asked.without_login:
        click.echo(f"no GitHub login in the trusted base: {', '.join(asked.without_login)}")
