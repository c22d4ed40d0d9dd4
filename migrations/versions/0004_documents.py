"""Documents issued from templates: records, files, events, registration numbers (append-only)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

APPEND_ONLY = ("documents", "document_files", "document_events", "document_numbers")


def _append_only(dialect: str, table: str) -> list[str]:
    """Triggers refusing UPDATE and DELETE (the same as 0001's: migrations stay self-contained)."""
    message = f"{table} is append-only: history is never updated or deleted"
    if dialect == "postgresql":
        return [
            f"""CREATE OR REPLACE FUNCTION kense_append_only_{table}() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql""",
            f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION kense_append_only_{table}()""",
        ]
    return [
        f"""CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table}
        BEGIN SELECT RAISE(ABORT, '{message}'); END"""
        for verb in ("update", "delete")
    ]


def _created_at() -> sa.Column[sa.DateTime]:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("template_id", sa.String(length=60), nullable=False),
        sa.Column("template_version", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("series", sa.String(length=60), nullable=False),
        sa.Column("numbered", sa.Boolean(), nullable=False),
        sa.Column("issuer", sa.String(length=60), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("cites", sa.JSON(), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["corrects_id"], ["documents.id"], name=op.f("fk_documents_corrects_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("public_id", name=op.f("uq_documents_public_id")),
    )
    op.create_table(
        "document_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=10), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_files_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_files")),
        sa.UniqueConstraint(
            "document_id", "stage", "lang", "format", name="uq_document_files_kind"
        ),
    )
    op.create_table(
        "document_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_events_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_events")),
    )
    op.create_index(
        op.f("ix_document_events_document_id"), "document_events", ["document_id"], unique=False
    )
    op.create_table(
        "document_numbers",
        sa.Column("series", sa.String(length=60), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_numbers_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("series", "year", "seq", name=op.f("pk_document_numbers")),
        sa.UniqueConstraint("document_id", name=op.f("uq_document_numbers_document_id")),
    )
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        for statement in _append_only(dialect, table):
            op.execute(statement)


def downgrade() -> None:
    for table in reversed(APPEND_ONLY):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP FUNCTION IF EXISTS kense_append_only_{table}()")
