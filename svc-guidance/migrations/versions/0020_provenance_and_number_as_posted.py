"""provenance of advisers, cases and engagements; a case's municipality number as posted

Demo records say so and name their source (shared.provenance); a 2018 engagement of a case
opened for Førde (1432) shows that name beside today's Sunnfjord (4647).

Revision ID: 0020
Revises: 0004
Create Date: 2026-12-01 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.provenance import provenance_columns

revision: str = "0020"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("guidance_advisers", "guidance_cases", "guidance_engagements")


def upgrade() -> None:
    for table in TABLES:
        for column in provenance_columns():
            op.add_column(table, column)
    op.add_column(
        "guidance_cases", sa.Column("municipality_as_posted", sa.String(4), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("guidance_cases") as batch_op:
        batch_op.drop_column("municipality_as_posted")
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("source")
            batch_op.drop_column("demo")
