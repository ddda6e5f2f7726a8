"""Where the subgraphs' SDL comes from at start-up: the running subgraphs, or files.

Subgraphs start in any order, so each is asked for `{ _service { sdl } }` until it answers or
the start-up timeout passes. With `supergraph_dir` the SDL is read from `<name>.graphql` files
instead: production composes a reviewed release rather than whatever is running.
"""

from __future__ import annotations

import asyncio
import time

from gateway.client import SubgraphClient, SubgraphUnavailable
from gateway.composition import CompositionError, Supergraph, compose
from gateway.settings import GatewaySettings
from shared.observability import get_logger

log = get_logger(__name__)

SDL_QUERY = "{ _service { sdl } }"


async def compose_supergraph(settings: GatewaySettings, client: SubgraphClient) -> Supergraph:
    if settings.supergraph_dir is not None:
        sdls = read_sdl_files(settings)
    else:
        sdls = await fetch_sdls(client, settings.startup_timeout_seconds)
    supergraph = compose(sdls)
    log.info("schema composed", subgraphs=list(sdls))
    return supergraph


def read_sdl_files(settings: GatewaySettings) -> dict[str, str]:
    assert settings.supergraph_dir is not None
    paths = {name: settings.supergraph_dir / f"{name}.graphql" for name in settings.subgraphs}
    missing = [str(path) for path in paths.values() if not path.is_file()]
    if missing:
        raise CompositionError([f"no SDL file {path}" for path in missing])
    return {name: path.read_text(encoding="utf-8") for name, path in paths.items()}


async def fetch_sdls(client: SubgraphClient, timeout_seconds: float) -> dict[str, str]:
    deadline = time.monotonic() + timeout_seconds
    names = list(client.urls)
    sdls = await asyncio.gather(*(_fetch_sdl(client, name, deadline) for name in names))
    return dict(zip(names, sdls, strict=True))


async def _fetch_sdl(client: SubgraphClient, name: str, deadline: float) -> str:
    delay = 0.1
    while True:
        try:
            response = await client.execute(name, SDL_QUERY)
            sdl = ((response.data or {}).get("_service") or {}).get("sdl")
            if isinstance(sdl, str):
                return sdl
            reason = f"no SDL in the answer: {response.errors}"
        except SubgraphUnavailable as error:
            reason = error.reason
        if time.monotonic() + delay > deadline:
            raise CompositionError([f"subgraph {name} gave no SDL before the timeout: {reason}"])
        log.info("waiting for a subgraph's SDL", subgraph=name, reason=reason)
        await asyncio.sleep(delay)
        delay = min(delay * 2, 2.0)
