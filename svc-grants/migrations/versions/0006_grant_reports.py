"""grant reports

An approved grant's end date and its reporting duties (issue 14).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 13:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("grant_applications", sa.Column("ends_on", sa.Date(), nullable=True))
    op.create_table(
        "grant_reports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("submitted_by", sa.String(length=200), nullable=True),
        sa.Column("text", sa.String(length=2000), nullable=True),
        sa.Column("spent_ore", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decision_reason", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["grant_applications.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "uq_grant_reports_application_kind",
        "grant_reports",
        ["application_id", "kind"],
        unique=True,
    )
    op.create_index("ix_grant_reports_status_due_on", "grant_reports", ["status", "due_on"])


def downgrade() -> None:
    op.drop_index("ix_grant_reports_status_due_on", table_name="grant_reports")
    op.drop_index("uq_grant_reports_application_kind", table_name="grant_reports")
    op.drop_table("grant_reports")
    with op.batch_alter_table("grant_applications") as batch_op:
        batch_op.drop_column("ends_on")
