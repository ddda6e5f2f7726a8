"""The event pipeline at speed (issue 9): enrolments posted at the router until grants holds
every eligibility, with every process real, on the embedded default (SQLite files) and on
PostgreSQL; beside each figure, this machine's raw limits measured in the same run.

Not part of the test suite: `make bench`. It prints figures and asserts only correctness.
Phases per database: raw limits, idle memory, bulk batches end to end (memory under load),
single-row posts at a fixed rate (commit → eligibility latency from the two services' own
timestamps), and a fresh grants replaying a backlog straight from Kafka.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import Column, MetaData, String, Table, text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.auth import issue_token
from shared.contracts.education import ENROLMENTS_TOPIC
from shared.db import create_engine
from shared.messaging import ensure_topics
from shared.settings import AuthSettings
from shared.testing import enrolment_registered
from tests.bench.bench_enrolment_ingestion import CREATE_OFFERING, LAW, machine

BULK_TOTAL, BULK_BATCH, BULK_CLIENTS = 20_000, 1_000, 4
SINGLE_RATES, SINGLE_SECONDS = (25, 200), 10  # single-row posts per second, for how long
SINGLE_GRACE = 20  # seconds the last posts may take; later ones count as unanswered
SINGLE_IN_FLIGHT = 16  # posts in flight at once, like a partner's client with a pool of 16
BACKLOG = 100_000
SEATS_PER_OFFERING = 10_000  # the most an offering may have
REGISTER = """mutation($i: [EnrolmentInput!]!) { registerEnrolments(input: $i) {
  accepted waitlisted rejected } }"""


@dataclass
class Platform:
    """The five processes on one kind of database, and what the bench reads from them."""

    backend: str
    running: Any  # localinfra.platform.Platform
    urls: dict[str, str]
    kafka_bootstrap: str
    engines: dict[str, AsyncEngine] = field(default_factory=dict)

    def engine(self, service: str) -> AsyncEngine:
        if service not in self.engines:
            self.engines[service] = create_engine(self.urls[service])
        return self.engines[service]

    async def scalar(self, service: str, sql: str) -> Any:
        async with self.engine(service).connect() as connection:
            return await connection.scalar(text(sql))

    def pids(self, *, with_broker: bool = False) -> dict[str, int]:
        pids = {name: p.popen.pid for name, p in self.running.processes.items() if p.popen}
        broker = broker_pid(self.kafka_bootstrap) if with_broker else None
        return pids | ({"kafka": broker} if broker else {})


def database_urls(backend: str, postgres: Any, folder: Path, run: str) -> dict[str, str]:
    from localinfra.platform import SERVICES

    if backend == "sqlite":
        return {name: f"sqlite+aiosqlite:///{folder / f'{name}.db'}" for name in SERVICES}
    return {name: postgres.create_database(f"bench_{name}_{run}") for name in SERVICES}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def platform(
    request: pytest.FixtureRequest,
    kafka_bootstrap: str,
    postgres: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Platform]:
    from localinfra.platform import SERVICES, build_platform
    from localinfra.ports import free_port

    backend = request.param
    folder = tmp_path_factory.mktemp(f"bench-{backend}")
    urls = database_urls(backend, postgres, folder, uuid.uuid4().hex[:8])
    running = build_platform(
        kafka_bootstrap=kafka_bootstrap,
        database_urls=urls,
        log_dir=folder / "logs",
        ports={name: free_port() for name in [*SERVICES, "gateway"]},
        # A batch of 1,000 can take seconds on a loaded machine: the router's default 10 s
        # subgraph timeout would turn queueing into failures and hide the throughput.
        extra_env={"GATEWAY_SUBGRAPH_TIMEOUT_MS": "60000", "REQUEST_TIMEOUT_SECONDS": "55"},
    )
    await asyncio.to_thread(running.start)
    bench = Platform(backend, running, urls, kafka_bootstrap)
    try:
        yield bench
    finally:
        for engine in bench.engines.values():
            await engine.dispose()
        await asyncio.to_thread(running.stop)


class GatewayError(Exception):
    """The router answered with errors (e.g. a subgraph timeout under overload)."""


class Gateway:
    """A partner institution's machine client at the router."""

    def __init__(self, url: str) -> None:
        self.url = url
        token = issue_token(["institution:uis"], AuthSettings())
        self.http = httpx.AsyncClient(
            timeout=120,
            headers={"Authorization": f"Bearer {token}"},
            limits=httpx.Limits(max_connections=64),
        )

    async def call(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = await self.http.post(self.url, json={"query": query, "variables": variables})
        body = response.json()
        if "errors" in body:
            raise GatewayError(body["errors"])
        return body["data"]

    async def offering(self) -> str:
        variables = {"i": {"programmeId": LAW, "term": "2018H", "seats": SEATS_PER_OFFERING}}
        return (await self.call(CREATE_OFFERING, variables))["createOffering"]["id"]

    async def register(self, offering_id: str, refs: range, tag: str) -> int:
        rows = [
            {
                "offeringId": offering_id,
                "municipality": "5601",
                "employeeRef": f"e-{tag}-{i}",
                "externalRef": f"r-{tag}-{i}",
                "role": "caseworker",
            }
            for i in refs
        ]
        result = (await self.call(REGISTER, {"i": rows}))["registerEnrolments"]
        assert result["rejected"] == 0, result
        return int(result["accepted"]) + int(result["waitlisted"])


def run_tag() -> str:
    """A run's mark in its references, in letters only: a random hex tag ending in digits,
    followed by a row's number, spelled a valid-looking identity number in 8 rows of 1,000,
    which the service rightly refuses."""
    return uuid.uuid4().hex[:8].translate(str.maketrans("0123456789", "ghijklmnop"))


# Raw limits of this machine -------------------------------------------------------------------


async def raw_produce_rate(bootstrap: str, values: list[bytes]) -> float:
    """Messages/s one idempotent aiokafka producer sends and has acknowledged (as the relay)."""
    topic = f"bench.raw.{uuid.uuid4().hex[:8]}"
    await ensure_topics(bootstrap, [topic], partitions=3)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, linger_ms=5)
    await producer.start()
    try:
        began = time.perf_counter()
        for start in range(0, len(values), 1000):
            chunk = values[start : start + 1000]
            futures = [await producer.send(topic, value, key=b"5601") for value in chunk]
            await asyncio.gather(*futures)
        return len(values) / (time.perf_counter() - began)
    finally:
        await producer.stop()


