"""Backup and restore: every table and every stored file, as one consistent archive.

The archive is a gzip'd tar: ``manifest.json`` (format, migration revision, row counts, SHA-256 of
each table file), ``tables/<name>.jsonl`` (one JSON object per row, in primary-key order) and
``files/<sha256>`` (the content-addressed files rows refer to). The tables are read in one
repeatable-read transaction, so the archive is a snapshot even while the service writes. A
restore goes into an empty, migrated database of the same revision (SQLite or PostgreSQL, either
way round), in one transaction: it succeeds whole or writes nothing. The audit chain is restored
as it was, so ``kense audit verify`` gives the same head. The search index is not in the archive:
run ``kense reindex`` after a restore.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Date, DateTime, Engine, Integer, Table, func, select, text
from sqlalchemy.engine import Connection

from registry import blobs, migrate
from registry.errors import Conflict, Invalid
from registry.store import metadata

FORMAT = "kense-backup/1"
#: Tables whose rows name a stored file in their ``path`` column.
FILE_TABLES = ("files", "document_files", "template_uploads")
#: Alembic's own bookkeeping is not data.
SKIPPED = frozenset({"alembic_version"})
Progress = Callable[[str], None]


def _tables() -> list[Table]:
    return [t for t in metadata.sorted_tables if t.name not in SKIPPED]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _decode(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for column in table.columns:
        value = out.get(column.name)
        if value is None:
            continue
        if isinstance(column.type, DateTime):
            out[column.name] = datetime.fromisoformat(value)
        elif isinstance(column.type, Date):
            out[column.name] = date.fromisoformat(value)
    return out


def backup(
    engine: Engine, data_dir: Path, out: IO[bytes], progress: Progress | None = None
) -> dict[str, Any]:
    """Write the archive to ``out``; returns its manifest."""
    say = progress or (lambda _message: None)
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    manifest: dict[str, Any] = {"format": FORMAT, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    with engine.connect().execution_options(**options) as conn, conn.begin():
        manifest["revision"] = migrate.current_revision(conn)
        with tarfile.open(fileobj=out, mode="w:gz") as archive:
            tables: dict[str, Any] = {}
            paths: dict[str, str] = {}
            for table in _tables():
                body = io.BytesIO()
                count = 0
                for row in _rows(conn, table):
                    line = json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False)
                    body.write(line.encode("utf-8") + b"\n")
                    count += 1
                    if table.name in FILE_TABLES:
                        paths[row["sha256"]] = row["path"]
                data = body.getvalue()
                _add(archive, f"tables/{table.name}.jsonl", data)
                tables[table.name] = {"rows": count, "sha256": hashlib.sha256(data).hexdigest()}
                say(f"{table.name}: {count} rows")
            for sha256, path in sorted(paths.items()):
                _add(
                    archive,
                    f"files/{sha256}",
                    blobs.read_content(data_dir, {"path": path, "sha256": sha256}),
                )
            say(f"files: {len(paths)}")
            manifest["tables"] = tables
            manifest["files"] = len(paths)
            _add(
                archive,
                "manifest.json",
                json.dumps(manifest, ensure_ascii=False, indent=2).encode(),
            )
    return manifest


def _rows(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    order = list(table.primary_key.columns)
    for row in conn.execute(select(table).order_by(*order)):
        yield dict(row._mapping)


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    archive.addfile(info, io.BytesIO(data))


def restore(
    engine: Engine, data_dir: Path, source: IO[bytes], progress: Progress | None = None
) -> dict[str, Any]:
    """Restore an archive into this (migrated, empty) database and data directory."""
    say = progress or (lambda _message: None)
    try:
        archive = tarfile.open(fileobj=source, mode="r:gz")  # noqa: SIM115 (closed below)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise Invalid(
            f"not a Kense backup: {exc}", fields={"file": "not a backup archive"}
        ) from exc
    with archive:
        manifest = _manifest(archive)
        members = {m.name: m for m in archive.getmembers() if m.isfile()}
        tables = {t.name: t for t in _tables()}
        unknown = sorted(set(manifest["tables"]) - set(tables))
        if unknown:
            raise Invalid(
                f"the backup holds unknown tables: {', '.join(unknown)}",
                fields={"file": "unknown tables"},
            )
        with engine.begin() as conn:
            revision = migrate.current_revision(conn)
            if revision != manifest["revision"]:
                raise Conflict(
                    f"the backup is of database revision {manifest['revision']}, this database "
                    f"is at {revision}; restore with the Kense version that made it",
                    fields={"revision": str(manifest["revision"])},
                )
            filled = [
                t.name
                for t in tables.values()
                if conn.execute(select(func.count()).select_from(t)).scalar_one()
            ]
            if filled:
                raise Conflict(
                    f"restore needs an empty database; these tables hold rows: {', '.join(filled)}",
                    fields={"database": "not empty"},
                )
            for table in _tables():
                expected = manifest["tables"].get(table.name)
                if expected is None:
                    continue
                data = _read(archive, members, f"tables/{table.name}.jsonl")
                if hashlib.sha256(data).hexdigest() != expected["sha256"]:
                    raise Invalid(
                        f"tables/{table.name}.jsonl does not match the manifest",
                        fields={"file": "damaged"},
                    )
                rows = [_decode(table, json.loads(line)) for line in data.splitlines() if line]
                for start in range(0, len(rows), 500):
                    conn.execute(table.insert(), rows[start : start + 500])
                say(f"{table.name}: {len(rows)} rows")
                if rows and conn.dialect.name == "postgresql":
                    _reset_sequence(conn, table)
            for name in sorted(n for n in members if n.startswith("files/")):
                sha256 = name.removeprefix("files/")
                data = _read(archive, members, name)
                if hashlib.sha256(data).hexdigest() != sha256:
                    raise Invalid(f"{name} does not match its hash", fields={"file": "damaged"})
                blobs.write_content(data_dir, sha256, data)
            say(f"files: {manifest['files']}")
    return manifest


def _manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.getmember("manifest.json")
        handle = archive.extractfile(member)
        manifest = json.loads(handle.read() if handle else b"")
    except (KeyError, ValueError, tarfile.TarError) as exc:
        raise Invalid(
            "the archive has no readable manifest.json", fields={"file": "no manifest"}
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise Invalid(f"not a {FORMAT} archive", fields={"file": "unknown format"})
    return manifest


def _read(archive: tarfile.TarFile, members: dict[str, tarfile.TarInfo], name: str) -> bytes:
    member = members.get(name)
    handle = archive.extractfile(member) if member is not None else None
    if handle is None:
        raise Invalid(f"the archive lacks {name}", fields={"file": f"{name} missing"})
    return handle.read()


def _reset_sequence(conn: Connection, table: Table) -> None:
    """Later inserts continue after the restored ids."""
    for column in table.primary_key.columns:
        single = len(table.primary_key.columns) == 1
        serial = column.autoincrement is True or (column.autoincrement == "auto" and single)
        if serial and isinstance(column.type, Integer):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                    f"(SELECT max({column.name}) FROM {table.name}))"
                )
            )
