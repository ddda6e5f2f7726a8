"""scheme provenance, and the county number a scheme was created with

Demo schemes say so and name their source (shared.provenance); a 2018 scheme created for
Hordaland (12) shows that name beside today's Vestland (46).

Revision ID: 0020
Revises: 0004
Create Date: 2026-12-01 13:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.provenance import provenance_columns

revision: str = "0020"
down_revision: str | None = "0009a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for column in provenance_columns():
        op.add_column("grant_schemes", column)
    op.add_column("grant_schemes", sa.Column("county_as_posted", sa.String(2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("grant_schemes") as batch_op:
        batch_op.drop_column("county_as_posted")
        batch_op.drop_column("source")
        batch_op.drop_column("demo")
