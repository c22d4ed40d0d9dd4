"""Documents issued from templates: immutable records, registration numbers, status by events.

A document is recorded once, as drafted (its data per language, template version, cited acts,
the document it corrects, its unnumbered files). Finalising gives it the next registration number
of its series and year (one number for every language version) and records the numbered files;
a withdrawn document is voided and its number is never reused; a document another body numbers
(an akimat resolution) records that number on adoption. Nothing is ever updated or deleted: the
status is the latest event.

Numbering is gap-free and duplicate-free across processes: the number is computed (largest + 1)
under a named lock of the series, the files are produced with it while the lock is held, and
the number row, the event and the files are written in one transaction. If producing the files
fails, nothing is written and the number stays free.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from registry import blobs, changes, extract, works
from registry.errors import Conflict, Invalid, NotFound
from registry.store import document_events, document_files, document_numbers, documents
from registry.uri import FrbrUri

#: The issuing bodies, by the code a document records: the department issues orders and
#: certificates; the akimat adopts resolutions (drafted here, numbered by the akimat).
ISSUING_BODIES = {
    "department": {
        "kk": "Қостанай облысы әкімдігінің жұмыспен қамтуды үйлестіру және әлеуметтік "
        "бағдарламалар басқармасы",
        "ru": "Управление координации занятости и социальных программ акимата Костанайской области",
    },
    "akimat": {"kk": "Қостанай облысы әкімдігі", "ru": "Акимат Костанайской области"},
}
log = logging.getLogger("kense.documents")
STAGES = ("draft", "final", "signed")
STATUSES = ("draft", "final", "void", "adopted", "signed")
#: Which event may follow the current status.
NEXT = {
    "draft": {"finalised", "voided"},
    "final": {"voided", "adopted", "signed"},
    "adopted": {"signed"},
    "signed": set(),
    "void": set(),
}
STATUS_OF = {
    "drafted": "draft",
    "finalised": "final",
    "voided": "void",
    "adopted": "adopted",
    "signed": "signed",
}
MAX_REASON = 1000
MAX_NUMBER = 60


@dataclass(frozen=True)
class GeneratedFile:
    lang: str
    format: str
    media_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def new_public_id() -> str:
    """A document's public identifier: 16 hex digits, unguessable (files are fetched by it)."""
    return secrets.token_hex(8)


@dataclass(frozen=True)
class NewDocument:
    public_id: str
    template_id: str
    template_version: str
    kind: str
    series: str
    numbered: bool
    issuer: str
    title: str
    #: The validated data, per language ("kk", "ru").
    data: Mapping[str, Mapping[str, Any]]
    cites: Sequence[str] = ()
    corrects: str | None = None
    files: Sequence[GeneratedFile] = field(default_factory=tuple)


def create(conn: Connection, data_dir: Path, new: NewDocument, actor: str) -> dict[str, Any]:
    """Record a drafted document with its (unnumbered) files in the caller's transaction."""
    cites = _check_cites(conn, new.cites)
    corrects_id = None
    if new.corrects is not None:
        corrects_id = _row(conn, new.corrects, field="corrects")["id"]
    public_id = new.public_id or new_public_id()
    document_id = conn.execute(
        documents.insert()
        .values(
            public_id=public_id,
            template_id=new.template_id,
            template_version=new.template_version,
            kind=new.kind,
            series=new.series,
            numbered=new.numbered,
            issuer=new.issuer,
            title=new.title,
            data={lang: dict(values) for lang, values in new.data.items()},
            cites=cites,
            corrects_id=corrects_id,
            actor=actor,
        )
        .returning(documents.c.id)
    ).scalar_one()
    _event(conn, document_id, "drafted", actor)
    _store_files(conn, data_dir, document_id, "draft", new.files)
    changes.record_document(conn, document_id)
    return get(conn, public_id)


def check_references(conn: Connection, cites: Sequence[str], corrects: str | None) -> None:
    _check_cites(conn, cites)
    if corrects is not None:
        _row(conn, corrects, field="corrects")


