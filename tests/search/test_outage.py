"""An Elasticsearch outage loses nothing: registry writes succeed, the outbox drains later."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from urllib.parse import urlparse

import pytest
from elasticsearch import Elasticsearch

from registry import changes
from registry.service import Registry
from registry.store import reading
from search.config import SearchConfig
from search.indexer import CONSUMER, drainer
from search.query import parse_query
from search.service import Search, make_backend
from tests.factories import amendment, substitute
from tests.search.conftest import elastic_url
from tests.search.proxy import Proxy

SEED = "/akn/kz-kus/act/resolution/2021-11-12/514"


@pytest.fixture
def proxied(seeded: Registry) -> Iterator[tuple[Search, Proxy]]:
    target = urlparse(elastic_url())
    proxy = Proxy(target.hostname or "127.0.0.1", target.port or 9200)
    proxy.start()
    prefix = f"t{uuid.uuid4().hex[:10]}"
    backend = make_backend(SearchConfig(url=proxy.url, index_prefix=prefix, timeout=2.0))
    backend.ensure()
    search = Search(seeded, backend)
    seeded.after_commit.append(drainer(seeded, backend))
    search.drain()
    yield search, proxy
    client = Elasticsearch(elastic_url())
    names = list(client.indices.get(index=f"{prefix}-*"))
    if names:
        client.indices.delete(index=",".join(names))
    client.options(ignore_status=404).indices.delete_index_template(name=f"{prefix}-search")
    client.close()
    backend.close()
    proxy.stop()


def test_hundred_changes_during_an_outage_are_indexed_when_it_ends(
    proxied: tuple[Search, Proxy],
) -> None:
    search, proxy = proxied
    assert search.check()["ok"]
    points = [f"chp_2__para_15__point_{n}" for n in range(1, 51)]
    proxy.stop()
    start = date(2024, 1, 1)
    for i in range(100):
        eid = points[i % len(points)]
        day = start + timedelta(days=i)
        search.registry.amend(
            SEED,
            amendment(
                substitute(eid, f"өзгертілген мәтін {i};"),
                number=f"7{i:02d}",
                effective=day.isoformat(),
            ),
        )
    with reading(search.registry.engine) as conn:
        assert len(changes.pending(conn, CONSUMER)) >= 100
    proxy.start()
    assert search.drain() >= 100
    with reading(search.registry.engine) as conn:
        assert changes.pending(conn, CONSUMER) == []
    report = search.check()
    assert report["ok"], report
    hits = search.search(parse_query({"q": "өзгертілген мәтін 99"})).hits
    assert hits and hits[0].text.endswith("өзгертілген мәтін 99;")
