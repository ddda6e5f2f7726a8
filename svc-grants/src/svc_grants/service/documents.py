"""Documents of applications: the decision letter written with every decision, and its download."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.errors import NotFound
from shared.inputs import maybe_uuid
from shared.queries import many_by
from shared.runtime import ServiceRuntime
from svc_grants import letters
from svc_grants.domain import aftercare
from svc_grants.domain import applications as domain
from svc_grants.domain.aftercare import ReportKind
from svc_grants.models import GrantApplication, GrantDocument, GrantScheme


def write_decision_letter(
    session: AsyncSession, app: GrantApplication, scheme: GrantScheme, reason: str
) -> None:
    """In the decision's transaction: the letter is kept exactly as the decision was made."""
    now = datetime.now(UTC)
    ends_on = app.ends_on
    decision = letters.Decision(
        municipality=app.municipality,
        scheme_name=scheme.name,
        scheme_year=scheme.year,
        scheme_kind=scheme.kind,
        county=scheme.county,
        purpose=app.purpose,
        requested_ore=app.requested_ore,
        approved_ore=app.approved_ore,
        reason=reason,
        decided_on=now.date(),
        reports_due={k: aftercare.due_on(k, ends_on) for k in ReportKind} if ends_on else {},
    )
    session.add(
        GrantDocument(
            id=uuid.uuid4(),
            application_id=app.id,
            title=letters.title(decision),
            media_type=letters.MEDIA_TYPE,
            content=letters.render(decision),
            created_at=now,
        )
    )


async def document(
    runtime: ServiceRuntime, principal: Principal, *, document_id: str
) -> GrantDocument:
    """A document, for whoever may read its application; NOT_FOUND for anyone else."""
    principal.require_authenticated()
    async with runtime.sessions() as session:
        found = await session.get(GrantDocument, maybe_uuid(document_id) or uuid.uuid4())
        app = await session.get(GrantApplication, found.application_id) if found else None
    if found is None or app is None:
        raise NotFound("no document has this id")
    if not domain.may_see_application(principal, app.municipality, app.county, app.applicant):
        raise NotFound("no document has this id")
    return found


documents_by_application = many_by(
    GrantDocument, GrantDocument.application_id, order_by=GrantDocument.created_at
)
