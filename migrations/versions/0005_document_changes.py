"""The change feed of issued documents (an outbox for search), and its deliveries

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_changes_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_changes")),
    )
    op.create_table(
        "document_deliveries",
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("consumer", sa.String(length=40), nullable=False),
        sa.Column(
            "delivered_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["document_changes.id"],
            name=op.f("fk_document_deliveries_change_id_document_changes"),
        ),
        sa.PrimaryKeyConstraint("change_id", "consumer", name=op.f("pk_document_deliveries")),
    )


def downgrade() -> None:
    op.drop_table("document_deliveries")
    op.drop_table("document_changes")
