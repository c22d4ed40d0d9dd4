"""The audit trail: every state change, in the transaction that makes it, chained by hashes.

Each entry carries the SHA-256 of its own content and of the entry before it, so ``verify``
detects an entry edited, removed or moved, and names the first one that does not fit. Appends
are serialised (a transaction-scoped advisory lock on PostgreSQL; SQLite writers already hold
the database's write lock), so the chain never forks. The newest hash (``verify`` prints it)
can be written down elsewhere: removing the last entries is detectable only against such an
anchor. The table is append-only in the database as well (triggers, migration 0006).

Who acts is taken from a context variable the edges set (``acting_as``): the CLI acts as the
local operator (its operating-system user), the web service as the signed-in user.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from registry.store import audit_log

GENESIS = "0" * 64
_ACTOR: ContextVar[str] = ContextVar("kense_actor", default="system")
_LOCK_KEY = int.from_bytes(hashlib.sha256(b"kense-audit").digest()[:8], "big", signed=True)


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    """Record the changes made inside the block under ``actor``."""
    token = _ACTOR.set(actor)
    try:
        yield
    finally:
        _ACTOR.reset(token)


def set_actor(actor: str) -> None:
    """For a web request: its thread (or context) acts as ``actor`` until the next request."""
    _ACTOR.set(actor)


def current_actor() -> str:
    return _ACTOR.get()


def entry_hash(
    seq: int, at: str, actor: str, action: str, subject: str, detail: Any, prev: str
) -> str:
    body = json.dumps(
        [seq, at, actor, action, subject, detail, prev],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def record(
    conn: Connection, action: str, subject: str, detail: dict[str, Any] | None = None
) -> None:
    """Append an entry in the caller's transaction (which must be a write transaction)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    last = conn.execute(
        select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
    ).first()
    seq = 1 if last is None else last.seq + 1
    prev = GENESIS if last is None else last.hash
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    actor = current_actor()
    data = json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str))
    conn.execute(
        audit_log.insert().values(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            subject=subject,
            detail=data,
            prev_hash=prev,
            hash=entry_hash(seq, at, actor, action, subject, data, prev),
        )
    )


@dataclass(frozen=True)
class Verdict:
    ok: bool
    entries: int
    head: str
    problem: str | None = None
    seq: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "head": self.head,
            "problem": self.problem,
            "seq": self.seq,
        }


def verify(conn: Connection) -> Verdict:
    """Walk the chain in order; the first entry edited, missing or out of place fails it."""
    prev, expected, count = GENESIS, 1, 0
    rows = conn.execute(select(audit_log).order_by(audit_log.c.id))
    for row in rows:
        name = f"entry {row.seq} ({row.action} {row.subject}, {row.at})"
        if row.seq != expected:
            what = "missing before it" if row.seq > expected else "out of order"
            return Verdict(False, count, prev, f"{name}: entry {expected} is {what}", row.seq)
        if row.prev_hash != prev:
            return Verdict(
                False, count, prev, f"{name}: does not follow the entry before it", row.seq
            )
        own = entry_hash(
            row.seq, row.at, row.actor, row.action, row.subject, row.detail, row.prev_hash
        )
        if own != row.hash:
            return Verdict(False, count, prev, f"{name}: its content was changed", row.seq)
        prev, expected, count = row.hash, expected + 1, count + 1
    return Verdict(True, count, prev)


def entries(
    conn: Connection,
    *,
    action: str | None = None,
    actor: str | None = None,
    subject: str | None = None,
    since: date | None = None,
    until: date | None = None,
    before: int | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """The newest entries first. ``action`` matches a whole action or its family ("document"
    matches "document.void"); ``since``/``until`` are UTC days, both included; ``before`` pages
    back from an entry's seq."""
    query = select(audit_log).order_by(audit_log.c.seq.desc()).limit(limit)
    if action:
        query = query.where(
            (audit_log.c.action == action) | audit_log.c.action.startswith(action + ".")
        )
    if actor:
        query = query.where(audit_log.c.actor == actor)
    if subject:
        query = query.where(audit_log.c.subject == subject)
    if since:
        query = query.where(audit_log.c.at >= since.isoformat())
    if until:
        query = query.where(audit_log.c.at < (until + timedelta(days=1)).isoformat())
    if before:
        query = query.where(audit_log.c.seq < before)
    return [
        {k: getattr(r, k) for k in ("seq", "at", "actor", "action", "subject", "detail", "hash")}
        for r in conn.execute(query)
    ]
