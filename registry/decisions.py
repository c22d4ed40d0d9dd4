"""Decisions uploaded as files (PDF, DOCX): a work known by its citation, with its file attached.

A decision is a work like any other (its URI from type, date and number); the uploaded file is
kept byte for byte, content-addressed under ``<data_dir>/files/<sha256[:2]>/<sha256>``, and its
extracted text is recorded in the append-only ``files`` table in the same transaction as the work,
together with a change-feed entry, so search indexes it after the commit. A file written for a
transaction that then fails is harmless: it is only ever reached through a committed row.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from registry import blobs, changes, extract, works
from registry.errors import Conflict, Invalid, NotFound
from registry.model import ActRef, Lang, is_lang
from registry.notes import TYPE_WORDS, issuer_in
from registry.store import files, lock_work
from registry.uri import FrbrUri

MAX_NUMBER = 60
MAX_ISSUER = 500
MAX_TITLE = 2000
MAX_FILENAME = 200
DEFAULT_TYPE = "decision"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


@dataclass(frozen=True)
class Upload:
    """A checked upload: metadata validated, type detected, text extracted."""

    act: ActRef
    title: str
    lang: Lang
    data: bytes
    filename: str
    media_type: str
    sha256: str
    text: str


# --- validation --------------------------------------------------------------------------------


def parse_metadata(values: Mapping[str, str | None]) -> tuple[ActRef, str, Lang]:
    """The citation, title and language of a decision from form or command-line strings.

    Every problem is named by its field (issuer, number, date, title, type, lang).
    """
    errors: dict[str, str] = {}
    raw_date = (values.get("date") or "").strip()
    day: date | None = None
    if not raw_date:
        errors["date"] = "required: YYYY-MM-DD"
    else:
        try:
            day = date.fromisoformat(raw_date) if len(raw_date) == 10 else None
        except ValueError:
            day = None
        if day is None:
            errors["date"] = f"{raw_date!r} is not a date YYYY-MM-DD"
    act = ActRef(
        (values.get("type") or DEFAULT_TYPE).strip(),
        (values.get("number") or "").strip(),
        day,
        (values.get("issuer") or "").strip(),
    )
    title = (values.get("title") or "").strip()
    lang = (values.get("lang") or "kk").strip()
    errors = _problems(act, title, lang) | errors
    if errors:
        raise _invalid(errors)
    assert is_lang(lang)
    return act, title, lang


def validate_metadata(act: ActRef, title: str, lang: str) -> None:
    errors = _problems(act, title, lang)
    if errors:
        raise _invalid(errors)


def _problems(act: ActRef, title: str, lang: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if act.type not in TYPE_WORDS:
        errors["type"] = f"one of {', '.join(TYPE_WORDS)}"
    number = (act.number or "").strip()
    if not number:
        errors["number"] = "required: the decision's number as printed"
    elif len(number) > MAX_NUMBER:
        errors["number"] = f"longer than {MAX_NUMBER} characters"
    elif not re.search(r"[A-Za-z0-9]", number):
        errors["number"] = "must contain a digit or a Latin letter"
    if act.date is None:
        errors["date"] = "required: YYYY-MM-DD"
    issuer = (act.issuer or "").strip()
    if not issuer:
        errors["issuer"] = "required: who issued the decision"
    elif len(issuer) > MAX_ISSUER:
        errors["issuer"] = f"longer than {MAX_ISSUER} characters"
    if not title.strip():
        errors["title"] = "required: the decision's title"
    elif len(title) > MAX_TITLE:
        errors["title"] = f"longer than {MAX_TITLE} characters"
    if not is_lang(lang):
        errors["lang"] = "kk or ru"
    return errors


def _invalid(errors: dict[str, str]) -> Invalid:
    listed = "; ".join(f"{k}: {v}" for k, v in sorted(errors.items()))
    return Invalid(f"the decision is not valid: {listed}", fields=errors)


def safe_filename(filename: str, media_type: str) -> str:
    """The base name only, without control characters, ending with the type's extension."""
    name = _UNSAFE_NAME.sub("_", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip(" ._")
    extension = extract.EXTENSIONS[media_type]
    stem = name[: -len(extension)] if name.lower().endswith(extension) else name
    stem = stem[: MAX_FILENAME - len(extension)] or "decision"
    return stem + extension


# --- writing -----------------------------------------------------------------------------------


def prepare(data: bytes, filename: str, *, lang: str, act: ActRef, title: str) -> Upload:
    """Validate and extract, touching neither database nor disk (done before the transaction)."""
    validate_metadata(act, title, lang)
    assert is_lang(lang)
    media_type = extract.detect(data)
    text = extract.extract_text(data, media_type)
    return Upload(
        act=ActRef(act.type, (act.number or "").strip(), act.date, (act.issuer or "").strip()),
        title=title.strip(),
        lang=lang,
        data=data,
        filename=safe_filename(filename, media_type),
        media_type=media_type,
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
    )


def store(conn: Connection, data_dir: Path, default_place: str, upload: Upload) -> dict[str, Any]:
    """Record the decision's work (if new), title, adoption and file in the caller's transaction."""
    act = upload.act
    assert act.date is not None and act.number
    uri = FrbrUri.for_act(default_place, act.type, act.date, act.number)
    work = works.find(conn, uri)
    created = work is None
    if work is None:
        issuer = issuer_in(act.issuer, "kk") or act.issuer
        work = works.create(conn, uri, issuer, 0, act.number)
        works.record_event(conn, work.id, "adopted", act.date)
    else:
        lock_work(conn, work.id)
        if work.number != act.number:
            raise Conflict(
                f"{uri.work} is already registered as № {work.number}, not № {act.number}; "
                "check the number",
                fields={"number": f"{uri.work} is № {work.number}"},
            )
        if _file_row(conn, work.id, upload.sha256) is not None:
            raise Conflict(
                f"this file (sha256 {upload.sha256}) is already attached to {uri.work}",
                fields={"file": "already uploaded"},
            )
    if upload.lang not in works.languages(conn, work.id):
        works.add_expression(conn, work.id, upload.lang, upload.title, {"text_held": False})
    path = blobs.write_content(data_dir, upload.sha256, upload.data)
    conn.execute(
        files.insert().values(
            work_id=work.id,
            lang=upload.lang,
            filename=upload.filename,
            media_type=upload.media_type,
            size=len(upload.data),
            sha256=upload.sha256,
            path=path,
            text=upload.text,
        )
    )
    changes.record(conn, work.id, "file")
    return {
        "frbr_uri": uri.work,
        "sha256": upload.sha256,
        "media_type": upload.media_type,
        "size": len(upload.data),
        "filename": upload.filename,
        "lang": upload.lang,
        "created": created,
    }


def add_decision(
    conn: Connection,
    data_dir: Path,
    default_place: str,
    *,
    data: bytes,
    filename: str,
    lang: str,
    act: ActRef,
    title: str,
) -> dict[str, Any]:
    """Check, extract and record an uploaded decision in the caller's transaction."""
    upload = prepare(data, filename, lang=lang, act=act, title=title)
    return store(conn, data_dir, default_place, upload)


# --- reading -----------------------------------------------------------------------------------


def _file_row(conn: Connection, work_id: int, sha256: str) -> Any:
    return conn.execute(
        select(files).where(files.c.work_id == work_id, files.c.sha256 == sha256)
    ).first()


def _as_dict(row: Any, *, with_text: bool) -> dict[str, Any]:
    item = {
        "sha256": row.sha256,
        "lang": row.lang,
        "filename": row.filename,
        "media_type": row.media_type,
        "size": row.size,
        "created_at": row.created_at.isoformat() if row.created_at else None,
    }
    if with_text:
        item["text"] = row.text
    return item


def decision_files(
    conn: Connection, work_id: int, *, with_text: bool = True
) -> list[dict[str, Any]]:
    """The files attached to a work, oldest first."""
    rows = conn.execute(select(files).where(files.c.work_id == work_id).order_by(files.c.id))
    return [_as_dict(row, with_text=with_text) for row in rows]


def file_of(conn: Connection, work_id: int, sha256: str) -> dict[str, Any]:
    """One attached file's row (with its stored path), or NotFound."""
    if not _SHA256.match(sha256):
        raise Invalid(
            f"{sha256!r} is not a sha256 (64 lowercase hexadecimal digits)",
            fields={"sha256": "64 lowercase hex digits"},
        )
    row = _file_row(conn, work_id, sha256)
    if row is None:
        raise NotFound(f"no file {sha256} is attached to this act", fields={"sha256": "unknown"})
    return dict(row._mapping)
