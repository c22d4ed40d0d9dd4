"""The change feed: which works changed, for consumers that act after the commit (search)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from registry.store import changes, deliveries, works


@dataclass(frozen=True)
class Change:
    id: int
    work_id: int
    frbr_uri: str
    kind: str


def record(conn: Connection, work_id: int, kind: str) -> None:
    """Note that ``work_id`` changed, in the caller's transaction."""
    conn.execute(changes.insert().values(work_id=work_id, kind=kind))


def pending(conn: Connection, consumer: str, limit: int = 500) -> list[Change]:
    """Changes ``consumer`` has not acknowledged yet, oldest first."""
    done = exists().where(
        and_(deliveries.c.change_id == changes.c.id, deliveries.c.consumer == consumer)
    )
    rows = conn.execute(
        select(changes.c.id, changes.c.work_id, works.c.frbr_uri, changes.c.kind)
        .join(works, works.c.id == changes.c.work_id)
        .where(~done)
        .order_by(changes.c.id)
        .limit(limit)
    )
    return [Change(r.id, r.work_id, r.frbr_uri, r.kind) for r in rows]


def acknowledge(conn: Connection, consumer: str, ids: list[int]) -> None:
    """Mark changes delivered; acknowledging twice (two workers) is harmless."""
    if not ids:
        return
    values = [{"change_id": i, "consumer": consumer} for i in ids]
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(insert(deliveries).values(values).on_conflict_do_nothing())


def count_pending(conn: Connection, consumer: str) -> int:
    return len(pending(conn, consumer, limit=1_000_000))
