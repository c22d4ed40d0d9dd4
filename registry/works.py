"""Works and their language expressions: lookup, creation, lifecycle events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from registry.errors import Invalid, NotFound
from registry.model import ActRef
from registry.store import events, expressions, new_id, provisions, works
from registry.uri import FrbrUri

LIFECYCLE = ("draft", "adopted", "submitted", "registered", "published", "in_force", "repealed")


@dataclass(frozen=True)
class Work:
    id: int
    uri: FrbrUri
    issuer: str | None
    days_after_publication: int | None
    #: The number as printed ("1007/15"); the URI carries a path-safe form ("1007-15").
    number: str

    @property
    def act(self) -> ActRef:
        return ActRef(self.uri.subtype, self.number, self.uri.date, self.issuer)


@dataclass(frozen=True)
class Event:
    kind: str
    date: date
    assumed: bool
    detail: dict[str, Any]


def find(conn: Connection, uri: FrbrUri) -> Work | None:
    row = conn.execute(select(works).where(works.c.frbr_uri == uri.work)).first()
    return Work(row.id, uri, row.issuer, row.days_after_publication, row.number) if row else None


def get(conn: Connection, uri: FrbrUri | str) -> Work:
    parsed = FrbrUri.parse(uri) if isinstance(uri, str) else uri
    work = find(conn, parsed)
    if work is None:
        raise NotFound(f"no act {parsed.work} in the registry", fields={"frbr_uri": "unknown"})
    return work


def by_id(conn: Connection, work_id: int) -> Work:
    row = conn.execute(select(works).where(works.c.id == work_id)).one()
    return Work(
        row.id, FrbrUri.parse(row.frbr_uri), row.issuer, row.days_after_publication, row.number
    )


def create(
    conn: Connection,
    uri: FrbrUri,
    issuer: str | None,
    days_after_publication: int | None,
    number: str | None = None,
) -> Work:
    work_id = new_id(
        conn.execute(
            works.insert().values(
                frbr_uri=uri.work,
                place=uri.place,
                subtype=uri.subtype,
                number=number or uri.number,
                date=uri.date,
                issuer=issuer,
                days_after_publication=days_after_publication,
            )
        )
    )
    return Work(work_id, uri, issuer, days_after_publication, number or uri.number)


def find_or_create_cited(conn: Connection, place: str, act: ActRef, *, draft: bool = False) -> Work:
    """The work an amending act's citation names, created (without text) if not yet known.

    A draft is recorded with a ``draft`` event instead of ``adopted``; its number and date are the
    provisional ones it was entered with.
    """
    if act.date is None or not act.number:
        raise Invalid(
            "the amending act needs its date and number",
            fields={"amending_act": "date and number are required"},
        )
    uri = FrbrUri.for_act(place, act.type, act.date, act.number)
    work = find(conn, uri)
    if work is not None:
        return work
    work = create(conn, uri, act.issuer, 0, act.number)
    record_event(conn, work.id, "draft" if draft else "adopted", act.date)
    return work


def is_adopted(conn: Connection, work_id: int) -> bool:
    return any(e.kind == "adopted" for e in lifecycle(conn, work_id))


def is_draft(conn: Connection, work_id: int) -> bool:
    """A draft not adopted yet: only staff see it (registry.policy)."""
    kinds = {e.kind for e in lifecycle(conn, work_id)}
    return "draft" in kinds and "adopted" not in kinds


def languages(conn: Connection, work_id: int) -> list[str]:
    rows = conn.execute(
        select(expressions.c.lang)
        .where(expressions.c.work_id == work_id)
        .order_by(expressions.c.lang)
    )
    return [r[0] for r in rows]


def titles(conn: Connection, work_id: int) -> dict[str, str]:
    rows = conn.execute(
        select(expressions.c.lang, expressions.c.title).where(expressions.c.work_id == work_id)
    )
    return {r.lang: r.title for r in rows}


def add_expression(
    conn: Connection, work_id: int, lang: str, title: str, meta: dict[str, Any]
) -> None:
    conn.execute(expressions.insert().values(work_id=work_id, lang=lang, title=title, meta=meta))


def holds_text(conn: Connection, work_id: int) -> bool:
    row = conn.execute(select(provisions.c.id).where(provisions.c.work_id == work_id).limit(1))
    return row.first() is not None


def record_event(
    conn: Connection,
    work_id: int,
    kind: str,
    day: date,
    *,
    assumed: bool = False,
    detail: dict[str, Any] | None = None,
) -> None:
    if kind not in LIFECYCLE:
        raise Invalid(f"unknown lifecycle event {kind!r}; one of {', '.join(LIFECYCLE)}")
    conn.execute(
        events.insert().values(
            work_id=work_id, kind=kind, date=day, assumed=assumed, detail=detail or {}
        )
    )


def lifecycle(conn: Connection, work_id: int) -> list[Event]:
    rows = conn.execute(
        select(events.c.kind, events.c.date, events.c.assumed, events.c.detail)
        .where(events.c.work_id == work_id)
        .order_by(events.c.date, events.c.id)
    )
    return [Event(r.kind, r.date, r.assumed, r.detail) for r in rows]


def publication(conn: Connection, work_id: int) -> Event | None:
    """The first official publication, if recorded."""
    return next((e for e in lifecycle(conn, work_id) if e.kind == "published"), None)
