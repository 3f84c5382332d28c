"""Identity checks of `trust-changes-need-admin`: one person per key and per email, and
people who are marked departed rather than deleted or brought back."""

from __future__ import annotations

from collections.abc import Iterator

from govern_as_code.documents.kinds import PersonDocument
from govern_as_code.portfolio import Document, Portfolio
from govern_as_code.problems import Problem

ID = "trust-changes-need-admin"


def _people(portfolio: Portfolio) -> list[tuple[Document, PersonDocument]]:
    return [
        (d, d.model) for d in portfolio.of_kind("Person") if isinstance(d.model, PersonDocument)
    ]


def identity_problems(base: Portfolio | None, head: Portfolio) -> Iterator[Problem]:
    """Shared keys and emails in the head; deleted or re-activated people against the base."""
    people = _people(head)
    key_owners: dict[str, set[str]] = {}
    email_owners: dict[str, set[str]] = {}
    for _, person in people:
        for key in person.spec.keys:
            key_owners.setdefault(key.identity, set()).add(person.metadata.id)
        email_owners.setdefault(person.spec.email_key, set()).add(person.metadata.id)
    for document, person in people:
        ident = person.metadata.id
        for index, key in enumerate(person.spec.keys):
            others = sorted(key_owners[key.identity] - {ident})
            if others:
                yield document.problem(
                    ID,
                    f"key {key.identity} of {ident} is also listed for {', '.join(others)}; a key"
                    " identifies one person, so its signatures count for nobody",
                    "spec",
                    "keys",
                    index,
                    hint="remove the key from everyone it does not belong to",
                )
        others = sorted(email_owners[person.spec.email_key] - {ident})
        if others:
            yield document.problem(
                ID,
                f"email {person.spec.email!r} of {ident} is also the email of"
                f" {', '.join(others)}; an email identifies one person",
                "spec",
                "email",
                hint="give each person their own email",
            )
    if base is None or base is head or base.revision is None:
        return
    after = {d.id: (d, p) for d, p in people}
    for document, before in _people(base):
        ident = before.metadata.id
        if ident not in after:
            yield Problem(
                document.path,
                1,
                1,
                ID,
                f"Person/{ident} is removed by this change; people are never deleted, or their"
                " past sign-offs could no longer be verified",
                f"keep {document.path} and mark the person departed instead: set"
                " `status: departed` and `departedOn: <date they left>` in its spec",
                f"Person/{ident}",
            )
            continue
        head_document, now = after[ident]
        left = before.spec.departedOn
        if before.spec.status == "departed" and left is not None:
            later = now.spec.departedOn is None or now.spec.departedOn > left
            if now.spec.status != "departed" or later:
                yield head_document.problem(
                    ID,
                    f"{ident} departed on {left.isoformat()} in the trusted base, and this change"
                    " makes them active again (or moves the date later); a person id is never"
                    " reused",
                    "spec",
                    "status",
                    hint=f"restore the departure of {ident}, and register a returning or new"
                    " person under a new id",
                    subject=f"Person/{ident}",
                )
