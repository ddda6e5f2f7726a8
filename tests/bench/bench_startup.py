"""How long a process of the platform takes to start, and what of it is Python compiling itself.

Not part of the test suite: `make bench`. It prints figures and asserts only that each start
succeeded. Three figures, each the median of BENCH_STARTS runs (3):

- import CPU: user + system CPU of `python -c "import svc_<name>.app"` with the bytecode that
  `make setup` compiles, and with an empty bytecode cache and PYTHONDONTWRITEBYTECODE=1, which
  is every process's lot when the libraries were installed without their bytecode and Python
  may not write it (as on our machines);
- ready: from starting a service on its migrated PostgreSQL database and the local broker to
  its `/readyz` answering 200 (its subscribers joined their group, its relay running);
- platform: the end-to-end tests' platform: four services and the router on copies of migrated
  databases, from the first process started to the router answering.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from localinfra.platform import MIGRATE_TIMEOUT_SECONDS, SERVICES, build_platform
from localinfra.ports import free_port

pytestmark = pytest.mark.integration

STARTS = int(os.environ.get("BENCH_STARTS", "3"))


def median_of(measure: Callable[..., float], *args: Any) -> float:
    return statistics.median(measure(*args) for _ in range(STARTS))


def import_cpu(service: str, env: dict[str, str]) -> float:
    """CPU seconds of a child process that imports the service's app, and nothing else."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", f"import svc_{service}.app"], env=env, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def test_import_cpu_with_and_without_compiled_bytecode(tmp_path: Path) -> None:
    compiled = dict(os.environ)
    uncompiled = {
        **os.environ,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPYCACHEPREFIX": str(tmp_path / "empty-cache"),  # no .pyc is found there
    }
    print("\nimport CPU (s), median of", STARTS, "| compiled | compiling every library")
    for service in SERVICES:
        with_bytecode = median_of(import_cpu, service, compiled)
        without = median_of(import_cpu, service, uncompiled)
        print(f"  {service:<10} | {with_bytecode:5.2f} | {without:5.2f}")


def test_time_to_ready(kafka_bootstrap: str, postgres: Any, tmp_path: Path) -> None:
    run = uuid.uuid4().hex[:8]
    platform = build_platform(
        kafka_bootstrap=kafka_bootstrap,
        database_urls={n: postgres.create_database(f"startup_{n}_{run}") for n in SERVICES},
        log_dir=tmp_path / "logs",
        ports={name: free_port() for name in [*SERVICES, "gateway"]},
    )
    platform.migrate(platform.services, MIGRATE_TIMEOUT_SECONDS)

    def ready(service: str) -> float:
        process = platform[service]
        started = time.perf_counter()
        process.start()
        try:
            process.wait_ready(120)
            return time.perf_counter() - started
        finally:
            process.stop()

    print("\nstart to /readyz 200 (s), alone on an idle platform, median of", STARTS)
    for service in SERVICES:
        print(f"  {service:<10} {median_of(ready, service):5.2f}")


def test_platform_start(
    kafka_bootstrap: str, postgres: Any, migrated_templates: dict[str, str], tmp_path: Path
) -> None:
    def start() -> float:
        run = uuid.uuid4().hex[:8]
        platform = build_platform(
            kafka_bootstrap=kafka_bootstrap,
            database_urls={
                name: postgres.create_database(f"startup_{name}_{run}", template=template)
                for name, template in migrated_templates.items()
            },
            log_dir=tmp_path / run,
            ports={name: free_port() for name in [*SERVICES, "gateway"]},
        )
        started = time.perf_counter()
        try:
            platform.start(migrate=False)
            return time.perf_counter() - started
        finally:
            platform.stop()

    print(f"\nplatform (4 services + router) to the router answering: {median_of(start):.1f} s")
