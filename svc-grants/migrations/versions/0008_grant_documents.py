"""grant documents

Decision letters (PDF), kept as they were sent (issue 14).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 14:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "grant_documents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["grant_applications.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_grant_documents_application_id", "grant_documents", ["application_id"])


def downgrade() -> None:
    op.drop_index("ix_grant_documents_application_id", table_name="grant_documents")
    op.drop_table("grant_documents")
