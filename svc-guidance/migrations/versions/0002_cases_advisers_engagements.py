"""cases, advisers, engagements, plans, visits and risk

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 10:38:53.240201
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
        "guidance_advisers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("background", sa.String(length=2000), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("active_engagements", sa.Integer(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "capacity >= 1 AND active_engagements >= 0 AND active_engagements <= capacity",
            name="ck_guidance_advisers_within_capacity",
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "guidance_cases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=False),
        sa.Column("county", sa.String(length=2), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("evidence", sa.String(length=4000), nullable=True),
        sa.Column("committed_hours_per_month", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.String(length=200), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("responded_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("guidance_cases", schema=None) as batch_op:
        batch_op.create_index("ix_guidance_cases_municipality", ["municipality"], unique=False)
        batch_op.create_index("ix_guidance_cases_status", ["status"], unique=False)
        batch_op.create_index(
            "uq_guidance_cases_open",
            ["municipality"],
            unique=True,
            postgresql_where=sa.text("status IN ('AWAITING_RESPONSE', 'ACCEPTED', 'ENGAGED')"),
            sqlite_where=sa.text("status IN ('AWAITING_RESPONSE', 'ACCEPTED', 'ENGAGED')"),
        )

    op.create_table(
        "municipality_risk",
        sa.Column("municipality", sa.String(length=4), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("assessment_id", sa.Uuid(), nullable=False),
        sa.Column("learnt_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("municipality"),
    )
    # The skeleton's table had no writer, so it is empty: it is made anew with its case.
    with op.batch_alter_table("guidance_engagements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guidance_engagements_round"))
        batch_op.drop_index(batch_op.f("ix_guidance_engagements_municipality"))
    op.drop_table("guidance_engagements")
    op.create_table(
        "guidance_engagements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("final_report", sa.Text(), nullable=True),
        sa.Column("ended_reason", sa.String(length=2000), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.String(length=200), nullable=False),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["guidance_cases.id"], name="fk_guidance_engagements_case_id"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", name="uq_guidance_engagements_case_id"),
    )
    with op.batch_alter_table("guidance_engagements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_guidance_engagements_municipality"), ["municipality"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_guidance_engagements_round"), ["round"], unique=False)

    op.create_table(
        "guidance_engagement_advisers",
        sa.Column("engagement_id", sa.Uuid(), nullable=False),
        sa.Column("adviser_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["adviser_id"],
            ["guidance_advisers.id"],
        ),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["guidance_engagements.id"],
        ),
        sa.PrimaryKeyConstraint("engagement_id", "adviser_id"),
    )
    with op.batch_alter_table("guidance_engagement_advisers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_guidance_engagement_advisers_adviser_id"), ["adviser_id"], unique=False
        )

    op.create_table(
        "guidance_engagement_municipalities",
        sa.Column("engagement_id", sa.Uuid(), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=False),
        sa.Column("county", sa.String(length=2), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["guidance_engagements.id"],
        ),
        sa.PrimaryKeyConstraint("engagement_id", "municipality"),
    )
    with op.batch_alter_table("guidance_engagement_municipalities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_guidance_engagement_municipalities_municipality"),
            ["municipality"],
            unique=False,
        )
        batch_op.create_index(
            "uq_guidance_engagement_municipalities_active",
            ["municipality"],
            unique=True,
            postgresql_where=sa.text("active"),
            sqlite_where=sa.text("active"),
        )

    op.create_table(
        "guidance_milestones",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("engagement_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("reached_on", sa.Date(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["guidance_engagements.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("guidance_milestones", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_guidance_milestones_engagement_id"), ["engagement_id"], unique=False
        )

    op.create_table(
        "guidance_visits",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("engagement_id", sa.Uuid(), nullable=False),
        sa.Column("adviser_id", sa.Uuid(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=4000), nullable=False),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("logged_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["adviser_id"],
            ["guidance_advisers.id"],
        ),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["guidance_engagements.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("guidance_visits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_guidance_visits_engagement_id"), ["engagement_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("guidance_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guidance_visits_engagement_id"))

    op.drop_table("guidance_visits")
    with op.batch_alter_table("guidance_milestones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guidance_milestones_engagement_id"))

    op.drop_table("guidance_milestones")
    with op.batch_alter_table("guidance_engagement_municipalities", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_guidance_engagement_municipalities_active",
            postgresql_where=sa.text("active"),
            sqlite_where=sa.text("active"),
        )
        batch_op.drop_index(batch_op.f("ix_guidance_engagement_municipalities_municipality"))

    op.drop_table("guidance_engagement_municipalities")
    with op.batch_alter_table("guidance_engagement_advisers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guidance_engagement_advisers_adviser_id"))

    op.drop_table("guidance_engagement_advisers")
    with op.batch_alter_table("guidance_engagements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guidance_engagements_round"))
        batch_op.drop_index(batch_op.f("ix_guidance_engagements_municipality"))
    op.drop_table("guidance_engagements")
    op.create_table(
        "guidance_engagements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("guidance_engagements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_guidance_engagements_municipality"), ["municipality"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_guidance_engagements_round"), ["round"], unique=False)
    op.drop_table("municipality_risk")
    with op.batch_alter_table("guidance_cases", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_guidance_cases_open",
            postgresql_where=sa.text("status IN ('AWAITING_RESPONSE', 'ACCEPTED', 'ENGAGED')"),
            sqlite_where=sa.text("status IN ('AWAITING_RESPONSE', 'ACCEPTED', 'ENGAGED')"),
        )
        batch_op.drop_index("ix_guidance_cases_status")
        batch_op.drop_index("ix_guidance_cases_municipality")

    op.drop_table("guidance_cases")
    op.drop_table("guidance_advisers")
