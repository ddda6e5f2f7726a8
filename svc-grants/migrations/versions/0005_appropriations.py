"""appropriations

The year's appropriation that the year's scheme budgets never exceed (issue 14).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "appropriations",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("amount_ore", sa.BigInteger(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("set_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("year"),
    )


def downgrade() -> None:
    op.drop_table("appropriations")