SCRATCH = MetaData()
scratch = Table(
    "bench_scratch",
    SCRATCH,
    Column("id", String(36), primary_key=True),
    Column("body", String(1000)),
)


async def raw_insert_rates(engine: AsyncEngine, rows: int = 20_000) -> tuple[float, float]:
    """Rows/s inserted in transactions of 1,000, and one-row commits/s, through the services'
    own engine settings (shared.db), into a scratch table of the same database."""
    async with engine.begin() as connection:
        await connection.run_sync(SCRATCH.create_all)
    body = "x" * 500  # about an envelope's size
    began = time.perf_counter()
    for _ in range(0, rows, 1000):
        async with engine.begin() as connection:
            await connection.execute(
                scratch.insert(), [{"id": str(uuid.uuid4()), "body": body} for _ in range(1000)]
            )
    bulk = rows / (time.perf_counter() - began)
    singles = 1000
    began = time.perf_counter()
    for _ in range(singles):
        async with engine.begin() as connection:
            await connection.execute(scratch.insert(), {"id": str(uuid.uuid4()), "body": body})
    single = singles / (time.perf_counter() - began)
    async with engine.begin() as connection:
        await connection.run_sync(SCRATCH.drop_all)
    return bulk, single


# Resident memory ------------------------------------------------------------------------------


