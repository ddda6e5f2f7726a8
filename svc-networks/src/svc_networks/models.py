"""Networks' tables (its own database; nobody else reads them)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.inbox import inbox_table
from shared.outbox import outbox_table


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)


class LearningNetwork(Base):
    __tablename__ = "learning_networks"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    county: Mapped[str] = mapped_column(String(2), index=True)
    name: Mapped[str] = mapped_column(String(200))
    established_on: Mapped[date] = mapped_column(Date)


class NetworkMember(Base):
    __tablename__ = "network_members"

    network_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("learning_networks.id"), primary_key=True
    )
    municipality: Mapped[str] = mapped_column(String(4), primary_key=True, index=True)
