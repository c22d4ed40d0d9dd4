"""Find a document's file by its SHA-256 (verification of received signed files)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_document_files_sha256", "document_files", ["sha256"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_document_files_sha256", table_name="document_files")
