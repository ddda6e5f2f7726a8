"""python -m localinfra: local Kafka and PostgreSQL by hand, and the platform (`make run`).

kafka fetch       the Kafka jars into the cache, nothing else
kafka start       a broker in the foreground until Ctrl-C; --port (9092), --data-dir
                  (.data/kafka in the repo, kept for the next start)
kafka stop        stops a broker `kafka start` left running (its pid file in --data-dir)
postgres start    a throwaway cluster until Ctrl-C; --port (a free one), --database NAME
                  (created, repeatable)
platform          Kafka, the services and the gateway (see localinfra.run)
contracts         regenerates the committed contracts (`make contracts`); --check only
                  compares, failing on drift or a breaking change (localinfra.contracts)
gateway           composes the supergraph from the running services (`<SERVICE>_URL`), then
                  runs the router on it (deployments: Procfile, docker-compose, Kubernetes);
                  --supergraph (.data/supergraph.graphql)
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from localinfra.kafka import LocalKafka, fetch_jars, stop_broker
from localinfra.postgres import LocalPostgres

DATA = Path(__file__).resolve().parents[3] / ".data"
KAFKA_DATA = DATA / "kafka"
SUPERGRAPH = DATA / "supergraph.graphql"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        "python -m localinfra", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    kafka = commands.add_parser("kafka")
    kafka.add_argument("action", choices=["fetch", "start", "stop"])
    kafka.add_argument("--port", type=int, default=9092)
    kafka.add_argument("--data-dir", type=Path, default=KAFKA_DATA)
    postgres = commands.add_parser("postgres")
    postgres.add_argument("action", choices=["start"])
    postgres.add_argument("--port", type=int, help="default: a free port")
    postgres.add_argument("--database", action="append", default=[], help="create it (repeatable)")
    commands.add_parser("platform")
    contracts = commands.add_parser("contracts")
    contracts.add_argument("--check", action="store_true")
    gateway = commands.add_parser("gateway")
    gateway.add_argument("--supergraph", type=Path, default=SUPERGRAPH)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # `kill` stops cleanly, like Ctrl-C
    if args.command == "kafka":
        _kafka(args.action, args.port, args.data_dir)
    elif args.command == "postgres":
        _postgres(args.port, args.database)
    elif args.command == "contracts":
        from localinfra.contracts import run  # imports the services

        sys.exit(run(check=args.check))
    elif args.command == "gateway":
        from localinfra.platform import run_router

        args.supergraph.parent.mkdir(parents=True, exist_ok=True)
        run_router(args.supergraph)
    else:
        from localinfra.run import run_platform  # imports the services' dependencies

        run_platform()


def _kafka(action: str, port: int, data_dir: Path) -> None:
    if action == "fetch":
        print(f"Kafka jars in {fetch_jars()}")
    elif action == "stop":
        print("Kafka stopped." if stop_broker(data_dir) else "No Kafka was running.")
    else:
        _kafka_foreground(LocalKafka(port=port, data_dir=data_dir))


def _kafka_foreground(broker: LocalKafka) -> None:
    try:  # from before start(): Ctrl-C while it starts must stop the broker too
        seconds = broker.start()
        print(f"Kafka on {broker.bootstrap_servers} ({seconds:.1f} s); log: {broker.log_path}")
        _wait_while(lambda: broker.running)
        sys.exit(f"Kafka exited:\n{broker.log_excerpt()}")
    except KeyboardInterrupt:
        print("Stopping Kafka...", flush=True)
    finally:
        broker.stop()


def _postgres(port: int | None, databases: list[str]) -> None:
    cluster = LocalPostgres(port=port)
    try:
        cluster.start()
        print(f"PostgreSQL on 127.0.0.1:{cluster.port}, user postgres, no password:")
        print(f"  {cluster.url('postgres')}")
        for name in databases:
            print(f"  {cluster.create_database(name)}")
        _wait_while(lambda: cluster.running)
        sys.exit("PostgreSQL exited by itself.")
    except KeyboardInterrupt:
        print("Stopping PostgreSQL...", flush=True)
    finally:
        cluster.stop()


def _wait_while(alive: Callable[[], bool]) -> None:
    print("Ctrl-C stops it.", flush=True)
    while alive():
        time.sleep(1)


if __name__ == "__main__":
    main()
