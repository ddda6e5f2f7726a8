"""Keeps the local platform's processes running until a signal asks it to stop.

Signal handlers here only set a flag. A handler runs on the main thread between bytecodes, so
one that takes a lock (`threading.Event.set()`) deadlocks when the signal lands while the main
thread holds that same lock inside `Event.wait()`; a plain attribute assignment cannot.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import FrameType
from typing import Protocol

FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
STABLE_AFTER_SECONDS = 60.0  # up this long after a restart: the next crash starts over at 1 s


class StopSignals:
    """SIGINT and SIGTERM, any number and in any order, request a stop; nothing more."""

    def __init__(self) -> None:
        self.requested = False

    def install(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._request)

    def _request(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True


class Supervised(Protocol):
    name: str

    def start(self) -> None: ...

    def exited(self) -> bool: ...

    def log_tail(self, lines: int = 40) -> str: ...


@dataclass
class _Restarts:
    backoff: float = FIRST_BACKOFF_SECONDS
    due_at: float | None = None  # when the crashed process starts again
    started_at: float = 0.0


@dataclass
class Supervisor:
    """Restarts a crashed process after a backoff that doubles while it keeps crashing."""

    processes: Iterable[Supervised]
    clock: Callable[[], float] = time.monotonic
    report: Callable[[str], None] = print
    _restarts: dict[str, _Restarts] = field(default_factory=dict)

    def tick(self) -> None:
        now = self.clock()
        for process in self.processes:
            restarts = self._restarts.setdefault(process.name, _Restarts(started_at=now))
            if restarts.due_at is not None:
                if now >= restarts.due_at:
                    self._restart(process, restarts, now)
            elif process.exited():
                self._schedule(process, restarts, now)

    def _schedule(self, process: Supervised, restarts: _Restarts, now: float) -> None:
        if now - restarts.started_at >= STABLE_AFTER_SECONDS:
            restarts.backoff = FIRST_BACKOFF_SECONDS
        restarts.due_at = now + restarts.backoff
        self.report(
            f"{process.name} exited; restarting in {restarts.backoff:.0f} s. Its log:\n"
            f"{process.log_tail()}"
        )

    def _restart(self, process: Supervised, restarts: _Restarts, now: float) -> None:
        process.start()
        restarts.due_at = None
        restarts.started_at = now
        restarts.backoff = min(restarts.backoff * 2, MAX_BACKOFF_SECONDS)
        self.report(f"{process.name} restarted.")


def supervise_until_stopped(
    supervisor: Supervisor, stop: StopSignals, interval: float = 0.2
) -> None:
    while not stop.requested:
        supervisor.tick()
        time.sleep(interval)
