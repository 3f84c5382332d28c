"""Evidence: checking, in-process, that a sign-off commit was really signed and by which key."""

from __future__ import annotations
