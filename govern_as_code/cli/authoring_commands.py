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


def moment(value: datetime | None) -> datetime | None:
    from datetime import UTC

    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def done(path: str, commit: str | None, what: str) -> None:
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
        NewRequest(check_repo(repo), kind, ident, assignments, ask, commit, moment(now))
    )
    done(path, sha, "created")


message_option = click.option("-m", "--message", "text", default="", help="A comment to record.")


@click.command()
@click.argument("project")
@click.argument("stage")
@click.option("--complete", "action", flag_value="complete", help="Mark the stage complete.")
@click.option("--start", "action", flag_value="start", help="Mark the stage in progress.")
@click.option("--reopen", "action", flag_value="reopen", help="Reopen a completed stage.")
@message_option
@commit_option
@repo_option
@now_option
@handle_errors
def stage(
    project: str,
    stage: str,
    action: str | None,
    text: str,
    commit: bool,
    repo: Path,
    now: datetime | None,
) -> None:
    """Start, complete or reopen a workflow stage of a project, recording who and when.

    A stage is never completed while a stage it requires is not complete.

    \b
    Example:
      gac stage churn-prediction qualification --complete -m "Signed off by the board" --commit
    """
    from govern_as_code.commands.authoring.workflow import StageRequest, change_stage
    from govern_as_code.errors import UsageError

    if action is None:
        raise UsageError("say what to do with the stage", "pass --complete, --start or --reopen")
    path, sha = change_stage(
        StageRequest(check_repo(repo), project, stage, action, text, commit, moment(now))
    )
    done(path, sha, f"stage {stage} {'completed' if action == 'complete' else action + 'ed'}")


@click.command()
@click.argument("project")
@click.argument("stage", required=False)
@click.option("-m", "--message", "text", required=True, help="The comment.")
@commit_option
@repo_option
@now_option
@handle_errors
def comment(
    project: str, stage: str | None, text: str, commit: bool, repo: Path, now: datetime | None
) -> None:
    """Comment on a project's stage (by default the first stage not yet complete).

    \b
    Example:
      gac comment churn-prediction development -m "Feature freeze on Friday"
    """
    from govern_as_code.commands.authoring.workflow import CommentRequest, add_comment

    path, sha = add_comment(
        CommentRequest(check_repo(repo), project, stage, text, commit, moment(now))
    )
    done(path, sha, "comment recorded")


@click.command()
@click.argument("project")
@click.option("--value", type=int, required=True, help="Business value, 1 to 5.")
@click.option("--risk", type=int, required=True, help="Risk, 1 to 5.")
@click.option("--feasibility", type=int, required=True, help="Feasibility, 1 to 5.")
@click.option("-m", "--notes", default="", help="Notes on the assessment.")
@click.option("--draft", is_flag=True, help="Record a draft: shown, but not yet qualified.")
@commit_option
@repo_option
@now_option
@handle_errors
def qualify(
    project: str,
    value: int,
    risk: int,
    feasibility: int,
    notes: str,
    draft: bool,
    commit: bool,
    repo: Path,
    now: datetime | None,
) -> None:
    """Record a project's qualification: value, risk and feasibility from 1 to 5.

    \b
    Example:
      gac qualify churn-prediction --value 4 --risk 2 --feasibility 3 -m "Board review"
    """
    from govern_as_code.commands.authoring.workflow import QualifyRequest
    from govern_as_code.commands.authoring.workflow import qualify as run_qualify

    request = QualifyRequest(
        check_repo(repo), project, value, risk, feasibility, notes, draft, commit, moment(now)
    )
    path, sha = run_qualify(request)
    done(path, sha, "draft qualification recorded" if draft else "qualification recorded")


@click.command()
@click.argument("rule")
@click.argument("subject")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Expiry date.")
@click.option("-m", "--message", "reason", required=True, help="Why the exception is needed.")
@click.option(
    "--control",
    "controls",
    multiple=True,
    required=True,
    help="A compensating control (repeat for several).",
)
@click.option("--id", "ident", default=None, help="The waiver's id (default: rule and subject).")
@commit_option
@repo_option
@now_option
@handle_errors
def waive(
    rule: str,
    subject: str,
    until: datetime,
    reason: str,
    controls: tuple[str, ...],
    ident: str | None,
    commit: bool,
    repo: Path,
    now: datetime | None,
) -> None:
    """Write a time-boxed Waiver of RULE for SUBJECT, to be approved by the waiver role.

    It turns that rule's errors for that subject into warnings only once a verified Approval
    of Waiver/<id> by the policy's waiver role (default risk-acceptance) approves it.

    \b
    Example:
      gac waive drift-threshold churn-xgb@3 --until 2026-06-30 -m "Retraining in Q2" \\
          --control "Weekly manual review of the scores"
    """
    from govern_as_code.commands.authoring.waive import WaiveRequest
    from govern_as_code.commands.authoring.waive import waive as run_waive

    request = WaiveRequest(
        check_repo(repo), rule, subject, until.date(), reason, controls, ident, commit, moment(now)
    )
    waiver, path, sha = run_waive(request)
    done(path, sha, f"waiver {waiver} written")
    click.echo(f"it counts once approved: gac approve Waiver/{waiver} --role <waiver role>")


AUTHORING_COMMANDS = (new, stage, comment, qualify, waive)