def resident_mb(pid: int) -> float:
    """VmRSS of a process and its descendants (the router runs node under its own process)."""
    total_kb = 0
    for each in [pid, *descendants(pid)]:
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except OSError:
            continue
        total_kb += next(
            (int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS")), 0
        )
    return total_kb / 1024


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found.append(child)
        todo.extend(children.get(child, []))
    return found


class PeakMemory:
    """Samples each process's resident memory twice a second; keeps the highest."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.peak = dict.fromkeys(pids, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            for name, pid in self.pids.items():
                self.peak[name] = max(self.peak[name], resident_mb(pid))


# CPU per enrolment ----------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process and its descendants, from /proc."""
    ticks = 0
    for each in [pid, *descendants(pid)]:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def broker_pid(bootstrap: str) -> int | None:
    """The local broker's JVM, found by the listener in its config (None for an outside one)."""
    listener = f"//{bootstrap}"
    for entry in Path("/proc").iterdir():
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
            # A broker in a container shows here too, with a config path of its own filesystem.
            if b"kafka.Kafka" in arguments and listener in Path(arguments[-2].decode()).read_text():
                return int(entry.name)
        except OSError:
            continue
    return None


class CpuUse:
    """CPU each process spent while the block ran: unlike a rate, it hardly depends on what
    else the machine runs, so it shows what the code costs on a loaded machine too."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.spent: dict[str, float] = {}

    def __enter__(self) -> CpuUse:
        self._start = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        return self

    def __exit__(self, *_: object) -> None:
        self.spent = {n: cpu_seconds(p) - self._start[n] for n, p in self.pids.items()}

    def report(self, backend: str, what: str, enrolments: int) -> None:
        per = {name: 1000 * seconds / enrolments for name, seconds in self.spent.items()}
        total = sum(per.values())
        figures = ", ".join(f"{name} {value:.3f}" for name, value in per.items())
        report(backend, f"{what}: CPU per enrolment (ms)", f"{figures}; total {total:.3f}")
        cores = os.cpu_count() or 1
        report(
            backend,
            f"{what}: ceiling at that CPU, {cores} cores to themselves (enrolments/s)",
            f"{cores * 1000 / total:,.0f}",
        )


# Waiting for grants ---------------------------------------------------------------------------


async def until(check: Callable[[], Awaitable[bool]], timeout: float) -> None:
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.1)


async def eligibility_count(platform: Platform) -> int:
    return int(await platform.scalar("grants", "SELECT count(*) FROM eligibility"))


def percentiles(values: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "max": max(values)}


def ms(figures: dict[str, float]) -> str:
    return ", ".join(f"{name} {value * 1000:.0f} ms" for name, value in figures.items())


REPORT: dict[str, dict[str, str]] = {}


def report(backend: str, what: str, figure: str) -> None:
    REPORT.setdefault(backend, {})[what] = figure
    print(f"\n[bench {backend}] {what}: {figure}", flush=True)


# The phases -----------------------------------------------------------------------------------


@pytest.mark.timeout(900)
async def test_event_pipeline(platform: Platform, kafka_bootstrap: str, postgres: Any) -> None:
    backend = platform.backend
    print(f"\n[bench {backend}] {machine()}; load average {os.getloadavg()}", flush=True)
    await raw_limits(platform, kafka_bootstrap)
    idle = {name: resident_mb(pid) for name, pid in platform.pids().items()}
    report(backend, "resident memory idle (MB)", memory(idle))
    gateway = Gateway(platform.running.gateway_url)
    with PeakMemory(platform.pids()) as peak:
        await bulk_batches(platform, gateway)
        for rate in SINGLE_RATES:
            await single_rows_at_fixed_rate(platform, gateway, rate)
    report(backend, "resident memory peak under load (MB)", memory(peak.peak))
    await backlog_replay(platform, postgres)
    print(f"\n[bench {backend}] summary\n" + json.dumps(REPORT[backend], indent=2), flush=True)


def memory(figures: dict[str, float]) -> str:
    return ", ".join(f"{name} {value:.0f}" for name, value in figures.items())


async def raw_limits(platform: Platform, kafka_bootstrap: str) -> None:
    values = [envelope_bytes() for _ in range(20_000)]
    rate = await raw_produce_rate(kafka_bootstrap, values)
    report(
        platform.backend, "raw aiokafka produce (msgs/s, idempotent, acks awaited)", f"{rate:,.0f}"
    )
    bulk, single = await raw_insert_rates(platform.engine("grants"))
    report(platform.backend, "raw inserts, 1,000 a transaction (rows/s)", f"{bulk:,.0f}")
    report(platform.backend, "raw one-row commits (/s)", f"{single:,.0f}")


def envelope_bytes() -> bytes:
    from shared.testing import event_bytes

    return event_bytes(enrolment_registered("5601"), "5601")


async def bulk_batches(platform: Platform, gateway: Gateway) -> None:
    """20,000 enrolments in batches of 1,000 from 4 clients, until grants holds them all."""
    offerings = [await gateway.offering() for _ in range(BULK_TOTAL // SEATS_PER_OFFERING)]
    before = await eligibility_count(platform)
    tag = run_tag()
    batches = [range(start, start + BULK_BATCH) for start in range(0, BULK_TOTAL, BULK_BATCH)]
    queue: asyncio.Queue[range] = asyncio.Queue()
    for batch in batches:
        queue.put_nowait(batch)

    async def client() -> None:
        while not queue.empty():
            refs = queue.get_nowait()
            offering = offerings[refs.start // SEATS_PER_OFFERING]
            await gateway.register(offering, refs, tag)

    async def all_eligible() -> bool:
        return await eligibility_count(platform) >= before + BULK_TOTAL

    with CpuUse(platform.pids(with_broker=True)) as cpu:
        began = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(BULK_CLIENTS)))
        accepted = time.perf_counter() - began
        await until(all_eligible, timeout=600)
        done = time.perf_counter() - began
    backend = platform.backend
    cpu.report(backend, "bulk", BULK_TOTAL)
    report(backend, "bulk: accepted at the router (enrolments/s)", f"{BULK_TOTAL / accepted:,.0f}")
    report(
        backend,
        "bulk: end to end, until grants holds all (enrolments/s)",
        f"{BULK_TOTAL / done:,.0f} ({done:.1f} s)",
    )


async def single_rows_at_fixed_rate(platform: Platform, gateway: Gateway, rate: int) -> None:
    """Single-row posts at `rate`/s (open loop: each is due at its time, whatever the earlier
    ones do); latency from education's registered_at to grants' eligibility updated_at, both
    written by the services themselves, for every enrolment education committed.

    At most SINGLE_IN_FLIGHT posts are in flight; a post due while all are busy waits its turn,
    and its answer time counts from when it was due. (A task and a connection per post made the
    bench's own httpx client cost ~7 ms of CPU per post at 200/s, most of a core of two.)"""
    offering = await gateway.offering()
    tag = run_tag()
    http: list[float] = []
    failed: list[str] = []
    posts = iter(range(rate * SINGLE_SECONDS))

    async def poster() -> None:
        for i in posts:
            due = began + i / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            try:
                await gateway.register(offering, range(i, i + 1), tag)
            except (GatewayError, httpx.HTTPError) as error:
                failed.append(repr(error)[:200])
                continue
            http.append(time.perf_counter() - due)

    with CpuUse(platform.pids(with_broker=True)) as cpu:
        client_cpu = time.process_time()
        began = time.perf_counter()
        posters = [asyncio.create_task(poster()) for _ in range(SINGLE_IN_FLIGHT)]
        _, late = await asyncio.wait(posters, timeout=SINGLE_SECONDS + SINGLE_GRACE)
        for task in late:
            task.cancel()
        achieved = len(http) / (time.perf_counter() - began)
        client_cpu = time.process_time() - client_cpu
        latencies = await commit_to_eligibility(platform, offering)
    name = f"single rows offered at {rate}/s"
    if latencies:
        cpu.report(platform.backend, name, len(latencies))
    unanswered = rate * SINGLE_SECONDS - len(http) - len(failed)
    outcome = f"{achieved:,.0f}; failed {len(failed)}, unanswered {unanswered}"
    report(platform.backend, f"{name}: answered (/s)", outcome)
    posted = max(1, len(http) + len(failed))
    report(
        platform.backend,
        f"{name}: the bench's own client, CPU per post (ms)",
        f"{client_cpu * 1000 / posted:.2f}",
    )
    if http:
        report(platform.backend, f"{name}: answer time from when due", ms(percentiles(http)))
    report(platform.backend, f"{name}: commit -> eligibility", ms(percentiles(latencies)))
    if failed:
        print(f"  first failure: {failed[0]}", flush=True)


async def commit_to_eligibility(platform: Platform, offering: str) -> list[float]:
    """Seconds from each enrolment's registration to its eligibility, once grants has them all."""
    education = (
        f"SELECT id, registered_at FROM enrolments WHERE offering_id = '{uuid.UUID(offering).hex}'"
    )
    registered: dict[str, Any] = {}

    async def all_eligible() -> bool:
        if not registered:
            async with platform.engine("education").connect() as connection:
                rows = (await connection.execute(text(education))).all()
            registered.update({normal_id(i): moment(at) for i, at in rows})
        # SQLite stores a Uuid as 32 hex digits; PostgreSQL's uuid reads them as well.
        ids = ", ".join(f"'{i}'" for i in registered)
        query = f"SELECT count(*) FROM eligibility WHERE enrolment_id IN ({ids})"
        return int(await platform.scalar("grants", query)) >= len(registered)

    await until(all_eligible, timeout=300)
    async with platform.engine("grants").connect() as connection:
        rows = (
            await connection.execute(text("SELECT enrolment_id, updated_at FROM eligibility"))
        ).all()
    eligible = {normal_id(i): moment(at) for i, at in rows}
    return [(eligible[i] - at) for i, at in registered.items()]


def normal_id(value: Any) -> str:
    return uuid.UUID(str(value)).hex


def moment(value: Any) -> float:
    from datetime import UTC, datetime

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


async def backlog_replay(platform: Platform, postgres: Any) -> None:
    """A fresh grants (new database, its own broker) replays BACKLOG registrations from Kafka."""
    from localinfra.kafka import LocalKafka
    from localinfra.platform import Process
    from localinfra.ports import free_port

    folder = Path(platform.running.supergraph_path).parent
    broker = LocalKafka(port=free_port(), data_dir=folder / f"replay-kafka-{uuid.uuid4().hex[:6]}")
    await asyncio.to_thread(broker.start)
    try:
        bootstrap = broker.bootstrap_servers
        await ensure_topics(bootstrap, [ENROLMENTS_TOPIC], partitions=3)
        values = [envelope_bytes() for _ in range(BACKLOG)]
        rate = await produce(bootstrap, values)
        report(platform.backend, "backlog: produced straight to Kafka (msgs/s)", f"{rate:,.0f}")
        url = replay_database(platform, postgres, folder)
        port = free_port()
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "GRANTS_PORT": str(port),
            "GRANTS_DATABASE_URL": url,
            "MIGRATE_ON_START": "true",  # the replay's clock includes creating the tables
        }
        grants = Process(
            "grants-replay", [sys.executable, "-m", "svc_grants"], port, env, folder / "replay.log"
        )
        began = time.perf_counter()
        grants.start()
        try:
            await asyncio.to_thread(grants.wait_ready, 120)
            pid = grants.popen.pid if grants.popen else 0
            cpu_when_ready = cpu_seconds(pid)
            engine = create_engine(url)
            try:
                await replayed(engine, began)
                spent = cpu_seconds(pid) - cpu_when_ready
                await replay_report(platform.backend, engine, began, pid)
                per_event = 1000 * spent / BACKLOG
                report(
                    platform.backend,
                    "backlog: grants CPU per event (ms); the rate that allows on one core (/s)",
                    f"{per_event:.3f}; {1000 / per_event:,.0f}",
                )
            finally:
                await engine.dispose()
        finally:
            await asyncio.to_thread(grants.stop)
    finally:
        await asyncio.to_thread(broker.stop)


async def produce(bootstrap: str, values: list[bytes]) -> float:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, linger_ms=5)
    await producer.start()
    try:
        began = time.perf_counter()
        for start in range(0, len(values), 5000):
            futures = [
                await producer.send(ENROLMENTS_TOPIC, v, key=b"5601")
                for v in values[start : start + 5000]
            ]
            await asyncio.gather(*futures)
        return len(values) / (time.perf_counter() - began)
    finally:
        await producer.stop()


