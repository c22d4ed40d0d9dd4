"""The search use cases the edges call: search, drain the outbox, reindex, check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from registry.service import Registry
from search import indexer
from search.backend import SearchBackend, SearchResult, plan
from search.config import SearchConfig
from search.documents import all_documents, every_issued_document, work_documents
from search.fts import FtsBackend
from search.known import KnownTerms
from search.query import SearchQuery


def make_backend(config: SearchConfig) -> SearchBackend:
    if config.url:
        from search.elastic import from_config

        return from_config(
            config.url,
            api_key=config.api_key,
            username=config.username,
            password=config.password,
            ca_certs=config.ca_certs,
            prefix=config.index_prefix,
            replicas=config.replicas,
            timeout=config.timeout,
        )
    return FtsBackend(config.data_dir / "search.db")


@dataclass
class Search:
    registry: Registry
    backend: SearchBackend
    known: KnownTerms = field(init=False)

    def __post_init__(self) -> None:
        self.known = KnownTerms(self.backend.known_terms)

    @classmethod
    def open(cls, config: SearchConfig, registry: Registry) -> Search:
        return cls(registry, make_backend(config))

    def search(self, query: SearchQuery) -> SearchResult:
        return self.backend.search(query, plan(query, self.known))

    def drain(self) -> int:
        applied = indexer.drain(self.registry, self.backend)
        if applied:
            self.known.clear()
        return applied

    def reindex(self, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild the whole index from the registry and switch to it atomically."""
        uris = [w["frbr_uri"] for w in self.registry.list_works()]
        everything = chain(all_documents(self.registry, uris), every_issued_document(self.registry))
        count = self.backend.rebuild(everything, progress)
        self.known.clear()
        self.drain()
        return count

    def check(self) -> dict[str, Any]:
        """Compare what the registry would index with what the index holds."""
        expected = {
            doc.id: doc.digest
            for work in self.registry.list_works()
            for doc in work_documents(self.registry, work["frbr_uri"])
        }
        expected |= {doc.id: doc.digest for doc in every_issued_document(self.registry)}
        actual = self.backend.digests()
        missing = sorted(set(expected) - set(actual))
        extra = sorted(set(actual) - set(expected))
        differing = sorted(k for k in set(expected) & set(actual) if expected[k] != actual[k])
        return {
            "backend": self.backend.name,
            "registry_documents": len(expected),
            "index_documents": len(actual),
            "missing": missing[:20],
            "extra": extra[:20],
            "differing": differing[:20],
            "ok": not (missing or extra or differing),
        }

    def close(self) -> None:
        self.backend.close()
