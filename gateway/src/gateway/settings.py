"""The gateway's settings from the environment.

The gateway's own knobs are `GATEWAY_*` (`GATEWAY_HOST`, `GATEWAY_PORT`, ...); the subgraph URLs
are `EDUCATION_URL`, `GRANTS_URL`, `NETWORKS_URL`, `GUIDANCE_URL` and the token settings
`JWT_SECRET`, `JWT_ALGORITHM`, `JWT_AUDIENCE`, `JWKS_URL`, the names every process and manifest
already uses (so no prefix for those). An empty subgraph URL leaves that subgraph out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import AuthSettings

SUBGRAPHS = ("education", "grants", "networks", "guidance")


def _gateway(default: Any, name: str, **constraints: Any) -> Any:
    """A field read from `GATEWAY_<NAME>`; in code it is still set by its own name."""
    return Field(default, validation_alias=f"GATEWAY_{name.upper()}", **constraints)


class GatewaySettings(AuthSettings):
    model_config = SettingsConfigDict(extra="forbid")  # a misspelt keyword fails loudly

    host: str = _gateway("127.0.0.1", "host")
    port: int = _gateway(8000, "port")
    education_url: str = "http://127.0.0.1:8001/graphql"
    grants_url: str = "http://127.0.0.1:8002/graphql"
    networks_url: str = "http://127.0.0.1:8003/graphql"
    guidance_url: str = "http://127.0.0.1:8004/graphql"
    subgraph_timeout_seconds: float = _gateway(10.0, "subgraph_timeout_seconds", gt=0)
    startup_timeout_seconds: float = _gateway(60.0, "startup_timeout_seconds", gt=0)
    graphiql: bool = _gateway(True, "graphiql")
    introspection: bool = _gateway(True, "introspection")
    max_depth: int = _gateway(15, "max_depth", gt=0)
    max_cost: int = _gateway(5000, "max_cost", gt=0)
    # Production: compose from `<name>.graphql` files (a reviewed release) instead of asking
    # the running subgraphs, so a subgraph deploy never changes the client API by surprise.
    supergraph_dir: Path | None = _gateway(None, "supergraph_dir")

    @property
    def subgraphs(self) -> dict[str, str]:
        """Subgraph name → URL of its /graphql, in planning order (earlier wins a shared field)."""
        urls = {name: getattr(self, f"{name}_url") for name in SUBGRAPHS}
        return {name: url for name, url in urls.items() if url}
