"""Registry tables, with triggers that keep the history tables append-only

Revision ID: 0001
Revises:
Create Date: 2026-11-25 21:05:09.032782
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = ("works", "expressions", "events", "amendments", "effects", "provisions", "notes")


def _append_only(dialect: str, table: str) -> list[str]:
    """Triggers refusing UPDATE and DELETE: history is append-only in the database itself."""
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


def _drop_append_only(dialect: str, table: str) -> list[str]:
    if dialect == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"DROP FUNCTION IF EXISTS kense_append_only_{table}()",
        ]
    return [f"DROP TRIGGER IF EXISTS {table}_no_{verb}" for verb in ("update", "delete")]


def upgrade() -> None:
    op.create_table(
        "works",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("frbr_uri", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=16), nullable=False),
        sa.Column("subtype", sa.String(length=40), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=True),
        sa.Column("days_after_publication", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_works")),
        sa.UniqueConstraint("frbr_uri", name=op.f("uq_works_frbr_uri")),
    )
    op.create_table(
        "amendments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_id", sa.Integer(), nullable=False),
        sa.Column("amending_work_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=20), nullable=False),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("fixed_date", sa.Date(), nullable=True),
        sa.Column("operations", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["amending_work_id"], ["works.id"], name=op.f("fk_amendments_amending_work_id_works")
        ),
        sa.ForeignKeyConstraint(
            ["work_id"], ["works.id"], name=op.f("fk_amendments_work_id_works")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendments")),
    )
    op.create_index(
        op.f("ix_amendments_amending_work_id"), "amendments", ["amending_work_id"], unique=False
    )
    op.create_index(op.f("ix_amendments_work_id"), "amendments", ["work_id"], unique=False)
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("assumed", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(["work_id"], ["works.id"], name=op.f("fk_events_work_id_works")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_index(op.f("ix_events_work_id"), "events", ["work_id"], unique=False)
    op.create_table(
        "expressions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["work_id"], ["works.id"], name=op.f("fk_expressions_work_id_works")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expressions")),
        sa.UniqueConstraint("work_id", "lang", name="uq_expressions_work_lang"),
    )
    op.create_table(
        "effects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("assumed", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["amendment_id"], ["amendments.id"], name=op.f("fk_effects_amendment_id_amendments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_effects")),
        sa.UniqueConstraint("amendment_id", name=op.f("uq_effects_amendment_id")),
    )
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("eid", sa.String(length=200), nullable=False),
        sa.Column("placement", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["amendment_id"], ["amendments.id"], name=op.f("fk_notes_amendment_id_amendments")
        ),
        sa.ForeignKeyConstraint(["work_id"], ["works.id"], name=op.f("fk_notes_work_id_works")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    op.create_index("ix_notes_work", "notes", ["work_id", "lang", "valid_from"], unique=False)
    op.create_table(
        "provisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column(
            "eid",
            sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "parent_eid",
            sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "sort_key",
            sa.String(length=400).with_variant(sa.String(length=400, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("num", sa.String(length=40), nullable=True),
        sa.Column("heading", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["amendment_id"], ["amendments.id"], name=op.f("fk_provisions_amendment_id_amendments")
        ),
        sa.ForeignKeyConstraint(
            ["work_id"], ["works.id"], name=op.f("fk_provisions_work_id_works")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provisions")),
        sa.UniqueConstraint("work_id", "lang", "eid", "valid_from", name="uq_provisions_version"),
    )
    op.create_index(
        "ix_provisions_at", "provisions", ["work_id", "lang", "valid_from"], unique=False
    )
    for table in APPEND_ONLY:
        for statement in _append_only(op.get_bind().dialect.name, table):
            op.execute(statement)


def downgrade() -> None:
    for table in APPEND_ONLY:
        for statement in _drop_append_only(op.get_bind().dialect.name, table):
            op.execute(statement)
    op.drop_index("ix_provisions_at", table_name="provisions")
    op.drop_table("provisions")
    op.drop_index("ix_notes_work", table_name="notes")
    op.drop_table("notes")
    op.drop_table("effects")
    op.drop_table("expressions")
    op.drop_index(op.f("ix_events_work_id"), table_name="events")
    op.drop_table("events")
    op.drop_index(op.f("ix_amendments_work_id"), table_name="amendments")
    op.drop_index(op.f("ix_amendments_amending_work_id"), table_name="amendments")
    op.drop_table("amendments")
    op.drop_table("works")
