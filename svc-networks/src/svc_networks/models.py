"""Networks' tables (its own database; nobody else reads them). Money in integer øre."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.idempotency import idempotency_table
from shared.inbox import inbox_table
from shared.outbox import outbox_table
from shared.provenance import ProvenanceColumns


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)
idempotency_keys = idempotency_table(Base.metadata)

# SQLite has no BIGSERIAL: an INTEGER PRIMARY KEY there is the rowid, which autoincrements.
_Id = BigInteger().with_variant(Integer(), "sqlite")
_CURRENT = text("left_on IS NULL")


class LearningNetwork(ProvenanceColumns, Base):
    """A county's learning network. Every use case that changes the network, its members, plans
    or projects locks this row first, so concurrent changes of one network run one at a time."""

    __tablename__ = "learning_networks"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # The county number as posted (maybe of its year: 14 Sogn og Fjordane); None before 0020.
    county_as_posted: Mapped[str | None] = mapped_column(String(2))
    county: Mapped[str] = mapped_column(String(2), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # The first founding member: the key of the network's plan events, kept if it leaves.
    lead_municipality: Mapped[str] = mapped_column(String(4))
    partners: Mapped[list[str]] = mapped_column(JSON)
    established_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))


class NetworkMember(Base):
    """One membership: joined, perhaps left. A municipality is in one network at a time."""

    __tablename__ = "network_members"
    __table_args__ = (
        Index(
            "uq_network_members_current",
            "municipality",
            unique=True,
            postgresql_where=_CURRENT,
            sqlite_where=_CURRENT,
        ),
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="ck_network_members_dates"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    network_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("learning_networks.id"), index=True)
    municipality: Mapped[str] = mapped_column(String(4), index=True)
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    leadership_contact: Mapped[str | None] = mapped_column(String(200))


class CompetencePlan(ProvenanceColumns, Base):
    """One version of a network's competence and quality plan."""

    __tablename__ = "competence_plans"
    __table_args__ = (
        UniqueConstraint("network_id", "version", name="uq_competence_plans_version"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    network_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("learning_networks.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20))
    drafted_on: Mapped[date] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    in_force_on: Mapped[date | None] = mapped_column(Date)
    drafted_by: Mapped[str] = mapped_column(String(200))


class PlanApproval(Base):
    """A municipality's approval of one plan version: who approved it, when."""

    __tablename__ = "plan_approvals"

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("competence_plans.id"), primary_key=True)
    municipality: Mapped[str] = mapped_column(String(4), primary_key=True)
    approved_on: Mapped[date] = mapped_column(Date)
    approved_by: Mapped[str] = mapped_column(String(200))


class DevelopmentProject(Base):
    __tablename__ = "development_projects"
    __table_args__ = (CheckConstraint("budget_ore > 0", name="ck_development_projects_budget"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    network_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("learning_networks.id"), index=True)
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("competence_plans.id"))
    plan_version: Mapped[int] = mapped_column(Integer)
    county: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(500))
    partner: Mapped[str] = mapped_column(String(200))
    budget_ore: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20))
    final_report: Mapped[str | None] = mapped_column(Text)
    proposed_on: Mapped[date] = mapped_column(Date)
    proposed_by: Mapped[str] = mapped_column(String(200))


class ProjectMunicipality(Base):
    """A participant of a project; position 0 is the lead municipality (its proposer)."""

    __tablename__ = "project_municipalities"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("development_projects.id"), primary_key=True
    )
    municipality: Mapped[str] = mapped_column(String(4), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)


class ProjectCostLine(Base):
    __tablename__ = "project_cost_lines"
    __table_args__ = (CheckConstraint("amount_ore > 0", name="ck_project_cost_lines_amount"),)

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("development_projects.id"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    amount_ore: Mapped[int] = mapped_column(BigInteger)


class ProjectTransition(Base):
    """The audit trail of a project: who (a token's subject, or `<producer>:<event id>`), when,
    from, to."""

    __tablename__ = "project_transitions"

    id: Mapped[int] = mapped_column(_Id, primary_key=True, autoincrement=True)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("development_projects.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str] = mapped_column(String(200))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))


class ProjectGrantApplication(Base):
    """Learnt from grants: which application is for which project (its award names no project)."""

    __tablename__ = "project_grant_applications"

    application_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)


class DialogueMeeting(ProvenanceColumns, Base):
    __tablename__ = "dialogue_meetings"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    municipality: Mapped[str] = mapped_column(String(4), index=True)
    county: Mapped[str] = mapped_column(String(2), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    topics: Mapped[list[str]] = mapped_column(JSON)
    participants: Mapped[list[str]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(200))


class RiskAssessment(Base):
    """A municipality's own assessment; readable by it, its county governor and the directorate."""

    __tablename__ = "risk_assessments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    municipality: Mapped[str] = mapped_column(String(4), index=True)
    county: Mapped[str] = mapped_column(String(2), index=True)
    assessed_on: Mapped[date] = mapped_column(Date)
    level: Mapped[str] = mapped_column(String(20))
    concerns: Mapped[list[str]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(200))
