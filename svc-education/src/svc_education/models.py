"""Education's tables (its own database; nobody else reads them)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.inbox import inbox_table
from shared.outbox import outbox_table


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)


class Institution(Base):
    __tablename__ = "institutions"

    id: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Programme(Base):
    __tablename__ = "programmes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    credits: Mapped[int]
    theme: Mapped[str] = mapped_column(String(500))


class Offering(Base):
    __tablename__ = "offerings"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    programme_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programmes.id"))
    institution_id: Mapped[str] = mapped_column(ForeignKey("institutions.id"))
    term: Mapped[str] = mapped_column(String(5))
    seats: Mapped[int]
    seats_taken: Mapped[int] = mapped_column(default=0)


class Enrolment(Base):
    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("institution_id", "external_ref", name="uq_enrolment_external_ref"),
        Index("ix_enrolments_municipality", "municipality"),
        Index("ix_enrolments_offering_status", "offering_id", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    offering_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offerings.id"))
    institution_id: Mapped[str] = mapped_column(ForeignKey("institutions.id"))
    external_ref: Mapped[str] = mapped_column(String(200))
    employee_ref: Mapped[str] = mapped_column(String(200))
    municipality: Mapped[str] = mapped_column(String(4))
    term: Mapped[str] = mapped_column(String(5))
    role: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20))
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    registered_by: Mapped[str] = mapped_column(String(200))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[str | None] = mapped_column(String(200))
    withdrawal_reason: Mapped[str | None] = mapped_column(String(1000))
    credits: Mapped[int | None]
    completed_on: Mapped[date | None] = mapped_column(Date)
