"""Progress bars on a terminal only, and shell completion through click."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner

from govern_as_code.cli import progress
from govern_as_code.cli.main import cli


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_progress_bar_when_piped(monkeypatch: pytest.MonkeyPatch) -> None:
    piped = io.StringIO()
    monkeypatch.setattr(progress.sys, "stderr", piped)
    with progress.progress_bar("reading history") as update:
        assert update is None
    assert piped.getvalue() == ""


def test_a_progress_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = Terminal()
    monkeypatch.setattr(progress.sys, "stderr", terminal)
    with progress.progress_bar("reading history") as update:
        assert update is not None
        for done in range(1, 5):
            update(done, 4)
    assert "reading history" in terminal.getvalue()
    assert "100%" in terminal.getvalue()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_scripts_come_from_click(shell: str) -> None:
    result = CliRunner().invoke(cli, [], prog_name="gac", env={"_GAC_COMPLETE": f"{shell}_source"})
    assert result.exit_code == 0
    assert "_GAC_COMPLETE" in result.output
    assert f"{shell}_complete" in result.output


def test_completion_offers_the_lifecycle_commands() -> None:
    result = CliRunner().invoke(
        cli,
        [],
        prog_name="gac",
        env={"_GAC_COMPLETE": "bash_complete", "COMP_WORDS": "gac st", "COMP_CWORD": "1"},
    )
    assert result.exit_code == 0
    assert "plain,stage" in result.output.splitlines()
