"""Files attached to works (uploaded decisions), append-only

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(["work_id"], ["works.id"], name=op.f("fk_files_work_id_works")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_files")),
        sa.UniqueConstraint("work_id", "sha256", name="uq_files_work_sha256"),
    )
    dialect = op.get_bind().dialect.name
    message = "files is append-only: history is never updated or deleted"
    if dialect == "postgresql":
        op.execute(
            f"""CREATE OR REPLACE FUNCTION kense_append_only_files() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql"""
        )
        op.execute(
            """CREATE TRIGGER files_append_only BEFORE UPDATE OR DELETE ON files
            FOR EACH ROW EXECUTE FUNCTION kense_append_only_files()"""
        )
    else:
        for verb in ("update", "delete"):
            op.execute(
                f"""CREATE TRIGGER files_no_{verb} BEFORE {verb.upper()} ON files
                BEGIN SELECT RAISE(ABORT, '{message}'); END"""
            )


def downgrade() -> None:
    op.drop_table("files")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS kense_append_only_files()")
