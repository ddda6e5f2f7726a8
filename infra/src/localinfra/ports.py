"""Free TCP ports on 127.0.0.1 for brokers, databases and services started by tests."""

from __future__ import annotations

import socket

# Ports already handed out by this process: callers bind them later, so the kernel still sees
# them as free and could hand the same one out twice.
_handed_out: set[int] = set()


def free_port() -> int:
    """A port nothing listens on now and that this process has not handed out before."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port: int = sock.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port
