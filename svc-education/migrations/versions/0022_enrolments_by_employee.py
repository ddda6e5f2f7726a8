"""an index for an employee's enrolments at an institution

Registering looks up the employee's active enrolments (one per employee and term). Without
this index the lookup read every enrolment of the institution, so each registration cost more
as the institution's enrolments grew.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 08:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_enrolments_institution_employee", "enrolments", ["institution_id", "employee_ref"]
    )


def downgrade() -> None:
    op.drop_index("ix_enrolments_institution_employee", table_name="enrolments")
