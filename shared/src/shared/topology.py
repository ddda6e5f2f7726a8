"""The platform's processes and their default ports, declared once.

Everything that needs the list of services or where they listen (each service's own
settings, the local platform runner, the router's supergraph composition, the deployment
manifests' check) reads it from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceEntry:
    name: str
    default_port: int

    @property
    def module(self) -> str:
        """The Python module that runs it: `python -m svc_<name>`."""
        return f"svc_{self.name}"


SERVICES: tuple[ServiceEntry, ...] = (
    ServiceEntry("education", 8001),
    ServiceEntry("grants", 8002),
    ServiceEntry("networks", 8003),
    ServiceEntry("guidance", 8004),
)
SERVICE_NAMES: tuple[str, ...] = tuple(service.name for service in SERVICES)
GATEWAY_PORT = 8000


def service(name: str) -> ServiceEntry:
    for entry in SERVICES:
        if entry.name == name:
            return entry
    raise KeyError(f"no service is called {name!r}; the services are {', '.join(SERVICE_NAMES)}")