def next_seq(conn: Connection, series: str, year: int) -> int:
    """The next number of a series in a year: its largest + 1 (call under the series lock)."""
    largest = conn.execute(
        select(func.max(document_numbers.c.seq)).where(
            document_numbers.c.series == series, document_numbers.c.year == year
        )
    ).scalar_one()
    return int(largest or 0) + 1


def numbered(document: Mapping[str, Any]) -> bool:
    """Whether a document (as ``get`` returns it) takes a number of ours on finalisation."""
    return bool(document["numbered"])


def format_number(seq: int) -> str:
    """The registration number as written on the document."""
    return str(seq)


def series_lock(series: str, year: int) -> str:
    """The name of the lock held while a number of this series and year is taken."""
    return f"kense-number-{series}-{year}"


def finalise(
    conn: Connection,
    data_dir: Path,
    public_id: str,
    *,
    seq: int | None,
    number: str | None,
    day: date,
    files: Sequence[GeneratedFile],
    actor: str,
) -> dict[str, Any]:
    """Record the number (if the series is numbered), the event and the numbered files.

    A document another body numbers (an akimat resolution) gets neither number nor date here:
    both come with its adoption."""
    row = _row(conn, public_id, lock=True)
    _require(conn, row, "finalised")
    if row["numbered"]:
        if seq is None or not number:
            raise Invalid("a numbered document needs its number", fields={"number": "required"})
        conn.execute(
            document_numbers.insert().values(
                series=row["series"], year=day.year, seq=seq, document_id=row["id"]
            )
        )
    if row["numbered"]:
        _event(conn, row["id"], "finalised", actor, number=number, day=day)
    else:
        _event(conn, row["id"], "finalised", actor)
    _store_files(conn, data_dir, row["id"], "final", files)
    changes.record_document(conn, row["id"])
    return get(conn, public_id)


def void(conn: Connection, public_id: str, reason: str, actor: str, day: date) -> dict[str, Any]:
    reason = _text(reason, "reason", MAX_REASON, "say why the document is withdrawn")
    row = _row(conn, public_id, lock=True)
    _require(conn, row, "voided")
    _event(conn, row["id"], "voided", actor, day=day, detail={"reason": reason})
    changes.record_document(conn, row["id"])
    return get(conn, public_id)


def adopt(conn: Connection, public_id: str, number: str, day: date, actor: str) -> dict[str, Any]:
    """Record the number and date another body (the akimat) gave an unnumbered document."""
    number = _text(number, "number", MAX_NUMBER, "give the number the akimat assigned")
    row = _row(conn, public_id, lock=True)
    if row["numbered"]:
        raise Invalid(
            "the adoption cannot be recorded: this document was numbered here on finalisation",
            fields={"number": "this document was numbered here on finalisation"},
        )
    _require(conn, row, "adopted")
    _event(conn, row["id"], "adopted", actor, number=number, day=day)
    changes.record_document(conn, row["id"])
    return get(conn, public_id)


def sign(
    conn: Connection,
    data_dir: Path,
    public_id: str,
    files: Sequence[GeneratedFile],
    signer: Mapping[str, str],
    actor: str,
) -> dict[str, Any]:
    """Record the signed files (stage "signed") of a finalised or adopted document. Nothing
    may happen to a signed document afterwards."""
    row = _row(conn, public_id, lock=True)
    _require(conn, row, "signed")
    _event(conn, row["id"], "signed", actor, detail={"signer": dict(signer)})
    _store_files(conn, data_dir, row["id"], "signed", files)
    changes.record_document(conn, row["id"])
    return get(conn, public_id)


