"""A git identity for `gac init` tests, and a scaffolded portfolio to work on.

`gac init` reads the user's own git configuration, so each test writes a global config file of
its own and points both this process's git calls and any subprocess at it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from govern_as_code import git as git_module
from govern_as_code.cli.main import cli

TODAY = "2026-07-01"


def identity_env(home: Path, config: Mapping[str, str]) -> dict[str, str]:
    """Write `config` as a global git config under `home`; the environment that uses it."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / "gitconfig"
    sections: dict[str, list[str]] = {}
    for key, value in config.items():
        section, _, name = key.rpartition(".")
        sections.setdefault(section, []).append(f"\t{name} = {value}")
    path.write_text(
        "".join(f"[{s}]\n" + "\n".join(lines) + "\n" for s, lines in sections.items()),
        encoding="utf-8",
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GIT_") and k not in {"SSH_AUTH_SOCK", "GNUPGHOME"}
    }
    env.update(GIT_CONFIG_GLOBAL=str(path), GIT_CONFIG_NOSYSTEM="1", HOME=str(home))
    return env


def use_identity(
    monkeypatch: pytest.MonkeyPatch, home: Path, config: Mapping[str, str]
) -> dict[str, str]:
    """Make this process's git calls see `config` as the user's global git config."""
    env = identity_env(home, config)
    for key in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM"):
        monkeypatch.setitem(git_module._ENV, key, env[key])
    for key in [k for k in git_module._ENV if k.startswith("GIT_AUTHOR") or k == "GNUPGHOME"]:
        monkeypatch.delitem(git_module._ENV, key)
    return env


ADA = {"user.name": "Ada Lovelace", "user.email": "ada@example.com"}


def gac(*args: str) -> Result:
    """`gac ARGS` in-process, with stderr kept apart."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)
