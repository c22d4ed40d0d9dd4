"""The change feed (outbox) and its deliveries

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(["work_id"], ["works.id"], name=op.f("fk_changes_work_id_works")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
    )
    op.create_table(
        "deliveries",
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("consumer", sa.String(length=40), nullable=False),
        sa.Column(
            "delivered_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["change_id"], ["changes.id"], name=op.f("fk_deliveries_change_id_changes")
        ),
        sa.PrimaryKeyConstraint("change_id", "consumer", name=op.f("pk_deliveries")),
    )
    dialect = op.get_bind().dialect.name
    message = "changes is append-only: history is never updated or deleted"
    if dialect == "postgresql":
        op.execute(
            f"""CREATE OR REPLACE FUNCTION kense_append_only_changes() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql"""
        )
        op.execute(
            """CREATE TRIGGER changes_append_only BEFORE UPDATE OR DELETE ON changes
            FOR EACH ROW EXECUTE FUNCTION kense_append_only_changes()"""
        )
    else:
        for verb in ("update", "delete"):
            op.execute(
                f"""CREATE TRIGGER changes_no_{verb} BEFORE {verb.upper()} ON changes
                BEGIN SELECT RAISE(ABORT, '{message}'); END"""
            )


def downgrade() -> None:
    op.drop_table("deliveries")
    op.drop_table("changes")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS kense_append_only_changes()")
