"""A portfolio as read from a working tree or a revision: sources, the loader, the index by
kind and id, the trust root and what a change does to it."""

from govern_as_code.portfolio.loader import (
    IGNORE_FILE,
    LoadOptions,
    load_portfolio,
    open_source,
)
from govern_as_code.portfolio.model import Deployment, Document, Portfolio

__all__ = [
    "IGNORE_FILE",
    "Deployment",
    "Document",
    "LoadOptions",
    "Portfolio",
    "load_portfolio",
    "open_source",
]
