"""Whether a Docker engine answers here (the CLI alone is not enough: it may have no daemon)."""

from __future__ import annotations

import shutil
import subprocess


def docker_available(timeout: float = 5) -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    try:
        # `docker info` asks the daemon; without one it exits non-zero.
        result = subprocess.run([docker, "info"], capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False
    return result.returncode == 0
