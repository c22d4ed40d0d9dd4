"""Which query stems the index holds, cached: the answer changes only when documents do."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

Lookup = Callable[[tuple[str, ...]], set[str]]


class KnownTerms:
    """A per-process cache in front of ``SearchBackend.known_terms``; entries live ``ttl`` seconds
    (other processes' writes show within that time) and ``clear()`` drops them after our own."""

    def __init__(self, lookup: Lookup, ttl: float = 60.0, size: int = 50_000) -> None:
        self._lookup = lookup
        self._ttl = ttl
        self._size = size
        self._entries: dict[str, tuple[bool, float]] = {}
        self._lock = threading.Lock()

    def __call__(self, terms: tuple[str, ...]) -> set[str]:
        now = time.monotonic()
        with self._lock:
            fresh = {t: v for t in terms if (v := self._entries.get(t)) and v[1] > now}
        missing = tuple(t for t in terms if t not in fresh)
        if missing:
            found = self._lookup(missing)
            expires = now + self._ttl
            with self._lock:
                if len(self._entries) > self._size:
                    self._entries.clear()
                for term in missing:
                    self._entries[term] = (term in found, expires)
                    fresh[term] = (term in found, expires)
        return {t for t in terms if fresh[t][0]}

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
