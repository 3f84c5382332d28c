"""The gate's commands: lint, check-deploy, digest, approve, request-review."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

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

if TYPE_CHECKING:
    from govern_as_code.commands.assess import Assessment

base_option = click.option(
    "--base",
    default=None,
    metavar="REF",
    help="The trusted base: a branch, a full ref or a full commit id (default:"
    " governance.yaml trust.base, else the merge-base with origin/HEAD or main). An"
    " ambiguous name (a tag and a branch both called main) is refused.",
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


def _say_base(result: Assessment | None) -> None:
    """Name the trust root on stderr, so stdout stays pure json/sarif/junit."""
    if result is not None and result.base is not None:
        click.echo(f"trusted base: {result.base.describe()}", err=True)


@click.command()
@repo_option
@base_option
@format_option
@output_option
@click.option(
    "--summary",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Append a Markdown table of every gate to this file (in GitHub Actions:"
    ' "$GITHUB_STEP_SUMMARY").',
)
@today_option
@offline_option
@cache_options
@handle_errors
def lint(
    repo: Path,
    base: str | None,
    fmt: str,
    output: Path | None,
    summary: Path | None,
    today: object,
    offline: bool,
    cache_dir: Path | None,
    no_cache: bool,
) -> None:
    """Validate, run every policy rule, and verify the evidence behind every approval.

    \b
    Example:
      gac lint --base origin/main --format sarif --output gac.sarif
      gac lint --format github --summary "$GITHUB_STEP_SUMMARY"
    """
    from govern_as_code.commands.assess import LintRequest, assess

    request = LintRequest(
        check_repo(repo),
        base=base,
        today=_day(today),
        offline=offline,
        cache_dir=cache_dir,
        no_cache=no_cache,
    )
    result = assess(request)
    _say_base(result)
    if summary is not None:
        from govern_as_code.reporters.summary import render_summary

        append_text(summary, render_summary(result.report, result.verdicts))
    sys.exit(emit_report(result.report, fmt, output))


def append_text(path: Path, text: str) -> None:
    """Append `text` to `path` (a job summary file collects every step's output)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as stream:
            stream.write(text)
    except OSError as e:
        raise GovernError(f"cannot write {path}: {e.strerror}", "choose another --summary") from e


@click.command("check-deploy")
@click.argument("manifests", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--artifact",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The file about to be shipped: its sha256 must be the version's artifact.digest.",
)
@repo_option
@base_option
@format_option
@output_option
@today_option
@offline_option
@cache_options
@handle_errors
def check_deploy(
    manifests: tuple[Path, ...],
    artifact: Path | None,
    repo: Path,
    base: str | None,
    fmt: str,
    output: Path | None,
    today: object,
    offline: bool,
    cache_dir: Path | None,
    no_cache: bool,
) -> None:
    """Run the deploy gate for the named manifests only.

    A manifest to an unprotected environment is "not gated" and exits 0, so a CD script can
    run it on every manifest it deploys. With --artifact, the file's sha256 must equal the
    approved version's artifact.digest (exit 1 otherwise).

    \b
    Example:
      gac check-deploy deployments/production/churn.yaml --artifact model.pkl
    """
    from govern_as_code.commands.check_deploy import CheckDeployRequest
    from govern_as_code.commands.check_deploy import check_deploy as run

    request = CheckDeployRequest(
        check_repo(repo),
        manifests,
        Path.cwd(),
        base,
        _day(today),
        artifact,
        offline,
        cache_dir=cache_dir,
        no_cache=no_cache,
    )
    result = run(request)
    _say_base(result.assessment)
    code = emit_report(result.report, fmt, output)
    for deployment in result.not_gated:
        click.echo(
            f"{deployment.path}: not gated: the environment {deployment.environment!r}"
            " is not protected",
            err=fmt != "text" and output is None,
        )
    sys.exit(max(code, 1 if result.blocked else 0))


@click.command()
@click.argument("subject", required=False)
@click.option(
    "--file",
    "file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Print the sha256 of this file, for a new version's artifact.digest.",
)
@repo_option
@handle_errors
def digest(subject: str | None, file: Path | None, repo: Path) -> None:
    """Print the approvable digest of a model version or a trust-root document.

    With --file, print the artifact digest of a file instead, as a ModelVersion's
    artifact.digest records it and `check-deploy --artifact` checks it.

    \b
    Example:
      gac digest churn-xgb@3
      gac digest Person/carol
      gac digest --file model.pkl
    """
    from govern_as_code.errors import UsageError

    if (subject is None) == (file is None):
        raise UsageError(
            "name either a SUBJECT or --file FILE",
            "e.g. gac digest churn-xgb@3, or gac digest --file model.pkl",
        )
    if file is not None:
        from govern_as_code.commands.check_deploy import file_digest

        click.echo(file_digest(file))
        return
    from govern_as_code.commands.signoff import current_digest

    click.echo(current_digest(check_repo(repo), str(subject)))


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
    from govern_as_code.commands.approve import ApprovalRequest
    from govern_as_code.commands.approve import approve as run_approve

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
@today_option
@handle_errors
def request_review(
    subject: str, write: bool, repo: Path, base: str | None, today: object, ask_forge: bool
) -> None:
    """Show the approvals a subject still needs, who can give them, and a PR body.

    \b
    Example:
      gac request-review churn-xgb@3 --write
    """
    from govern_as_code.commands.signoff import plan_review

    root = check_repo(repo)
    plan = plan_review(root, subject, base, _day(today))
    if plan.passed:
        click.echo(f"{subject} has every approval it needs.")
    else:
        click.echo(f"{subject} still needs:")
        for step in plan.steps:
            click.echo(f"  {step.role}: {step.who()}" + (f" ({step.note})" if step.note else ""))
        for reason in plan.reasons:
            click.echo(f"  - {reason}")
    click.echo("\n--- pull-request body ---")
    click.echo(plan.pr_body(), nl=False)
    if write:
        name = subject.replace("/", "-").replace("@", "-")
        target = root / "review-requests" / f"{name}.md"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(plan.pr_body(), encoding="utf-8")
        except OSError as e:
            raise GovernError(
                f"cannot write {target}: {e.strerror}",
                "make review-requests/ a folder you can write to, or leave out --write",
            ) from e
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