def replay_database(platform: Platform, postgres: Any, folder: Path) -> str:
    if platform.backend == "sqlite":
        return f"sqlite+aiosqlite:///{folder / f'grants-replay-{uuid.uuid4().hex[:6]}.db'}"
    return postgres.create_database(f"bench_replay_{uuid.uuid4().hex[:8]}")


async def replayed(engine: AsyncEngine, began: float) -> None:
    async def done() -> bool:
        try:
            async with engine.connect() as connection:
                count = await connection.scalar(text("SELECT count(*) FROM eligibility"))
        except Exception:  # the tables come with the process's migrations
            return False
        return int(count or 0) >= BACKLOG

    await until(done, timeout=600)


async def replay_report(backend: str, engine: AsyncEngine, began: float, pid: int) -> None:
    wall = time.perf_counter() - began
    async with engine.connect() as connection:
        first, last = (
            await connection.execute(
                text("SELECT min(updated_at), max(updated_at) FROM eligibility")
            )
        ).one()
    applying = moment(last) - moment(first)
    report(
        backend,
        "backlog: replay, first to last eligibility (events/s)",
        f"{BACKLOG / applying:,.0f} ({applying:.1f} s)",
    )
    report(
        backend,
        "backlog: replay incl. process start and group join (events/s)",
        f"{BACKLOG / wall:,.0f} ({wall:.1f} s)",
    )
    report(backend, "backlog: grants resident memory after replay (MB)", f"{resident_mb(pid):.0f}")
