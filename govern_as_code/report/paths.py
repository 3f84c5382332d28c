"""Where each page of the site lives, and which URLs may become links.

Every path here is relative to the site's root folder and uses forward slashes; templates put
the page's `root` ("", "../", "../../") in front, so the site opens from file:// anywhere.

Detail pages are `projects/<id>.html`, `models/<id>.html` and `initiatives/<id>.html`. Lists
never share a folder level with them (`projects/list/...`), and page 2 onwards of any list
`x/name.html` is `x/name/page-N.html`, so no document id can collide with a generated page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

PAGE_SIZE: Final = 100
_UNSAFE: Final = re.compile(r"[^a-z0-9._-]")
_SAFE_LINK: Final = re.compile(r"^(?:https?://|mailto:)[^\x00-\x20\x7f]", re.IGNORECASE)
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")

INDEX: Final = "index.html"
INITIATIVES: Final = "initiatives/index.html"
PROJECTS: Final = "projects/index.html"
UNQUALIFIED: Final = "projects/list/unqualified.html"
MODELS: Final = "models/index.html"
DEPLOYMENTS: Final = "deployments.html"
AUDIT: Final = "audit.html"


def file_stem(id: str) -> str:
    """A file name for a document id: ids are slugs, aggregated ids carry a 'portfolio/' prefix.

    A slug never contains '--' nor starts with '_', so the replacements below stay unique.
    """
    stem = _UNSAFE.sub("_", id.lower().replace("/", "--"))
    return "_index" if stem == "index" else stem


def project_page(id: str) -> str:
    """The page of a project."""
    return f"projects/{file_stem(id)}.html"


def model_page(id: str) -> str:
    """The page of a model (its versions are sections of it)."""
    return f"models/{file_stem(id)}.html"


def initiative_page(id: str) -> str:
    """The first page of an initiative."""
    return f"initiatives/{file_stem(id)}.html"


def version_anchor(version: str) -> str:
    """The fragment id of a version's section on its model page."""
    return "v-" + _UNSAFE.sub("_", version.lower())


def version_link(model: str, version: str) -> str:
    """A link to a version's section on its model page."""
    return f"{model_page(model)}#{version_anchor(version)}"


def deployment_anchor(path: str, subject: str | None) -> str:
    """The fragment id of a deployment's row on the deployments pages."""
    return "d-" + _UNSAFE.sub("_", f"{path}@{subject or ''}".lower())


def cell_page(risk: int, value: int) -> str:
    """The list of the projects in one cell of the risk × value heat map."""
    return f"projects/list/risk-{risk}-value-{value}.html"


def paged(first: str, number: int) -> str:
    """Page `number` (1-based) of the list whose first page is `first`."""
    return first if number <= 1 else f"{first.removesuffix('.html')}/page-{number}.html"


def root_of(path: str) -> str:
    """The relative prefix from the page at `path` back to the site root."""
    return "../" * path.count("/")


def safe_url(url: str | None) -> str | None:
    """`url` if a browser may follow it from the report (http, https, mailto), else None.

    Anything else — `javascript:`, `data:`, a relative path, a scheme hidden behind whitespace or
    control characters — is shown as plain text by the caller, never as a link.
    """
    if not url or _CONTROL.search(url) or not _SAFE_LINK.match(url):
        return None
    return url


@dataclass(frozen=True)
class Link:
    """An internal link: `path` is relative to the site root."""

    path: str
    text: str


@dataclass(frozen=True)
class ExternalLink:
    """Text that becomes a link only when its URL passed `safe_url`."""

    text: str
    href: str | None

    @classmethod
    def of(cls, url: str | None, text: str | None = None) -> ExternalLink:
        """`url` shown as `text` (by default the URL itself), a link only if it is safe."""
        return cls(text if text is not None else (url or ""), safe_url(url))


@dataclass(frozen=True)
class AttachmentView:
    """A project attachment: a safe link, or its title with the URL or repo path as text."""

    title: str
    href: str | None
    detail: str  # the URL or path, shown next to the title

    @classmethod
    def of(cls, title: str, url: str | None, path: str | None) -> AttachmentView:
        """The view of an attachment given by `url` or by repo `path`."""
        if url is not None:
            return cls(title, safe_url(url), url)
        return cls(title, None, path or "")


@dataclass(frozen=True)
class Pager:
    """Where one page of a list sits among its siblings."""

    number: int
    count: int
    total: int
    first_item: int
    last_item: int
    prev: str | None
    next: str | None
    first: str
    last: str


def page_size() -> int:
    """Rows per list page; read at call time so a test can make the pages small."""
    return PAGE_SIZE


def paginate(total: int, first: str, size: int | None = None) -> list[tuple[Pager, slice]]:
    """The pages of a `total`-item list whose first page is `first`: one page even when empty."""
    size = size or page_size()
    count = max(1, -(-total // size))
    pages = []
    for n in range(1, count + 1):
        start = (n - 1) * size
        pages.append(
            (
                Pager(
                    number=n,
                    count=count,
                    total=total,
                    first_item=min(start + 1, total),
                    last_item=min(start + size, total),
                    prev=paged(first, n - 1) if n > 1 else None,
                    next=paged(first, n + 1) if n < count else None,
                    first=first,
                    last=paged(first, count),
                ),
                slice(start, start + size),
            )
        )
    return pages


# people pages. `people/index.html` is the list; a person's id never is "index" after
# `file_stem`, so `people/<id>.html` cannot collide with it.
PEOPLE: Final = "people/index.html"


def person_page(id: str) -> str:
    """The page of a person."""
    return f"people/{file_stem(id)}.html"
