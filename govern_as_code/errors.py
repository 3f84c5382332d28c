"""Conditions that stop the tool. Findings about documents are Problems, not exceptions."""

from __future__ import annotations


class GovernError(Exception):
    """The tool cannot do its job. Maps to exit code 2.

    The message is one line that says what went wrong; ``fix`` says what to do about it.
    """

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} ({self.fix})" if self.fix else self.message


class GitError(GovernError):
    """git could not answer: not a repository, a missing revision, a shallow clone."""


class UsageError(GovernError):
    """The request itself is wrong: an unknown subject, a bad option value."""
