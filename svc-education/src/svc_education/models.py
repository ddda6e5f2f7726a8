"""Education's tables (its own database; nobody else reads them)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    UniqueConstraint,
    Uuid,
    false,
    true,
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
    semesters: Mapped[int] = mapped_column(default=2, server_default="2")
    level: Mapped[str] = mapped_column(String(20), default="MASTER", server_default="MASTER")
    free_for_participants: Mapped[bool] = mapped_column(default=True, server_default=true())


class Offering(ProvenanceColumns, Base):
    __tablename__ = "offerings"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    programme_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programmes.id"))
    institution_id: Mapped[str] = mapped_column(ForeignKey("institutions.id"))
    term: Mapped[str] = mapped_column(String(5))
    seats: Mapped[int]
    seats_taken: Mapped[int] = mapped_column(default=0)


class Enrolment(ProvenanceColumns, Base):
    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("institution_id", "external_ref", name="uq_enrolment_external_ref"),
        Index("ix_enrolments_municipality", "municipality"),
        Index("ix_enrolments_offering_status", "offering_id", "status"),
        # An employee's active enrolments, looked up at every registration.
        Index("ix_enrolments_institution_employee", "institution_id", "employee_ref"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    offering_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offerings.id"))
    institution_id: Mapped[str] = mapped_column(ForeignKey("institutions.id"))
    external_ref: Mapped[str] = mapped_column(String(200))
    employee_ref: Mapped[str] = mapped_column(String(200))
    municipality: Mapped[str] = mapped_column(String(4))
    # The number as posted (maybe of before a reform: 1432 Førde); None before 0021.
    municipality_as_posted: Mapped[str | None] = mapped_column(String(4))
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


class SupportCohort(ProvenanceColumns, Base):
    """A service-support programme cohort: one county's services, one knowledge centre."""

    __tablename__ = "support_cohorts"
    __table_args__ = (Index("ix_support_cohorts_county_term", "county", "term"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    county: Mapped[str] = mapped_column(String(2))
    term: Mapped[str] = mapped_column(String(5))
    knowledge_centre: Mapped[str] = mapped_column(String(30))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_by: Mapped[str | None] = mapped_column(String(200))


class CohortGathering(Base):
    __tablename__ = "support_gatherings"
    __table_args__ = (
        UniqueConstraint("cohort_id", "kind", "held_on", name="uq_support_gathering"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    cohort_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("support_cohorts.id"))
    kind: Mapped[str] = mapped_column(String(20))
    held_on: Mapped[date] = mapped_column(Date)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    added_by: Mapped[str] = mapped_column(String(200))


class CohortParticipation(ProvenanceColumns, Base):
    """A municipality's service in a cohort; `participants` counts its participant rows."""

    __tablename__ = "support_participations"
    __table_args__ = (
        UniqueConstraint("cohort_id", "municipality", name="uq_support_participation"),
        Index("ix_support_participations_municipality", "municipality"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    cohort_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("support_cohorts.id"))
    municipality: Mapped[str] = mapped_column(String(4))
    # The number as posted (maybe of before a reform: 1129 Forsand); None for rows before 0020.
    municipality_as_posted: Mapped[str | None] = mapped_column(String(4))
    # Joined a neighbouring county's cohort where the programme enrolled it (Etne, Sveio 2018).
    across_county_border: Mapped[bool] = mapped_column(default=False, server_default=false())
    head_count: Mapped[int]
    participants: Mapped[int]
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    joined_by: Mapped[str] = mapped_column(String(200))


class SupportProgrammeYear(ProvenanceColumns, Base):
    """A year's reported totals of the programme, for years known only as totals (2017, before
    the platform's cohorts): the figures as reported, `approximate` where the report says about."""

    __tablename__ = "support_programme_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    employees: Mapped[int]
    municipalities: Mapped[int | None]
    counties: Mapped[int | None]
    approximate: Mapped[bool]
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(200))


class CohortParticipant(Base):
    __tablename__ = "support_participants"

    participation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("support_participations.id"), primary_key=True
    )
    employee_ref: Mapped[str] = mapped_column(String(200), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))


class EvaluationSubmission(Base):
    """One posting of anonymous evaluation forms; its ref makes a re-post a replay."""

    __tablename__ = "support_evaluation_submissions"

    cohort_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("support_cohorts.id"), primary_key=True)
    submission_ref: Mapped[str] = mapped_column(String(200), primary_key=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(200))


class EvaluationResponse(Base):
    """One participant's anonymous answers: nothing links it to a person or municipality."""

    __tablename__ = "support_evaluation_responses"
    __table_args__ = (
        ForeignKeyConstraint(
            ["cohort_id", "submission_ref"],
            [
                "support_evaluation_submissions.cohort_id",
                "support_evaluation_submissions.submission_ref",
            ],
        ),
        Index("ix_support_evaluation_responses_cohort", "cohort_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    cohort_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    submission_ref: Mapped[str] = mapped_column(String(200))
    satisfaction: Mapped[int]
    relevance: Mapped[int]
    learning_outcome: Mapped[int]


class WorkforceRecord(Base):
    """A municipality's child-welfare workforce as of a date; replaced as a whole."""

    __tablename__ = "workforce_records"

    municipality: Mapped[str] = mapped_column(String(4), primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(200))


class WorkforceMember(Base):
    __tablename__ = "workforce_members"

    municipality: Mapped[str] = mapped_column(
        ForeignKey("workforce_records.municipality"), primary_key=True
    )
    employee_ref: Mapped[str] = mapped_column(String(200), primary_key=True)
    position: Mapped[str] = mapped_column(String(20))
    education: Mapped[str] = mapped_column(String(20))


# Coverage: what education learns from the other services' events, for the overviews
# (docs/decisions/coverage-projection.md). Municipalities are today's numbers.


class CoverageGrant(Base):
    """One grant application's money, from grants' events."""

    __tablename__ = "coverage_grants"
    __table_args__ = (Index("ix_coverage_grants_year", "year"),)

    application_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    municipality: Mapped[str] = mapped_column(String(4))
    year: Mapped[int]
    kind: Mapped[str] = mapped_column(String(30))
    committed_ore: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_ore: Mapped[int] = mapped_column(BigInteger, default=0)


class CoverageMembership(Base):
    """One membership of a learning network, from networks' events."""

    __tablename__ = "coverage_memberships"

    network_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    municipality: Mapped[str] = mapped_column(String(4), primary_key=True)
    joined_on: Mapped[date] = mapped_column(Date, primary_key=True)
    left_on: Mapped[date | None] = mapped_column(Date)


class CoverageEngagement(Base):
    """A guidance engagement for one municipality it covers, from guidance's events."""

    __tablename__ = "coverage_engagements"

    engagement_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    municipality: Mapped[str] = mapped_column(String(4), primary_key=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)  # as planned while active, else the actual end
