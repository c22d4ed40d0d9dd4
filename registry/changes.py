"""The change feeds: which works and which documents changed, for consumers that act after the
commit (search). Each feed is an outbox written in the transaction that made the change and
acknowledged per consumer once the consumer has acted on it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, and_, exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from registry.store import (
    changes,
    deliveries,
    document_changes,
    document_deliveries,
    documents,
    works,
)


@dataclass(frozen=True)
class Change:
    id: int
    work_id: int
    frbr_uri: str
    kind: str


@dataclass(frozen=True)
class DocumentChange:
    id: int
    public_id: str


def record(conn: Connection, work_id: int, kind: str) -> None:
    """Note that ``work_id`` changed, in the caller's transaction."""
    conn.execute(changes.insert().values(work_id=work_id, kind=kind))


def record_document(conn: Connection, document_id: int) -> None:
    """Note that a document was drafted, finalised, voided…, in the caller's transaction."""
    conn.execute(document_changes.insert().values(document_id=document_id))


def _undelivered(feed: Table, delivered: Table, consumer: str) -> object:
    return ~exists().where(
        and_(delivered.c.change_id == feed.c.id, delivered.c.consumer == consumer)
    )


def pending(conn: Connection, consumer: str, limit: int = 500) -> list[Change]:
    """Work changes ``consumer`` has not acknowledged yet, oldest first."""
    rows = conn.execute(
        select(changes.c.id, changes.c.work_id, works.c.frbr_uri, changes.c.kind)
        .join(works, works.c.id == changes.c.work_id)
        .where(_undelivered(changes, deliveries, consumer))  # type: ignore[arg-type]
        .order_by(changes.c.id)
        .limit(limit)
    )
    return [Change(r.id, r.work_id, r.frbr_uri, r.kind) for r in rows]


def pending_documents(conn: Connection, consumer: str, limit: int = 500) -> list[DocumentChange]:
    """Document changes ``consumer`` has not acknowledged yet, oldest first."""
    rows = conn.execute(
        select(document_changes.c.id, documents.c.public_id)
        .join(documents, documents.c.id == document_changes.c.document_id)
        .where(_undelivered(document_changes, document_deliveries, consumer))  # type: ignore[arg-type]
        .order_by(document_changes.c.id)
        .limit(limit)
    )
    return [DocumentChange(r.id, r.public_id) for r in rows]


def _acknowledge(conn: Connection, delivered: Table, consumer: str, ids: list[int]) -> None:
    if not ids:
        return
    values = [{"change_id": i, "consumer": consumer} for i in ids]
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(insert(delivered).values(values).on_conflict_do_nothing())


def acknowledge(conn: Connection, consumer: str, ids: list[int]) -> None:
    """Mark work changes delivered; acknowledging twice (two workers) is harmless."""
    _acknowledge(conn, deliveries, consumer, ids)


def acknowledge_documents(conn: Connection, consumer: str, ids: list[int]) -> None:
    _acknowledge(conn, document_deliveries, consumer, ids)


def count_pending(conn: Connection, consumer: str) -> int:
    return len(pending(conn, consumer, limit=1_000_000)) + len(
        pending_documents(conn, consumer, limit=1_000_000)
    )
