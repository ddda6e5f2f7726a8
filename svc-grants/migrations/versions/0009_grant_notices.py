"""grant notices

Notices (e-mail) to municipalities and county governors about decisions, reports and change
requests, and when a report's holder was reminded that it is due (issue 14).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("grant_reports", sa.Column("reminded_on", sa.Date(), nullable=True))
    op.create_table(
        "grant_notices",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.String(length=4000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["grant_applications.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_grant_notices_sent_at", "grant_notices", ["sent_at"])


def downgrade() -> None:
    op.drop_index("ix_grant_notices_sent_at", table_name="grant_notices")
    op.drop_table("grant_notices")
    with op.batch_alter_table("grant_reports") as batch_op:
        batch_op.drop_column("reminded_on")
