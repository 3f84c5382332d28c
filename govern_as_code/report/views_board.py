"""Dataiku Govern's two portfolio views: the Kanban board of projects by workflow stage and
the qualification matrix on any two of value, risk and feasibility."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import permutations
from typing import Final

from govern_as_code.report.data import ProjectRec
from govern_as_code.report.lookup import (
    DONE,
    HEALTH_BADGES,
    HEALTHY,
    Badge,
    Lookup,
    Page,
    health_badges,
)
from govern_as_code.report.paths import INDEX, PROJECTS, Link, project_page
from govern_as_code.report.views_audit import Facet

BOARD: Final = "projects/list/board.html"
MATRIX: Final = "projects/list/matrix.html"
AXES: Final = ("value", "risk", "feasibility")
DEFAULT_AXES: Final = ("value", "risk")  # across, up: the portfolio page's heat map
# A cell names this many projects; the rest are counted, so a crowded cell stays readable.
MAX_IN_CELL: Final = 8
# A column shows this many cards, the rest counted, so a 10,000-project board stays small.
MAX_CARDS: Final = 200
NOT_QUALIFIED: Final = "not qualified"


@dataclass(frozen=True)
class Card:
    """One project on the board."""

    link: Link
    owner: str
    initiative: str
    risk: str
    health: Badge


@dataclass(frozen=True)
class Column:
    """One workflow stage of the board, with the projects currently at it."""

    title: str
    cards: tuple[Card, ...]
    total: int = 0  # projects at this stage, shown or not


@dataclass(frozen=True)
class BoardView:
    columns: tuple[Column, ...]
    facets: tuple[Facet, ...]
    total: int
    links: tuple[Link, ...]
    list_link: Link


@dataclass(frozen=True)
class Cell:
    count: int
    names: tuple[Link, ...]
    more: int
    tone: str  # none | few | some | many


@dataclass(frozen=True)
class Matrix:
    """The projects on one pair of axes: rows from 5 (high) down, columns from 1 (low) up."""

    x: str
    y: str
    rows: tuple[tuple[int, tuple[Cell, ...]], ...]
    default: bool


@dataclass(frozen=True)
class DraftRow:
    link: Link
    value: int
    risk: int
    feasibility: int


@dataclass(frozen=True)
class MatrixView:
    matrices: tuple[Matrix, ...]
    axes: tuple[str, ...]
    default: tuple[str, str]
    drafts: tuple[DraftRow, ...]
    qualified: int
    unqualified: int
    legend: tuple[tuple[str, str], ...]
    links: tuple[Link, ...]


def _views(current: str) -> tuple[Link, ...]:
    views = (
        Link(PROJECTS, "Project list"),
        Link(BOARD, "Board by stage"),
        Link(MATRIX, "Qualification matrix"),
    )
    return tuple(v for v in views if v.path != current)


def _card(lookup: Lookup, p: ProjectRec) -> Card:
    q = p.qualification
    initiative = lookup.initiatives.get(p.initiative or "")
    return Card(
        Link(project_page(p.id), p.title),
        lookup.person(p.owner),
        initiative.title if initiative else "no initiative",
        str(q.risk) if q is not None and not q.draft else NOT_QUALIFIED,
        # The worst condition speaks for the card; the project page lists them all.
        health_badges(lookup.health.project(p.id))[0],
    )


def board_page(lookup: Lookup) -> Page:
    """The board: a column per workflow stage in lifecycle order, then the finished ones."""
    titles = [*lookup.stage_titles(), DONE]
    at: dict[str, list[Card]] = {t: [] for t in titles}
    for p in sorted(lookup.data.projects, key=lambda p: p.title.lower()):
        current = lookup.progress(p).current
        at.setdefault(current, []).append(_card(lookup, p))
    columns = tuple(Column("Done" if t == DONE else t, tuple(cards)) for t, cards in at.items())
    cards = [c for column in columns for c in column.cards]

    def values(of: str) -> tuple[str, ...]:
        found = {getattr(c, of) for c in cards}
        return tuple(sorted(found, key=lambda v: (v == NOT_QUALIFIED, str(v).lower())))

    facets = (
        Facet("initiative", "Initiative", values("initiative")),
        Facet("owner", "Owner", values("owner")),
        Facet("risk", "Risk", values("risk")),
        Facet(
            "health",
            "Health",
            tuple(
                text
                for text in (*HEALTH_BADGES, HEALTHY[1])
                if any(c.health.text == text for c in cards)
            ),
        ),
    )
    view = BoardView(
        columns,
        facets,
        len(lookup.data.projects),
        _views(BOARD),
        Link(PROJECTS, "the project list"),
    )
    return Page(
        BOARD,
        "board.html",
        "Projects by workflow stage",
        "projects",
        (Link(INDEX, "Portfolio"), Link(PROJECTS, "Projects")),
        view,
    )


def _tone(count: int) -> str:
    return "none" if count == 0 else "few" if count == 1 else "some" if count <= 3 else "many"


def _matrix(qualified: list[ProjectRec], x: str, y: str) -> Matrix:
    cells: dict[tuple[int, int], list[ProjectRec]] = {}
    for p in qualified:
        q = p.qualification
        assert q is not None
        cells.setdefault((getattr(q, x), getattr(q, y)), []).append(p)
    rows = []
    for level in range(5, 0, -1):
        row = []
        for across in range(1, 6):
            members = sorted(cells.get((across, level), []), key=lambda p: p.title.lower())
            row.append(
                Cell(
                    len(members),
                    tuple(Link(project_page(p.id), p.title) for p in members[:MAX_IN_CELL]),
                    max(0, len(members) - MAX_IN_CELL),
                    _tone(len(members)),
                )
            )
        rows.append((level, tuple(row)))
    return Matrix(x, y, tuple(rows), (x, y) == DEFAULT_AXES)


def matrix_page(lookup: Lookup) -> Page:
    """The qualification matrix on every pair of axes; drafts are listed apart, not placed."""
    projects = sorted(lookup.data.projects, key=lambda p: p.title.lower())
    qualified = [p for p in projects if p.qualification is not None and not p.qualification.draft]
    drafts = tuple(
        DraftRow(Link(project_page(p.id), p.title), q.value, q.risk, q.feasibility)
        for p in projects
        if (q := p.qualification) is not None and q.draft
    )
    view = MatrixView(
        tuple(_matrix(qualified, x, y) for x, y in permutations(AXES, 2)),
        AXES,
        DEFAULT_AXES,
        drafts,
        len(qualified),
        len(projects) - len(qualified) - len(drafts),
        (
            ("none", "no project"),
            ("few", "1 project"),
            ("some", "2 or 3 projects"),
            ("many", "4 or more projects"),
        ),
        _views(MATRIX),
    )
    return Page(
        MATRIX,
        "matrix.html",
        "Qualification matrix",
        "projects",
        (Link(INDEX, "Portfolio"), Link(PROJECTS, "Projects")),
        view,
    )


def board_pages(lookup: Lookup) -> Iterator[Page]:
    """The board and the matrix."""
    yield board_page(lookup)
    yield matrix_page(lookup)
