"""Subscribers for other services' events. Networks consumes none yet."""

from __future__ import annotations

from shared.runtime import ServiceRuntime


def register(runtime: ServiceRuntime) -> None:
    """Networks reacts to no other service's events so far."""
    del runtime
