"""The directorate's grant schemes and their annual budgets."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from shared.auth import Principal
from shared.money import parse_nok, parse_optional_nok
from shared.provenance import parse_provenance
from shared.runtime import ServiceRuntime
from svc_grants import domain
from svc_grants.domain import SchemeKind
from svc_grants.models import GrantScheme


async def create_scheme(
    runtime: ServiceRuntime,
    principal: Principal,
    *,
    name: str,
    year: int,
    kind: SchemeKind,
    budget_nok: str,
    county: str | None,
    cap_per_enrolment_nok: str | None = None,
    demo: bool = False,
    source: str | None = None,
) -> GrantScheme:
    principal.require_directorate()
    provenance = parse_provenance(demo, source)
    budget = parse_nok(budget_nok, "budgetNok")
    cap = parse_optional_nok(cap_per_enrolment_nok, "capPerEnrolmentNok")
    terms = domain.validate_scheme(name, year, budget, kind, county, cap)
    scheme = GrantScheme(
        id=uuid.uuid4(),
        name=name.strip(),
        year=year,
        kind=kind,
        county=terms.county,
        county_as_posted=county.strip() if terms.county and county else None,
        budget_ore=budget,
        committed_ore=0,
        paid_ore=0,
        cap_per_enrolment_ore=terms.cap_per_enrolment_ore,
        created_at=datetime.now(UTC),
        created_by=principal.subject or "directorate",
    )
    scheme.set_provenance(provenance)
    async with runtime.unit_of_work() as uow:
        uow.session.add(scheme)
    return scheme
