"""coverage projection

What education learns from grants', networks' and guidance's events for the overviews:
grant money per application, learning-network memberships, guidance engagements.

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-01 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "coverage_grants",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("committed_ore", sa.BigInteger(), nullable=False),
        sa.Column("paid_ore", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("application_id"),
    )
    op.create_index("ix_coverage_grants_year", "coverage_grants", ["year"])
    op.create_table(
        "coverage_memberships",
        sa.Column("network_id", sa.Uuid(), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("network_id", "municipality", "joined_on"),
    )
    op.create_table(
        "coverage_engagements",
        sa.Column("engagement_id", sa.Uuid(), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("engagement_id", "municipality"),
    )


def downgrade() -> None:
    op.drop_table("coverage_engagements")
    op.drop_table("coverage_memberships")
    op.drop_index("ix_coverage_grants_year", table_name="coverage_grants")
    op.drop_table("coverage_grants")
