"""provenance of offerings, enrolments, cohorts, participations; the programme's reported years

Demo records say so (`demo`) and name where their figures come from (`source`):
shared.provenance, docs/decisions/demo-data-provenance.md. A year's reported totals of the
service-support programme (2017: 166 employees in 39 municipalities) stand beside the cohorts.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.provenance import MAX_SOURCE, provenance_columns

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("offerings", "enrolments", "support_cohorts", "support_participations")


def upgrade() -> None:
    for table in TABLES:
        for column in provenance_columns():
            op.add_column(table, column)
    op.add_column("enrolments", sa.Column("municipality_as_posted", sa.String(4), nullable=True))
    op.create_table(
        "support_programme_years",
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("employees", sa.Integer(), nullable=False),
        sa.Column("municipalities", sa.Integer(), nullable=True),
        sa.Column("counties", sa.Integer(), nullable=True),
        sa.Column("approximate", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("source", sa.String(length=MAX_SOURCE), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("support_programme_years")
    with op.batch_alter_table("enrolments") as batch_op:
        batch_op.drop_column("municipality_as_posted")
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("source")
            batch_op.drop_column("demo")
