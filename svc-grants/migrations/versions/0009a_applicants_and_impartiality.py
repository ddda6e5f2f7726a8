"""applicants and impartiality

Applicants beyond the municipality itself (a state or private employer for its own staff's
enrolments, a learning network through a member municipality), and assessors' declarations of
no conflict of interest or recusal (issue 14). A revision of its own: 0009 was merged already.

Revision ID: 0009a
Revises: 0009
Create Date: 2026-12-01 14:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009a"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("eligibility", sa.Column("employer", sa.String(length=9), nullable=True))
    op.add_column("grant_applications", sa.Column("applicant", sa.String(length=50), nullable=True))
    op.create_table(
        "grant_impartiality",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=100), nullable=False),
        sa.Column("recused", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=True),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["grant_applications.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "uq_grant_impartiality_application_subject",
        "grant_impartiality",
        ["application_id", "subject"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_grant_impartiality_application_subject", table_name="grant_impartiality")
    op.drop_table("grant_impartiality")
    with op.batch_alter_table("grant_applications") as batch_op:
        batch_op.drop_column("applicant")
    with op.batch_alter_table("eligibility") as batch_op:
        batch_op.drop_column("employer")
