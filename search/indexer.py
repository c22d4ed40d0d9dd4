"""Keeping the index in step with the registry, through the registry's change feed (outbox).

Registry writes record changed works in the same transaction; ``drain`` rebuilds the documents
of those works and acknowledges the changes only after the backend accepted them. If the backend
is down nothing is acknowledged, so nothing is lost: the next drain catches up. Drains are
serialised across processes and machines (``registry.locks.named_lock``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from registry import changes
from registry.locks import named_lock
from registry.service import Registry
from registry.store import reading, writing
from search.backend import SearchBackend
from search.documents import document_key, issued_documents, work_documents

CONSUMER = "search"
log = logging.getLogger("kense.search")


def drain(registry: Registry, backend: SearchBackend, *, batch: int = 500) -> int:
    """Index the works and documents changed since the last drain; returns the changes applied.

    No database transaction stays open while documents are built and sent: drains are
    serialised by a named lock of their own (``registry.locks``), not by table locks.
    """
    applied = 0
    with named_lock(registry.engine, "kense-search-drain"):
        while True:
            with reading(registry.engine) as conn:
                feed = changes.pending(conn, CONSUMER, limit=batch)
                issued = changes.pending_documents(conn, CONSUMER, limit=batch)
            if not feed and not issued:
                return applied
            uris = list(dict.fromkeys(c.frbr_uri for c in feed))
            for uri in uris:
                backend.replace_work(uri, work_documents(registry, uri))
            ids = list(dict.fromkeys(c.public_id for c in issued))
            for public_id in ids:
                backend.replace_work(document_key(public_id), issued_documents(registry, public_id))
            with writing(registry.engine) as conn:
                changes.acknowledge(conn, CONSUMER, [c.id for c in feed])
                changes.acknowledge_documents(conn, CONSUMER, [c.id for c in issued])
            applied += len(feed) + len(issued)
            log.info(
                "indexed",
                extra={
                    "changes": len(feed) + len(issued),
                    "works": len(uris),
                    "documents": len(ids),
                },
            )


def drainer(registry: Registry, backend: SearchBackend) -> Callable[[], None]:
    """An after-commit callback that drains at once (the CLI: one short-lived process)."""

    def run() -> None:
        try:
            drain(registry, backend)
        except Exception as exc:  # the change feed keeps the work; a later drain catches up
            log.warning("search index not updated yet", extra={"reason": str(exc)})

    return run


class BackgroundDrainer:
    """Drains in a thread of its own, so a write request never waits for the search cluster.

    ``notify`` (the after-commit callback) wakes it; while the backend is down it retries with a
    growing pause, and the change feed keeps every change meanwhile.
    """

    def __init__(self, registry: Registry, backend: SearchBackend) -> None:
        self.registry = registry
        self.backend = backend
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def notify(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="kense-search-drain", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        pause = 1.0
        while True:
            self._wake.wait()
            self._wake.clear()
            try:
                drain(self.registry, self.backend)
                pause = 1.0
            except Exception as exc:  # the change feed keeps the work; retry later
                log.warning("search index not updated yet", extra={"reason": str(exc)})
                time.sleep(pause)
                pause = min(pause * 2, 60.0)
                self._wake.set()
