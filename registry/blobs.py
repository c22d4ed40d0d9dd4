"""Content-addressed file storage under the data directory: ``files/<sha256[:2]>/<sha256>``.

Bytes are written before the row that refers to them is committed; a file left behind by a
transaction that then failed is harmless, since it is only ever reached through a committed row.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any


def content_path(sha256: str) -> str:
    """Where a file lives, relative to the data directory."""
    return f"files/{sha256[:2]}/{sha256}"


def write_content(data_dir: Path, sha256: str, data: bytes) -> str:
    """Store ``data`` under its hash (atomically: temp file, fsync, rename); returns the path."""
    relative = content_path(sha256)
    target = data_dir / relative
    if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == sha256:
        return relative
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.parent / f".{sha256}.{uuid.uuid4().hex}.tmp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    finally:
        with suppress(FileNotFoundError):
            temp.unlink()
    _fsync_dir(target.parent)
    return relative


def _fsync_dir(path: Path) -> None:
    with suppress(OSError):  # not every platform lets a directory be opened
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_content(data_dir: Path, row: Mapping[str, Any]) -> bytes:
    """The stored bytes of a file row, checked against its hash."""
    data = (data_dir / str(row["path"])).read_bytes()
    if hashlib.sha256(data).hexdigest() != row["sha256"]:
        raise RuntimeError(
            f"the stored file {row['path']} does not match its sha256; restore it from a backup"
        )
    return data
