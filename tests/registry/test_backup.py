"""Backup then restore into an empty database: identical acts, documents, files, audit chain."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import app as kense_app
from registry import documents as records
from registry.errors import Conflict, Invalid
from registry.service import Registry
from tests.conftest import open_registry
from tests.factories import amendment, new_document, substitute

SEED = "/akn/kz-kus/act/resolution/2021-11-12/514"
DAY = date(2026, 11, 25)


@pytest.fixture
def source(sqlite_url: str, tmp_path: Path) -> Iterator[Registry]:
    """A registry with the seed, an amendment, an issued document with files, and its audit."""
    registry = open_registry(sqlite_url, tmp_path / "source")
    registry.load_seed()
    registry.amend(SEED, amendment(substitute("chp_2__para_14", "Жаңа мәтін."), number="61"))
    new = new_document(
        data={"kk": {"subject": "Тексеру"}},
        files=[records.GeneratedFile("kk", "docx", "application/x-test", b"draft bytes")],
    )
    created = registry.create_document(new, "tester")

    def produce(number: str | None, day: date | None) -> list[records.GeneratedFile]:
        return [records.GeneratedFile("kk", "pdf", "application/pdf", f"№ {number}".encode())]

    registry.finalise_document(created["id"], produce, "tester", DAY)
    yield registry
    registry.close()


def snapshot(registry: Registry) -> dict[str, object]:
    docs = registry.list_documents()
    return {
        "works": registry.list_works(),
        "act_2022": registry.act_at(SEED, "kk", date(2022, 6, 1)).root.to_dict(),
        "act_2025": registry.act_at(SEED, "kk", date(2025, 6, 1)).root.to_dict(),
        "versions": registry.versions(SEED),
        "documents": [registry.document(d["id"]) for d in docs],
        "files": [
            registry.document_file(d["id"], f["stage"], f["lang"], f["format"])
            for d in docs
            for f in registry.document(d["id"])["files"]
        ],
        "audit": registry.audit_verify().to_dict(),
    }


def test_restore_into_an_empty_database_gives_the_same_registry(
    source: Registry, db_url: str, tmp_path: Path
) -> None:
    archive = io.BytesIO()
    manifest = source.backup(archive)
    assert manifest["tables"]["audit_log"]["rows"] >= 3 and manifest["files"] == 2
    target = open_registry(db_url.replace("/kense.db", "/target.db"), tmp_path / "target")
    try:
        target.restore(io.BytesIO(archive.getvalue()))
        assert snapshot(target) == snapshot(source)
        assert target.audit_verify().ok
        more = new_document()
        done = target.issue_document(more, lambda n, d: [], "tester", DAY)
        assert done["number"] == "2" and target.audit_verify().ok
    finally:
        target.close()


def test_restore_refuses_a_database_that_holds_data(source: Registry) -> None:
    archive = io.BytesIO()
    source.backup(archive)
    with pytest.raises(Conflict) as refused:
        source.restore(io.BytesIO(archive.getvalue()))
    assert refused.value.fields == {"database": "not empty"}


def test_a_damaged_archive_restores_nothing(
    source: Registry, sqlite_url: str, tmp_path: Path
) -> None:
    archive = io.BytesIO()
    source.backup(archive)
    tampered = io.BytesIO()
    with (
        tarfile.open(fileobj=io.BytesIO(archive.getvalue()), mode="r:gz") as old,
        tarfile.open(fileobj=tampered, mode="w:gz") as new,
    ):
        for member in old.getmembers():
            data = old.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "tables/provisions.jsonl":
                data = data.replace("қандас".encode(), "ҚАНДАС".encode())
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
    target = open_registry(f"sqlite:///{tmp_path}/t2.db", tmp_path / "t2")
    try:
        with pytest.raises(Invalid, match="does not match"):
            target.restore(io.BytesIO(tampered.getvalue()))
        assert target.list_works() == [] and target.audit_entries() == []
        with pytest.raises(Invalid):
            target.restore(io.BytesIO(b"not a tar"))
    finally:
        target.close()


def test_cli_backup_and_restore(source: Registry, tmp_path: Path) -> None:
    runner = CliRunner()
    src_env = {
        "KENSE_DATABASE_URL": str(source.engine.url),
        "KENSE_DATA_DIR": str(tmp_path / "source"),
    }
    file = tmp_path / "kense.tar.gz"
    made = runner.invoke(kense_app.cli, ["backup", str(file)], env=src_env)
    assert made.exit_code == 0, made.output and file.is_file()
    dst_env = {
        "KENSE_DATABASE_URL": f"sqlite:///{tmp_path}/restored.db",
        "KENSE_DATA_DIR": str(tmp_path / "r"),
    }
    restored = runner.invoke(kense_app.cli, ["restore", str(file)], env=dst_env)
    assert restored.exit_code == 0, restored.output
    verify = runner.invoke(kense_app.cli, ["audit", "verify", "--json"], env=dst_env)
    assert verify.exit_code == 0
    twice = runner.invoke(kense_app.cli, ["restore", str(file)], env=dst_env)
    assert twice.exit_code == 4 and "empty database" in twice.stderr
