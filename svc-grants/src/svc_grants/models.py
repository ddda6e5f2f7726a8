"""Grants' tables (its own database; nobody else reads them). Money in integer øre."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.inbox import inbox_table
from shared.outbox import outbox_table


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)


class GrantScheme(Base):
    __tablename__ = "grant_schemes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(40))
    county: Mapped[str | None] = mapped_column(String(2))
    budget_ore: Mapped[int] = mapped_column(BigInteger)
    committed_ore: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_ore: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))


class Eligibility(Base):
    """Learnt from education's enrolment events: which employees' further education qualifies."""

    __tablename__ = "eligibility"
    __table_args__ = (Index("ix_eligibility_municipality", "municipality"),)

    enrolment_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    municipality: Mapped[str] = mapped_column(String(4))
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
