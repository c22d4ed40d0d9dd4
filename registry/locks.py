"""Named locks held across processes and machines, without an open transaction.

On PostgreSQL a session advisory lock (every worker on every machine sees it); on SQLite an
exclusive ``flock`` on a file beside the database (one machine, which SQLite implies anyway).
Used where work that must not run twice at once is too slow to do inside a write transaction:
draining the change feed, numbering a document while it is being converted to PDF. Threads of one
process first queue on an in-process lock, so at most one connection per process waits for the
database lock (waiting threads would otherwise drain the connection pool the holder needs).
"""

from __future__ import annotations

import fcntl
import hashlib
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


_LOCAL: dict[str, threading.Lock] = {}
_LOCAL_GUARD = threading.Lock()


def _local(name: str) -> threading.Lock:
    with _LOCAL_GUARD:
        return _LOCAL.setdefault(name, threading.Lock())


@contextmanager
def named_lock(engine: Engine, name: str) -> Iterator[None]:
    """Hold the lock called ``name`` for the duration of the ``with`` block (waits for it)."""
    with _local(f"{engine.url}#{name}"), _held(engine, name):
        yield


@contextmanager
def _held(engine: Engine, name: str) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                conn.commit()
        return
    database = Path(engine.url.database or "kense-memory.db")
    lock_path = database.with_name(f"{database.name}.{_UNSAFE.sub('_', name)}.lock")
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
