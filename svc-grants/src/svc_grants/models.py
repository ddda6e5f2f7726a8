"""Grants' tables (its own database; nobody else reads them). Money in integer øre."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.idempotency import idempotency_table
from shared.inbox import inbox_table
from shared.outbox import outbox_table
from shared.provenance import ProvenanceColumns
from svc_grants.domain.applications import CLOSED_WITHOUT_GRANT


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


class Appropriation(Base):
    """The year's appropriation: the most that year's scheme budgets may add up to.

    Every scheme creation of the year locks this row (creating it with no amount if needed),
    so concurrent creations and a new appropriation are serialized per year. `amount_ore` NULL:
    no appropriation set, no limit.
    """

    __tablename__ = "appropriations"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    amount_ore: Mapped[int | None] = mapped_column(BigInteger)
    set_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    set_by: Mapped[str | None] = mapped_column(String(200))


class Eligibility(Base):
    """Learnt from education's enrolment events: which employees' further education qualifies."""

    __tablename__ = "eligibility"
    __table_args__ = (Index("ix_eligibility_municipality", "municipality"),)

    enrolment_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    municipality: Mapped[str] = mapped_column(String(4))
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    employer: Mapped[str | None] = mapped_column(String(9))  # none: the municipality employs


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
    ends_on: Mapped[date | None] = mapped_column(Date)  # an approved grant's period ends
    # Who applied when not the municipality itself: "employer:<orgnr>" or "network:<id>".
    applicant: Mapped[str | None] = mapped_column(String(50))
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


class GrantReport(Base):
    """A reporting duty of an approved grant: one STATUS and one FINAL report each."""

    __tablename__ = "grant_reports"
    __table_args__ = (
        Index("uq_grant_reports_application_kind", "application_id", "kind", unique=True),
        Index("ix_grant_reports_status_due_on", "status", "due_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grant_applications.id"))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date] = mapped_column(Date)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    reminded_on: Mapped[date | None] = mapped_column(Date)  # told it is due soon
    submitted_by: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str | None] = mapped_column(String(2000))
    spent_ore: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decision_reason: Mapped[str | None] = mapped_column(String(2000))


class GrantChangeRequest(Base):
    """The grant holder's request to change an approved grant, and its assessment."""

    __tablename__ = "grant_change_requests"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("grant_applications.id"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(2000))
    new_end_date: Mapped[date | None] = mapped_column(Date)  # EXTENSION
    amount_ore: Mapped[int | None] = mapped_column(BigInteger)  # BUDGET_MOVE
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    requested_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decision_reason: Mapped[str | None] = mapped_column(String(2000))


class GrantDocument(Base):
    """A document of an application, kept as it was sent: the decision letter (a PDF)."""

    __tablename__ = "grant_documents"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("grant_applications.id"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    media_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class GrantNotice(Base):
    """A notice to a municipality or its county governor, written in the transaction of what it
    tells; grants' mail task e-mails it (`sent_at`) when SMTP is configured."""

    __tablename__ = "grant_notices"
    __table_args__ = (Index("ix_grant_notices_sent_at", "sent_at"),)

    id: Mapped[int] = mapped_column(_Id, primary_key=True, autoincrement=True)
    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grant_applications.id"))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(String(4000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class GrantImpartiality(Base):
    """An assessor's declaration on an application before deciding it: no conflict of
    interest, or recused (forvaltningsloven § 6)."""

    __tablename__ = "grant_impartiality"
    __table_args__ = (
        Index(
            "uq_grant_impartiality_application_subject", "application_id", "subject", unique=True
        ),
    )

    id: Mapped[int] = mapped_column(_Id, primary_key=True, autoincrement=True)
    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grant_applications.id"))
    subject: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(100))
    recused: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(2000))
    declared_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
