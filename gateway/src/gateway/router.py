"""Commands for the router's two steps: compose the supergraph, then serve it.

The subgraphs and their URLs come from the caller (the platform runner reads them from
`shared.topology`), so this package stays free of the services' dependencies.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

GATEWAY_DIR = Path(__file__).resolve().parents[2]
COMPOSE_SCRIPT = GATEWAY_DIR / "compose.mjs"
CONFIG = GATEWAY_DIR / "gateway.config.ts"
HIVE_GATEWAY = GATEWAY_DIR / "node_modules" / "@graphql-hive" / "gateway" / "dist" / "bin.js"


class CompositionError(RuntimeError):
    """The subgraphs gave no SDL in time, or their SDL does not compose; the message says which."""


def compose_supergraph(
    subgraph_urls: Mapping[str, str],
    out: Path,
    *,
    wait_seconds: float = 60,
    sdl_dir: Path | None = None,
) -> None:
    """Writes the supergraph of the subgraphs at `subgraph_urls` (name → GraphQL URL) to `out`.

    Their SDL is asked from the running subgraphs, or read from `sdl_dir/<name>.graphql`.
    """
    command = ["node", str(COMPOSE_SCRIPT), "--out", str(out), "--wait", str(wait_seconds)]
    if sdl_dir is not None:
        command += ["--sdl-dir", str(sdl_dir)]
    command += [f"{name}={url}" for name, url in subgraph_urls.items()]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CompositionError(result.stderr.strip() or f"compose.mjs exited {result.returncode}")


def router_command() -> list[str]:
    """The router, configured by gateway.config.ts and the environment (`router_environment`)."""
    return ["node", str(HIVE_GATEWAY), "supergraph", "--config-path", str(CONFIG)]


def router_environment(supergraph: Path, port: int) -> dict[str, str]:
    """Serve `supergraph` (read again whenever it changes) on 127.0.0.1:`port`."""
    return {
        "GATEWAY_SUPERGRAPH": str(supergraph.resolve()),
        "GATEWAY_PORT": str(port),
        "LOG_JSON": "1",  # one JSON object a line, like the services' logs
    }
