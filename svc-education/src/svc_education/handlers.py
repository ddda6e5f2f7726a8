"""Subscribers for other services' events. Education consumes none yet."""

from __future__ import annotations

from shared.runtime import ServiceRuntime


def register(runtime: ServiceRuntime) -> None:
    """Education reacts to no other service's events so far."""
    del runtime
