"""Search fixtures: the same contract runs against SQLite FTS5 and a real Elasticsearch."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.service import Registry
from search.backend import SearchBackend
from search.config import SearchConfig
from search.service import Search, make_backend
from tests.conftest import open_registry, service_missing


def elastic_url() -> str:
    url = os.environ.get("KENSE_TEST_SEARCH_URL")
    if not url:
        service_missing("KENSE_TEST_SEARCH_URL is not set (make test starts Elasticsearch)")
    assert url is not None
    return url


@pytest.fixture
def elastic_backend() -> Iterator[SearchBackend]:
    from elasticsearch import Elasticsearch

    url = elastic_url()
    prefix = f"t{uuid.uuid4().hex[:10]}"
    backend = make_backend(SearchConfig(url=url, index_prefix=prefix))
    try:
        backend.ensure()
    except Exception as exc:
        service_missing(f"Elasticsearch at {url} is not reachable: {exc}")
    health = backend.health()
    if not health.get("ok"):
        service_missing(f"Elasticsearch at {url} is not reachable: {health}")
    yield backend
    backend.close()
    client = Elasticsearch(url)
    names = list(client.indices.get(index=f"{prefix}-*", expand_wildcards="all"))
    if names:
        client.indices.delete(index=",".join(names))
    client.options(ignore_status=404).indices.delete_index_template(name=f"{prefix}-search")
    client.close()


@pytest.fixture
def fts_backend(tmp_path: Path) -> Iterator[SearchBackend]:
    backend = make_backend(SearchConfig(data_dir=tmp_path))
    yield backend
    backend.close()


@pytest.fixture(params=["fts5", "elasticsearch"])
def backend(request: pytest.FixtureRequest) -> SearchBackend:
    name = "fts_backend" if request.param == "fts5" else "elastic_backend"
    found: SearchBackend = request.getfixturevalue(name)
    return found


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Registry]:
    registry = open_registry(f"sqlite:///{tmp_path}/kense.db", tmp_path / "data")
    registry.load_seed()
    yield registry
    registry.close()


@pytest.fixture
def search(seeded: Registry, backend: SearchBackend) -> Iterator[Search]:
    """The seed indexed in the backend under test, through the outbox."""
    service = Search(seeded, backend)
    backend.ensure()
    service.drain()
    yield service
