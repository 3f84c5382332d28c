"""A fresh portfolio repository built with `gac new` itself, for the authoring tests."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result
from repo_helpers import git

from govern_as_code.cli.main import cli

NOW = "2026-03-02T10:00:00+00:00"
DIGEST = "sha256:" + "b" * 64


def gac(root: Path, *args: str, input: str | None = None) -> Result:
    """Run `gac ARGS --repo ROOT` in-process; the clock is pinned where a command records it."""
    return CliRunner().invoke(cli, [*args, "--repo", str(root)], input=input)


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def init_portfolio(root: Path, *, email: str = "dan@acme.example") -> Path:
    """git init, a Portfolio, two people, a workflow, a project, a model and its version."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", email)
    git(root, "config", "user.name", "Dan Duval")
    git(root, "config", "commit.gpgsign", "false")
    ok(gac(root, "new", "Portfolio", "acme", "--no-input"))
    people = {
        "dan": ("Dan Duval", "dan@acme.example", "business", "data-scientist"),
        "rita": ("Rita Rao", "rita@acme.example", "risk", "risk-acceptance,risk-review"),
    }
    for ident, (name, mail, department, roles) in people.items():
        ok(
            gac(
                root,
                "new",
                "Person",
                ident,
                "--set",
                f"name={name}",
                "--set",
                f"email={mail}",
                "--set",
                f"department={department}",
                "--set",
                f"roles={roles}",
            )
        )
    ok(gac(root, "new", "Workflow", "standard"))
    ok(gac(root, "new", "Project", "churn", "--set", "workflow=standard", "--now", NOW))
    ok(
        gac(
            root,
            "new",
            "Model",
            "churn-xgb",
            "--set",
            "project=churn",
            "--set",
            "task=classification",
            "--set",
            "riskTier=low",
        )
    )
    ok(
        gac(
            root,
            "new",
            "ModelVersion",
            "churn-xgb@1",
            "--set",
            "artifact.uri=s3://models/churn/1",
            "--set",
            f"artifact.digest={DIGEST}",
            "--set",
            "metrics.performance.auc=0.84",
            "--now",
            NOW,
        )
    )
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Set up the portfolio")
    return root
