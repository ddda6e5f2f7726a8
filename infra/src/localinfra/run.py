"""`make run`: Kafka, the four services and the gateway on this machine, demo data loaded.

Embedded default: SQLite files under .data/ and a local KRaft broker on 127.0.0.1:9092.
`KAFKA_BOOTSTRAP_SERVERS` and `<SERVICE>_DATABASE_URL` point at real infrastructure instead;
`<SERVICE>_PORT` / `GATEWAY_PORT` move the processes. A process that crashes is restarted with
a backoff while the others run; Ctrl-C (or SIGTERM, any number of times) stops everything cleanly.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from localinfra.demo import load_demo_data
from localinfra.kafka import LocalKafka
from localinfra.platform import SERVICES, build_platform
from localinfra.supervise import StopSignals, Supervisor, supervise_until_stopped
from shared.topology import GATEWAY_PORT

DATA = Path(".data")

SAMPLE_QUERY = """{
  municipality(number: "2012") {
    number name nameIn(year: 2018) county { name nameIn(year: 2018) }
    enrolments { externalRef status offering { term programme { name } } }
    grantEligibility { enrolmentId status scheme { name availableNok } }
  }
}"""


def run_platform() -> None:
    stop = StopSignals()
    stop.install()
    kafka = _local_kafka()
    try:
        bootstrap = kafka.bootstrap_servers if kafka else os.environ["KAFKA_BOOTSTRAP_SERVERS"]
        platform = build_platform(
            kafka_bootstrap=bootstrap,
            database_urls={name: _database_url(name) for name in SERVICES},
            log_dir=DATA / "logs",
            ports=_ports(),
        )
        try:
            platform.start()
            loaded = load_demo_data(platform.gateway_url)
            _announce(platform.gateway_url, loaded)
            supervise_until_stopped(Supervisor(list(platform.processes.values())), stop)
        finally:
            print("\nStopping the platform...", flush=True)
            platform.stop()
    finally:
        if kafka is not None:
            kafka.stop()
    print("Stopped.")


def _local_kafka() -> LocalKafka | None:
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        return None
    port = int(os.environ.get("KAFKA_PORT", "9092"))
    kafka = LocalKafka(port=port, data_dir=DATA / "kafka")
    print(f"Starting Kafka on 127.0.0.1:{port} ...", flush=True)
    kafka.start()
    print(f"Kafka accepts connections ({kafka.started_in_seconds:.1f} s).", flush=True)
    return kafka


def _database_url(service: str) -> str:
    configured = os.environ.get(f"{service.upper()}_DATABASE_URL")
    if configured:
        return configured
    DATA.mkdir(exist_ok=True)
    return f"sqlite+aiosqlite:///{(DATA / f'{service}.db').resolve()}"


def _ports() -> dict[str, int]:
    ports = {
        name: int(os.environ.get(f"{name.upper()}_PORT", port)) for name, port in SERVICES.items()
    }
    ports["gateway"] = int(os.environ.get("GATEWAY_PORT", GATEWAY_PORT))
    return ports


def _announce(gateway_url: str, loaded: dict[str, int]) -> None:
    time.sleep(0.5)
    print(
        f"""
Kompetanseløftet is running.
  GraphiQL:   {gateway_url}
  Subgraphs:  {", ".join(f"{n} :{p}" for n, p in _ports().items() if n != "gateway")}
  Logs:       {(DATA / "logs").resolve()}
  Demo data:  {loaded}

Most data needs a token:  make token ROLE=directorate   (or county:56, municipality:5601,
institution:uis); send it as the header  Authorization: Bearer <token>.

A sample query (Alta by its 2018 number):
{SAMPLE_QUERY}

Ctrl-C stops everything.""",
        flush=True,
    )
