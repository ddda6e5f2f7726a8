"""networks, plans, projects, dialogue and risk

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 10:38:04.763860
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The skeleton's two tables never held a row (it had no way to create one): they are
    # replaced rather than altered. A membership now has its own id and dates, so a
    # municipality may leave and join again.
    with op.batch_alter_table("network_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_members_municipality"))
    op.drop_table("network_members")
    with op.batch_alter_table("learning_networks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_networks_county"))
    op.drop_table("learning_networks")
    op.create_table(
        "learning_networks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("county", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lead_municipality", sa.String(length=4), nullable=False),
        sa.Column("partners", sa.JSON(), nullable=False),
        sa.Column("established_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("learning_networks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learning_networks_county"), ["county"], unique=False)
    op.create_table(
        "network_members",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("network_id", sa.Uuid(), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("leadership_contact", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "left_on IS NULL OR left_on >= joined_on", name="ck_network_members_dates"
        ),
        sa.ForeignKeyConstraint(["network_id"], ["learning_networks.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("network_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_network_members_municipality"), ["municipality"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_network_members_network_id"), ["network_id"], unique=False
        )
        batch_op.create_index(
            "uq_network_members_current",
            ["municipality"],
            unique=True,
            postgresql_where=sa.text("left_on IS NULL"),
            sqlite_where=sa.text("left_on IS NULL"),
        )

    op.create_table(
        "dialogue_meetings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=False),
        sa.Column("county", sa.String(length=2), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dialogue_meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dialogue_meetings_county"), ["county"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_dialogue_meetings_municipality"), ["municipality"], unique=False
        )

    op.create_table(
        "project_grant_applications",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("application_id"),
    )
    with op.batch_alter_table("project_grant_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_grant_applications_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "risk_assessments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=False),
        sa.Column("county", sa.String(length=2), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("concerns", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_assessments_county"), ["county"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_risk_assessments_municipality"), ["municipality"], unique=False
        )

    op.create_table(
        "competence_plans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("network_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("drafted_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("in_force_on", sa.Date(), nullable=True),
        sa.Column("drafted_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["learning_networks.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("network_id", "version", name="uq_competence_plans_version"),
    )
    with op.batch_alter_table("competence_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_competence_plans_network_id"), ["network_id"], unique=False
        )

    op.create_table(
        "development_projects",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("network_id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("county", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("partner", sa.String(length=200), nullable=False),
        sa.Column("budget_ore", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("final_report", sa.Text(), nullable=True),
        sa.Column("proposed_on", sa.Date(), nullable=False),
        sa.Column("proposed_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint("budget_ore > 0", name="ck_development_projects_budget"),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["learning_networks.id"],
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["competence_plans.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("development_projects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_development_projects_network_id"), ["network_id"], unique=False
        )

    op.create_table(
        "plan_approvals",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["competence_plans.id"],
        ),
        sa.PrimaryKeyConstraint("plan_id", "municipality"),
    )
    op.create_table(
        "project_cost_lines",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("amount_ore", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount_ore > 0", name="ck_project_cost_lines_amount"),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["development_projects.id"],
        ),
        sa.PrimaryKeyConstraint("project_id", "kind"),
    )
    op.create_table(
        "project_municipalities",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["development_projects.id"],
        ),
        sa.PrimaryKeyConstraint("project_id", "municipality"),
    )
    with op.batch_alter_table("project_municipalities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_municipalities_municipality"), ["municipality"], unique=False
        )

    op.create_table(
        "project_transitions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["development_projects.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("project_transitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_transitions_project_id"), ["project_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("project_transitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_transitions_project_id"))

    op.drop_table("project_transitions")
    with op.batch_alter_table("project_municipalities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_municipalities_municipality"))

    op.drop_table("project_municipalities")
    op.drop_table("project_cost_lines")
    op.drop_table("plan_approvals")
    with op.batch_alter_table("development_projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_development_projects_network_id"))

    op.drop_table("development_projects")
    with op.batch_alter_table("competence_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competence_plans_network_id"))

    op.drop_table("competence_plans")
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_assessments_municipality"))
        batch_op.drop_index(batch_op.f("ix_risk_assessments_county"))

    op.drop_table("risk_assessments")
    with op.batch_alter_table("project_grant_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_grant_applications_project_id"))

    op.drop_table("project_grant_applications")
    with op.batch_alter_table("dialogue_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dialogue_meetings_municipality"))
        batch_op.drop_index(batch_op.f("ix_dialogue_meetings_county"))

    op.drop_table("dialogue_meetings")
    # Back to the skeleton's two (empty) tables.
    op.drop_table("network_members")
    op.drop_table("learning_networks")
    op.create_table(
        "learning_networks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("county", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("established_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("learning_networks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learning_networks_county"), ["county"], unique=False)
    op.create_table(
        "network_members",
        sa.Column("network_id", sa.Uuid(), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=False),
        sa.ForeignKeyConstraint(["network_id"], ["learning_networks.id"]),
        sa.PrimaryKeyConstraint("network_id", "municipality"),
    )
    with op.batch_alter_table("network_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_network_members_municipality"), ["municipality"], unique=False
        )
