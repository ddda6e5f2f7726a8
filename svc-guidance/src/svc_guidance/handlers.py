"""Subscribers for other services' events. Guidance consumes none yet."""

from __future__ import annotations

from shared.runtime import ServiceRuntime


def register(runtime: ServiceRuntime) -> None:
    """Guidance reacts to no other service's events so far."""
    del runtime
