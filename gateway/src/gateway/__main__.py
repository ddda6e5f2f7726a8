"""`python -m gateway`: the gateway as one uvicorn process, configured from the environment."""

from __future__ import annotations

import logging

import uvicorn

from gateway.app import create_app
from gateway.settings import GatewaySettings
from shared.observability import configure_logging


def main() -> None:
    configure_logging("gateway")
    # httpx logs every subgraph call at INFO; the gateway's metrics count them instead.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = GatewaySettings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)


if __name__ == "__main__":
    main()
