"""applications, transitions, plans and projects

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:04:00.867925
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "competence_plans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("network_id", sa.Uuid(), nullable=False),
        sa.Column("county", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("municipalities", sa.JSON(), nullable=False),
        sa.Column("in_force_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("competence_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_competence_plans_network_id"), ["network_id"], unique=False
        )

    op.create_table(
        "development_projects",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("network_id", sa.Uuid(), nullable=False),
        sa.Column("county", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("municipalities", sa.JSON(), nullable=False),
        sa.Column("partner", sa.String(length=500), nullable=True),
        sa.Column("proposed_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "grant_applications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("scheme_id", sa.Uuid(), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=False),
        sa.Column("county", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("purpose", sa.String(length=2000), nullable=False),
        sa.Column("enrolment_id", sa.Uuid(), nullable=True),
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("requested_ore", sa.BigInteger(), nullable=False),
        sa.Column("approved_ore", sa.BigInteger(), nullable=True),
        sa.Column("paid_ore", sa.BigInteger(), nullable=False),
        sa.Column("reclaimed_ore", sa.BigInteger(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "0 <= reclaimed_ore AND reclaimed_ore <= paid_ore"
            " AND paid_ore <= COALESCE(approved_ore, 0)",
            name="ck_grant_applications_paid_within_approved",
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["grant_schemes.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("grant_applications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_grant_applications_county_status", ["county", "status"], unique=False
        )
        batch_op.create_index("ix_grant_applications_municipality", ["municipality"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_grant_applications_scheme_id"), ["scheme_id"], unique=False
        )
        batch_op.create_index(
            "uq_grant_applications_enrolment",
            ["enrolment_id"],
            unique=True,
            postgresql_where=sa.text("status NOT IN ('REJECTED', 'CANCELLED')"),
            sqlite_where=sa.text("status NOT IN ('REJECTED', 'CANCELLED')"),
        )
        batch_op.create_index(
            "uq_grant_applications_project",
            ["project_id"],
            unique=True,
            postgresql_where=sa.text("status NOT IN ('REJECTED', 'CANCELLED')"),
            sqlite_where=sa.text("status NOT IN ('REJECTED', 'CANCELLED')"),
        )

    op.create_table(
        "grant_application_transitions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_subject", sa.String(length=200), nullable=False),
        sa.Column("by_role", sa.String(length=100), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=False),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=True),
        sa.Column("amount_ore", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["grant_applications.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("grant_application_transitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grant_application_transitions_application_id"),
            ["application_id"],
            unique=False,
        )

    with op.batch_alter_table("grant_schemes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cap_per_enrolment_ore", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_check_constraint(
            "ck_grant_schemes_within_budget",
            "0 <= paid_ore AND paid_ore <= committed_ore AND committed_ore <= budget_ore",
        )


def downgrade() -> None:
    with op.batch_alter_table("grant_schemes", schema=None) as batch_op:
        batch_op.drop_constraint("ck_grant_schemes_within_budget", type_="check")
        batch_op.drop_column("version")
        batch_op.drop_column("cap_per_enrolment_ore")

    with op.batch_alter_table("grant_application_transitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_application_transitions_application_id"))

    op.drop_table("grant_application_transitions")
    with op.batch_alter_table("grant_applications", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_grant_applications_project",
            postgresql_where=sa.text("status NOT IN ('REJECTED', 'CANCELLED')"),
            sqlite_where=sa.text("status NOT IN ('REJECTED', 'CANCELLED')"),
        )
        batch_op.drop_index(
            "uq_grant_applications_enrolment",
            postgresql_where=sa.text("status NOT IN ('REJECTED', 'CANCELLED')"),
            sqlite_where=sa.text("status NOT IN ('REJECTED', 'CANCELLED')"),
        )
        batch_op.drop_index(batch_op.f("ix_grant_applications_scheme_id"))
        batch_op.drop_index("ix_grant_applications_municipality")
        batch_op.drop_index("ix_grant_applications_county_status")

    op.drop_table("grant_applications")
    op.drop_table("development_projects")
    with op.batch_alter_table("competence_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competence_plans_network_id"))

    op.drop_table("competence_plans")
