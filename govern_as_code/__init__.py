"""govern-as-code: AI/ML portfolio governance that lives in a git repository."""

from __future__ import annotations

__version__ = "0.1.0"
