"""Grants' scheduler, a task of the service process: finds reports whose due date has passed,
and reminds the holders of reports due soon.

Every replica runs it; `mark_overdue_reports` locks the rows it changes, so each report falls
overdue (and its event is emitted) once. The clock and the pause are injected for tests.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date

from shared.observability import get_logger
from shared.runtime import ServiceRuntime
from svc_grants.service import aftercare

log = get_logger(__name__)

CHECK_EVERY_SECONDS = 3600.0  # due dates are days: an hour late is on time


async def overdue_reports(
    runtime: ServiceRuntime,
    *,
    clock: Callable[[], date] = aftercare.today,
    pause: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Runs until cancelled; a failed round (the database away, say) is tried again next time."""
    while True:
        try:
            today = clock()
            changed = await aftercare.mark_overdue_reports(runtime, today=today)
            reminded = await aftercare.remind_due_reports(runtime, today=today)
            if changed or reminded:
                log.info("grant reports checked", overdue=changed, reminded=reminded)
        except Exception as error:
            log.warning("the overdue-report check failed; trying again later", error=repr(error))
        await pause(CHECK_EVERY_SECONDS)
