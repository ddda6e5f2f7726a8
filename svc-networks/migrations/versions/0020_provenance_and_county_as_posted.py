"""provenance of networks, plans and dialogue meetings; a network's county as posted

Demo records say so and name their source (shared.provenance); a network of 2018 created for
Sogn og Fjordane (14) shows that name beside today's Vestland (46).

Revision ID: 0020
Revises: 0004
Create Date: 2026-12-01 13:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.provenance import provenance_columns

revision: str = "0020"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("learning_networks", "competence_plans", "dialogue_meetings")


def upgrade() -> None:
    for table in TABLES:
        for column in provenance_columns():
            op.add_column(table, column)
    op.add_column("learning_networks", sa.Column("county_as_posted", sa.String(2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("learning_networks") as batch_op:
        batch_op.drop_column("county_as_posted")
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("source")
            batch_op.drop_column("demo")
