"""Guidance's tables (its own database; nobody else reads them)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.idempotency import idempotency_table
from shared.inbox import inbox_table
from shared.outbox import outbox_table
from shared.provenance import ProvenanceColumns
from svc_guidance.domain import OPEN_CASE

_OPEN = text("status IN ({})".format(", ".join(f"'{status}'" for status in OPEN_CASE)))


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)
idempotency_keys = idempotency_table(Base.metadata)


class GuidanceAdviser(ProvenanceColumns, Base):
    """An adviser of the directorate's guidance team. `active_engagements` changes only with an
    engagement's start or end, in the same transaction, with this row locked."""

    __tablename__ = "guidance_advisers"
    __table_args__ = (
        # The last line of defence: no adviser is ever on more active engagements than capacity.
        CheckConstraint(
            "capacity >= 1 AND active_engagements >= 0 AND active_engagements <= capacity",
            name="ck_guidance_advisers_within_capacity",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    background: Mapped[str | None] = mapped_column(String(2000))
    region: Mapped[str | None] = mapped_column(String(100))
    capacity: Mapped[int]
    active_engagements: Mapped[int]
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    registered_by: Mapped[str] = mapped_column(String(200))


class GuidanceCase(ProvenanceColumns, Base):
    """A nomination or a request, and the municipality's answer."""

    __tablename__ = "guidance_cases"
    __table_args__ = (
        Index("ix_guidance_cases_municipality", "municipality"),
        Index("ix_guidance_cases_status", "status"),
        # One open case per municipality, also under concurrent nominations.
        Index(
            "uq_guidance_cases_open",
            "municipality",
            unique=True,
            postgresql_where=_OPEN,
            sqlite_where=_OPEN,
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    municipality: Mapped[str] = mapped_column(String(4))
    # The number as posted (maybe of before a reform: 1432 Førde); None before 0020.
    municipality_as_posted: Mapped[str | None] = mapped_column(String(4))
    county: Mapped[str] = mapped_column(String(2))  # whose county governor may see it
    origin: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(2000))
    evidence: Mapped[str | None] = mapped_column(String(4000))
    committed_hours_per_month: Mapped[int | None]
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    opened_by: Mapped[str] = mapped_column(String(200))
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    responded_by: Mapped[str | None] = mapped_column(String(200))


class GuidanceEngagement(ProvenanceColumns, Base):
    """Two years of guidance for one accepted case; `municipality` is the host."""

    __tablename__ = "guidance_engagements"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("guidance_cases.id"), unique=True)
    municipality: Mapped[str] = mapped_column(String(4), index=True)
    round: Mapped[int] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    final_report: Mapped[str | None] = mapped_column(Text)
    ended_reason: Mapped[str | None] = mapped_column(String(2000))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_by: Mapped[str] = mapped_column(String(200))
    closed_by: Mapped[str | None] = mapped_column(String(200))


class EngagementAdviser(Base):
    __tablename__ = "guidance_engagement_advisers"

    engagement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("guidance_engagements.id"), primary_key=True
    )
    adviser_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("guidance_advisers.id"), primary_key=True, index=True
    )


class CoveredMunicipality(Base):
    """Each municipality an engagement covers (the host and a shared service's participants).
    At most one active engagement covers a municipality, also under concurrent starts."""

    __tablename__ = "guidance_engagement_municipalities"
    __table_args__ = (
        Index(
            "uq_guidance_engagement_municipalities_active",
            "municipality",
            unique=True,
            postgresql_where=text("active"),
            sqlite_where=text("active"),
        ),
    )

    engagement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("guidance_engagements.id"), primary_key=True
    )
    municipality: Mapped[str] = mapped_column(String(4), primary_key=True, index=True)
    county: Mapped[str] = mapped_column(String(2))
    position: Mapped[int]  # the host is 0
    active: Mapped[bool]


class Milestone(Base):
    """A step of an engagement's plan."""

    __tablename__ = "guidance_milestones"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    engagement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("guidance_engagements.id"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    due_on: Mapped[date] = mapped_column(Date)
    reached_on: Mapped[date | None] = mapped_column(Date)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    added_by: Mapped[str] = mapped_column(String(200))


class Visit(Base):
    __tablename__ = "guidance_visits"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    engagement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("guidance_engagements.id"), index=True
    )
    adviser_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("guidance_advisers.id"))
    visited_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(4000))
    logged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    logged_by: Mapped[str] = mapped_column(String(200))


class MunicipalityRisk(Base):
    """Learnt from networks' RiskAssessed events: each municipality's latest risk level."""

    __tablename__ = "municipality_risk"

    municipality: Mapped[str] = mapped_column(String(4), primary_key=True)
    level: Mapped[str] = mapped_column(String(20))
    assessed_on: Mapped[date] = mapped_column(Date)
    assessment_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    learnt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
