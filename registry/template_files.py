"""Template files uploaded to replace a bundled template's DOCX in one language.

The registry only keeps them (bytes in the content-addressed store, a row per upload, an audit
entry); checking that a file is a safe, fitting template is the templates package's job, done
before it gets here.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from registry import audit, blobs
from registry.store import template_uploads


def record(
    conn: Connection, data_dir: Path, template_id: str, lang: str, data: bytes, actor: str
) -> dict[str, Any]:
    sha256 = hashlib.sha256(data).hexdigest()
    path = blobs.write_content(data_dir, sha256, data)
    conn.execute(
        template_uploads.insert().values(
            template_id=template_id,
            lang=lang,
            size=len(data),
            sha256=sha256,
            path=path,
            actor=actor,
        )
    )
    audit.record(
        conn, "template.upload", template_id, {"lang": lang, "sha256": sha256, "size": len(data)}
    )
    return {"template": template_id, "lang": lang, "sha256": sha256, "size": len(data)}


def current(conn: Connection, data_dir: Path, template_id: str) -> dict[str, bytes]:
    """The newest upload of each language of a template: language → bytes (checked)."""
    newest = (
        select(template_uploads.c.lang, func.max(template_uploads.c.id).label("id"))
        .where(template_uploads.c.template_id == template_id)
        .group_by(template_uploads.c.lang)
        .subquery()
    )
    rows = conn.execute(
        select(template_uploads).join(newest, newest.c.id == template_uploads.c.id)
    ).mappings()
    return {row["lang"]: blobs.read_content(data_dir, dict(row)) for row in rows}


def history(conn: Connection, template_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(template_uploads)
        .where(template_uploads.c.template_id == template_id)
        .order_by(template_uploads.c.id.desc())
    ).mappings()
    return [
        {
            "lang": r["lang"],
            "sha256": r["sha256"],
            "size": r["size"],
            "actor": r["actor"],
            "uploaded_at": r["created_at"].isoformat() if r["created_at"] else None,
        }
        for r in rows
    ]
