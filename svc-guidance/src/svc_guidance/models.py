"""Guidance's tables (its own database; nobody else reads them)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.inbox import inbox_table
from shared.outbox import outbox_table


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)


class GuidanceEngagement(Base):
    __tablename__ = "guidance_engagements"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    municipality: Mapped[str] = mapped_column(String(4), index=True)
    round: Mapped[int] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
