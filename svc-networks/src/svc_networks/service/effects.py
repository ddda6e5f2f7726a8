"""What grants' events change here; each runs inside the inbox's transaction, once.

`GrantAwarded` and `GrantRejected` name no project: the application's `GrantApplicationSubmitted`
(same topic, same key: it arrives first) tells which project it is for.
"""

from __future__ import annotations

import uuid

from shared.contracts.grants import GrantApplicationSubmitted
from shared.events import Envelope
from shared.runtime import UnitOfWork
from svc_networks.domain import projects
from svc_networks.models import DevelopmentProject, ProjectGrantApplication
from svc_networks.service.projects import changed, participants_of


async def remember_application(
    uow: UnitOfWork, envelope: Envelope, submitted: GrantApplicationSubmitted
) -> None:
    if submitted.project_id is not None:
        uow.session.add(
            ProjectGrantApplication(
                application_id=submitted.application_id, project_id=submitted.project_id
            )
        )


async def grant_decided(
    uow: UnitOfWork, envelope: Envelope, application_id: uuid.UUID, *, awarded: bool
) -> None:
    """FUNDED on an award, REJECTED on a rejection; nothing for an application not for a
    project of ours, or a decision that no longer applies."""
    link = await uow.session.get(ProjectGrantApplication, application_id)
    if link is None:
        return
    project = await uow.session.get(DevelopmentProject, link.project_id, with_for_update=True)
    if project is None:
        return
    change = projects.grant_decided(project, awarded)
    if change is not None:
        numbers = await participants_of(uow.session, project.id)
        changed(uow, project, change, numbers, f"{envelope.producer}:{envelope.event_id}")
