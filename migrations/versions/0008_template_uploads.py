"""Template files uploaded by administrators (append-only)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "template_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.String(length=60), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_template_uploads")),
    )
    op.create_index(
        "ix_template_uploads_template", "template_uploads", ["template_id", "lang"], unique=False
    )
    message = "template_uploads is append-only: upload a new file instead"
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""CREATE OR REPLACE FUNCTION kense_append_only_template_uploads() RETURNS trigger
            AS $$ BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql"""
        )
        op.execute(
            """CREATE TRIGGER template_uploads_append_only BEFORE UPDATE OR DELETE
            ON template_uploads FOR EACH ROW
            EXECUTE FUNCTION kense_append_only_template_uploads()"""
        )
    else:
        for verb in ("update", "delete"):
            op.execute(
                f"""CREATE TRIGGER template_uploads_no_{verb} BEFORE {verb.upper()}
                ON template_uploads BEGIN SELECT RAISE(ABORT, '{message}'); END"""
            )


def downgrade() -> None:
    op.drop_table("template_uploads")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS kense_append_only_template_uploads()")