def find_file(conn: Connection, sha256: str) -> dict[str, Any] | None:
    """Which document's file has these bytes (by SHA-256): id, stage, lang, format."""
    found = conn.execute(
        select(documents.c.public_id, document_files)
        .join(documents, documents.c.id == document_files.c.document_id)
        .where(document_files.c.sha256 == sha256)
        .order_by(document_files.c.id.desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    return {
        "id": found.public_id,
        "stage": found.stage,
        "lang": found.lang,
        "format": found.format,
    }


def get(conn: Connection, public_id: str) -> dict[str, Any]:
    """The document with its status, number, date, files and history."""
    row = _row(conn, public_id)
    history = [
        {
            "kind": e.kind,
            "number": e.number,
            "date": e.day.isoformat() if e.day else None,
            "detail": e.detail,
            "actor": e.actor,
            "at": _utc(e.created_at),
        }
        for e in conn.execute(
            select(document_events)
            .where(document_events.c.document_id == row["id"])
            .order_by(document_events.c.id)
        )
    ]
    numbered = [e for e in history if e["kind"] in ("finalised", "adopted") and e["number"]]
    finalised = [e for e in history if e["kind"] in ("finalised", "adopted")]
    corrects = None
    if row["corrects_id"] is not None:
        corrects = conn.execute(
            select(documents.c.public_id).where(documents.c.id == row["corrects_id"])
        ).scalar_one()
    corrected_by = [
        r.public_id
        for r in conn.execute(
            select(documents.c.public_id)
            .where(documents.c.corrects_id == row["id"])
            .order_by(documents.c.id)
        )
    ]
    return {
        "id": row["public_id"],
        "template": row["template_id"],
        "template_version": row["template_version"],
        "kind": row["kind"],
        "series": row["series"],
        "numbered": row["numbered"],
        "issuer": row["issuer"],
        "title": row["title"],
        "languages": sorted(row["data"]),
        "data": row["data"],
        "cites": row["cites"],
        "status": STATUS_OF[history[-1]["kind"]],
        "number": numbered[-1]["number"] if numbered else None,
        "date": finalised[-1]["date"] if finalised else None,
        "corrects": corrects,
        "corrected_by": corrected_by,
        "files": _files(conn, row["id"]),
        "history": history,
        "created_at": _utc(row["created_at"]),
    }


def listing(
    conn: Connection, *, template: str | None = None, status: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    query = select(documents.c.public_id).order_by(documents.c.id.desc())
    if template:
        query = query.where(documents.c.template_id == template)
    summary = ("id", "template", "kind", "issuer", "title", "status", "number", "date", "languages")
    found: list[dict[str, Any]] = []
    for row in conn.execute(query).all():
        item = get(conn, row.public_id)
        if not status or item["status"] == status:
            found.append({k: item[k] for k in summary})
            if len(found) == limit:
                break
    return found


def file_content(
    conn: Connection, data_dir: Path, public_id: str, stage: str, lang: str, fmt: str
) -> tuple[bytes, str]:
    """The bytes and media type of one generated file, checked against its hash."""
    row = _row(conn, public_id)
    found = conn.execute(
        select(document_files).where(
            document_files.c.document_id == row["id"],
            document_files.c.stage == stage,
            document_files.c.lang == lang,
            document_files.c.format == fmt,
        )
    ).first()
    if found is None:
        raise NotFound(
            f"document {public_id} has no {stage} {fmt} file in {lang}",
            fields={"file": f"{stage}/{lang}.{fmt} not held"},
        )
    return blobs.read_content(data_dir, dict(found._mapping)), found.media_type


#: Kinds whose text may be searched: certificates and permits name people (personal data never
#: enters the index), and a consolidated text repeats an act the index already holds.
SEARCHABLE_KINDS = ("order", "resolution")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def all_public_ids(conn: Connection) -> list[str]:
    return [
        r.public_id for r in conn.execute(select(documents.c.public_id).order_by(documents.c.id))
    ]


def search_view(conn: Connection, data_dir: Path, public_id: str) -> dict[str, Any] | None:
    """What search indexes of a document: its record and the text of its newest DOCX per
    language; None when it is not to be searched (its kind, or voided)."""
    document = get(conn, public_id)
    if document["kind"] not in SEARCHABLE_KINDS or document["status"] == "void":
        return None
    stage = "draft" if document["status"] == "draft" else "final"
    texts = {}
    for item in document["files"]:
        if item["stage"] == stage and item["format"] == "docx":
            try:
                data, _ = file_content(conn, data_dir, public_id, stage, item["lang"], "docx")
                texts[item["lang"]] = extract.extract_text(data, DOCX)
            except (OSError, RuntimeError, Invalid) as exc:  # one bad file must not stop search
                log.error(
                    "a stored document file cannot be read",
                    extra={"document": public_id, "lang": item["lang"], "reason": str(exc)},
                )
    row = _row(conn, public_id)
    return document | {"texts": texts, "created": row["created_at"].date().isoformat()}


def _utc(moment: datetime | None) -> str | None:
    """A database timestamp as ISO 8601 in UTC (SQLite returns them without a zone)."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def require(conn: Connection, public_id: str, event: str) -> None:
    """Raise Conflict unless ``event`` may happen to the document now."""
    _require(conn, _row(conn, public_id), event)


_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _text(value: str, field: str, limit: int, what: str) -> str:
    """A short text of a request: present, not too long, no control characters or surrogates."""
    value = value.strip()
    problem = None
    if not value:
        problem = "required"
    elif len(value) > limit:
        problem = f"at most {limit} characters"
    elif _UNPRINTABLE.search(value):
        problem = "contains a control character or an unpaired surrogate"
    if problem:
        raise Invalid(f"{what}: {field} {problem}", fields={field: problem})
    return value


def _row(
    conn: Connection, public_id: str, *, field: str = "id", lock: bool = False
) -> Mapping[str, Any]:
    """The document's row; ``lock``: held until the transaction ends (PostgreSQL; SQLite's
    writers already hold the database's write lock), so status checks and the event that
    follows them are one step across processes."""
    query = select(documents).where(documents.c.public_id == public_id)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    found = conn.execute(query).first()
    if found is None:
        raise NotFound(f"no document {public_id!r}", fields={field: "no such document"})
    return dict(found._mapping)


def _require(conn: Connection, row: Mapping[str, Any], event: str) -> None:
    latest = conn.execute(
        select(document_events.c.kind)
        .where(document_events.c.document_id == row["id"])
        .order_by(document_events.c.id.desc())
        .limit(1)
    ).scalar_one()
    current = STATUS_OF[latest]
    if event not in NEXT[current]:
        allowed = ", ".join(sorted(NEXT[current])) or "nothing"
        raise Conflict(
            f"document {row['public_id']} is {current}: it cannot be {event} "
            f"(what may follow: {allowed})",
            fields={"status": current},
        )


def _event(
    conn: Connection,
    document_id: int,
    kind: str,
    actor: str,
    *,
    number: str | None = None,
    day: date | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    conn.execute(
        document_events.insert().values(
            document_id=document_id,
            kind=kind,
            number=number,
            day=day,
            detail=detail or {},
            actor=actor,
        )
    )


def _store_files(
    conn: Connection,
    data_dir: Path,
    document_id: int,
    stage: str,
    files: Sequence[GeneratedFile],
) -> None:
    for item in files:
        path = blobs.write_content(data_dir, item.sha256, item.data)
        conn.execute(
            document_files.insert().values(
                document_id=document_id,
                stage=stage,
                lang=item.lang,
                format=item.format,
                media_type=item.media_type,
                size=len(item.data),
                sha256=item.sha256,
                path=path,
            )
        )


def _files(conn: Connection, document_id: int) -> list[dict[str, Any]]:
    return [
        {
            "stage": r.stage,
            "lang": r.lang,
            "format": r.format,
            "media_type": r.media_type,
            "size": r.size,
            "sha256": r.sha256,
        }
        for r in conn.execute(
            select(document_files)
            .where(document_files.c.document_id == document_id)
            .order_by(document_files.c.id)
        )
    ]


def _check_cites(conn: Connection, cites: Sequence[str]) -> list[str]:
    """Every cited act must be a work of the registry; returns their work URIs, once each."""
    found: list[str] = []
    for i, uri in enumerate(cites):
        try:
            work = works.get(conn, FrbrUri.parse(uri))
        except (NotFound, Invalid) as exc:
            raise Invalid(
                f"cites: {uri!r} is not an act of the registry",
                fields={f"cites.{i}": exc.message if hasattr(exc, "message") else str(exc)},
            ) from exc
        if work.uri.work not in found:
            found.append(work.uri.work)
    return found
