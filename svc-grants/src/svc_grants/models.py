"""Grants' tables (its own database; nobody else reads them). Money in integer øre."""

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
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.idempotency import idempotency_table
from shared.inbox import inbox_table
from shared.outbox import outbox_table
from shared.provenance import ProvenanceColumns
from svc_grants.domain import CLOSED_WITHOUT_GRANT


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)
idempotency_keys = idempotency_table(Base.metadata)

# SQLite has no BIGSERIAL: an INTEGER PRIMARY KEY there is the rowid, which autoincrements.
_Id = BigInteger().with_variant(Integer(), "sqlite")
_HOLDS_ITS_TARGET = text(
    "status NOT IN ({})".format(", ".join(f"'{status}'" for status in CLOSED_WITHOUT_GRANT))
)


class GrantScheme(ProvenanceColumns, Base):
    """A scheme's annual budget. `version` makes a lost race on SQLite (where FOR UPDATE is a
    plain read) fail instead of over-committing; on PostgreSQL the row lock orders writers."""

    __tablename__ = "grant_schemes"
    __table_args__ = (
        CheckConstraint(
            "0 <= paid_ore AND paid_ore <= committed_ore AND committed_ore <= budget_ore",
            name="ck_grant_schemes_within_budget",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(40))
    county: Mapped[str | None] = mapped_column(String(2))
    # The county number as posted (maybe of its year: 12 Hordaland for 2018); None before 0020.
    county_as_posted: Mapped[str | None] = mapped_column(String(2))
    budget_ore: Mapped[int] = mapped_column(BigInteger)
    committed_ore: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_ore: Mapped[int] = mapped_column(BigInteger, default=0)  # less what was reclaimed
    cap_per_enrolment_ore: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Eligibility(Base):
    """Learnt from education's enrolment events: which employees' further education qualifies."""

    __tablename__ = "eligibility"
    __table_args__ = (Index("ix_eligibility_municipality", "municipality"),)

    enrolment_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    municipality: Mapped[str] = mapped_column(String(4))
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CompetencePlan(Base):
    """Learnt from networks: a plan in force, approved by the network and each participant."""

    __tablename__ = "competence_plans"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    network_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    county: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(500))
    municipalities: Mapped[list[str]] = mapped_column(JSON)
    in_force_on: Mapped[date] = mapped_column(Date)


class DevelopmentProject(Base):
    """Learnt from networks: a proposed development project (the latest proposal)."""

    __tablename__ = "development_projects"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    network_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    county: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(500))
    municipalities: Mapped[list[str]] = mapped_column(JSON)
    partner: Mapped[str | None] = mapped_column(String(500))
    proposed_on: Mapped[date] = mapped_column(Date)


class GrantApplication(Base):
    __tablename__ = "grant_applications"
    __table_args__ = (
        Index("ix_grant_applications_municipality", "municipality"),
        Index("ix_grant_applications_county_status", "county", "status"),
        # One live application per enrolment and per project, also under concurrent submissions.
        Index(
            "uq_grant_applications_enrolment",
            "enrolment_id",
            unique=True,
            postgresql_where=_HOLDS_ITS_TARGET,
            sqlite_where=_HOLDS_ITS_TARGET,
        ),
        Index(
            "uq_grant_applications_project",
            "project_id",
            unique=True,
            postgresql_where=_HOLDS_ITS_TARGET,
            sqlite_where=_HOLDS_ITS_TARGET,
        ),
        CheckConstraint(
            "0 <= reclaimed_ore AND reclaimed_ore <= paid_ore"
            " AND paid_ore <= COALESCE(approved_ore, 0)",
            name="ck_grant_applications_paid_within_approved",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    scheme_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grant_schemes.id"), index=True)
    municipality: Mapped[str] = mapped_column(String(4))
    county: Mapped[str] = mapped_column(String(2))  # whose county governor may see it
    status: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(2000))
    enrolment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    project_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    priority: Mapped[int]
    requested_ore: Mapped[int] = mapped_column(BigInteger)
    approved_ore: Mapped[int | None] = mapped_column(BigInteger)
    paid_ore: Mapped[int] = mapped_column(BigInteger, default=0)
    reclaimed_ore: Mapped[int] = mapped_column(BigInteger, default=0)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class GrantApplicationTransition(Base):
    """The audit trail: who (subject and the role they acted in), when, from, to, why, how much."""

    __tablename__ = "grant_application_transitions"

    id: Mapped[int] = mapped_column(_Id, primary_key=True, autoincrement=True)
    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("grant_applications.id"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    by_subject: Mapped[str] = mapped_column(String(200))
    by_role: Mapped[str] = mapped_column(String(100))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(2000))
    amount_ore: Mapped[int | None] = mapped_column(BigInteger)
