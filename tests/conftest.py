"""Shared fixtures: a registry on SQLite and, with the real service, on PostgreSQL.

Tests that need a service FAIL when it is missing and KENSE_REQUIRE_SERVICES=1 (as `make test`
and CI set it); elsewhere they are skipped with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from registry.config import RegistryConfig
from registry.service import Registry

REQUIRE_SERVICES = os.environ.get("KENSE_REQUIRE_SERVICES") == "1"


def service_missing(reason: str) -> None:
    """Fail under `make test`/CI, skip in a bare local run."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)  # a bare local run only: KENSE_REQUIRE_SERVICES fails instead


def postgres_url() -> str:
    url = os.environ.get("KENSE_TEST_DATABASE_URL")
    if not url:
        service_missing("KENSE_TEST_DATABASE_URL is not set (make test starts PostgreSQL)")
    assert url is not None
    return url


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    base = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:
        admin.dispose()
        service_missing(f"PostgreSQL at {base} is not reachable: {exc}")
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/kense.db"
    url: str = request.getfixturevalue("pg_schema_url")
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/kense.db"


def open_registry(url: str, data_dir: Path) -> Registry:
    """A migrated registry whose stored files (decisions, documents) go under ``data_dir``."""
    registry = Registry.open(RegistryConfig(database_url=url, data_dir=data_dir))
    registry.migrate()
    return registry


@pytest.fixture
def registry(db_url: str, tmp_path: Path) -> Iterator[Registry]:
    """An empty, migrated registry on each backend, its files under the test's directory."""
    reg = open_registry(db_url, tmp_path / "data")
    yield reg
    reg.close()


@pytest.fixture
def sqlite_registry(sqlite_url: str, tmp_path: Path) -> Iterator[Registry]:
    reg = open_registry(sqlite_url, tmp_path / "data")
    yield reg
    reg.close()
