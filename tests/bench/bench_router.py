"""The router's cost: its p50 overhead over calling the subgraphs directly (one client), and
requests/s at 16 clients, for the project's router against a bare Hive Gateway on the same
supergraph, in the same run, over the real services (PostgreSQL, Kafka).

Not part of the test suite: `make bench`. It prints figures and asserts only correctness.
"Direct" replays the router's plan by hand: the root query to its subgraph, then the
`_entities` calls for the other subgraphs' fields, in parallel, with the keys from the first
answer. The load generator is in-process (asyncio + httpx) and shares the machine's cores
with the routers and services, so the figures are relative: compare within one run.

Also the router's own CPU per one-row `registerEnrolments` (from /proc), bare against project:
what a single-row post costs the router whatever the services do.

Environment: BENCH_RUNS (3; the median run is reported), BENCH_REQUESTS (one-client requests a
run, 60), BENCH_SECONDS (duration of a 16-client run, 4), BENCH_MUTATIONS (one-row
registrations a run, 600).
"""

from __future__ import annotations

import asyncio
import os
import platform as host
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.router import HIVE_GATEWAY
from localinfra.platform import Platform, Process
from localinfra.ports import free_port
from shared.auth import issue_token
from shared.settings import AuthSettings
from tests.bench.bench_enrolment_ingestion import CREATE_OFFERING, LAW
from tests.bench.bench_event_pipeline import cpu_seconds

pytestmark = pytest.mark.integration

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "60"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
CLIENTS = 16
BARE_CONFIG = Path(__file__).with_name("bare_router.config.ts")
ACCEPT = {"accept": "application/graphql-response+json"}

Direct = Callable[[httpx.AsyncClient, Platform, dict[str, str]], Awaitable[None]]


@dataclass
class Case:
    name: str
    query: str
    variables: dict[str, Any]
    role: str | None  # None: an anonymous (public) caller
    direct: Direct

    def headers(self) -> dict[str, str]:
        if self.role is None:
            return dict(ACCEPT)
        return {**ACCEPT, "authorization": f"Bearer {issue_token([self.role], AuthSettings())}"}


async def call(
    http: httpx.AsyncClient, url: str, query: str, variables: dict[str, Any], headers: Any
) -> dict[str, Any]:
    response = await http.post(url, json={"query": query, "variables": variables}, headers=headers)
    body = response.json()
    assert response.status_code == 200 and not body.get("errors"), body
    return body["data"]  # type: ignore[no-any-return]


def entities(fields: str) -> str:
    return (
        "query($r: [_Any!]!) { _entities(representations: $r) "
        f"{{ ... on Municipality {{ {fields} }} }} }}"
    )


# 1. One municipality's page: education's root field, then grants, networks and guidance.
MUNICIPALITY = """query($n: String!) { municipality(number: $n) {
  number name enrolments { id status } grantEligibility { status }
  learningNetwork { name } guidance { id status } } }"""
OTHER_SUBGRAPHS = {
    "grants": "grantEligibility { status }",
    "networks": "learningNetwork { name }",
    "guidance": "guidance { id status }",
}


async def municipality_direct(
    http: httpx.AsyncClient, platform: Platform, headers: dict[str, str]
) -> None:
    first = await call(
        http,
        f"{platform['education'].url}/graphql",
        "query($n: String!) { municipality(number: $n) { number name enrolments { id status } } }",
        {"n": "5601"},
        headers,
    )
    keys = [{"__typename": "Municipality", "number": first["municipality"]["number"]}]
    await asyncio.gather(
        *(
            call(http, f"{platform[name].url}/graphql", entities(fields), {"r": keys}, headers)
            for name, fields in OTHER_SUBGRAPHS.items()
        )
    )


# 2. Every municipality (357) with a field of education and one of networks.
MUNICIPALITIES = "{ municipalities { number name learningNetwork { name } } }"


async def municipalities_direct(
    http: httpx.AsyncClient, platform: Platform, headers: dict[str, str]
) -> None:
    first = await call(
        http,
        f"{platform['education'].url}/graphql",
        "{ municipalities { number name } }",
        {},
        headers,
    )
    keys = [{"__typename": "Municipality", "number": m["number"]} for m in first["municipalities"]]
    assert len(keys) == 357
    url = f"{platform['networks'].url}/graphql"
    await call(http, url, entities("learningNetwork { name }"), {"r": keys}, headers)


# 3. The public catalogue (education alone), anonymous: what the response cache is for.
CATALOGUE = "{ programmes { id name credits level offerings { id term seats seatsTaken } } }"


async def catalogue_direct(
    http: httpx.AsyncClient, platform: Platform, headers: dict[str, str]
) -> None:
    await call(http, f"{platform['education'].url}/graphql", CATALOGUE, {}, headers)


CASES = [
    Case("municipality across 4 subgraphs", MUNICIPALITY, {"n": "5601"}, "municipality:5601",
         municipality_direct),
    Case("357 municipalities, 2 subgraphs", MUNICIPALITIES, {}, "directorate",
         municipalities_direct),
    Case("public catalogue (anonymous)", CATALOGUE, {}, None, catalogue_direct),
]  # fmt: skip


@pytest.fixture(scope="module")
def bare_router_process(
    platform: Platform, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Process]:
    """A bare Hive Gateway on the platform's supergraph."""
    port = free_port()
    logs = tmp_path_factory.mktemp("bare-router")
    command = ["node", str(HIVE_GATEWAY), "supergraph", "--config-path", str(BARE_CONFIG)]
    env = {"GATEWAY_SUPERGRAPH": str(platform.supergraph_path), "GATEWAY_PORT": str(port)}
    router = Process("bare-gateway", command, port, env, logs / "gateway.log")
    router.start()
    try:
        router.wait_ready()
        yield router
    finally:
        router.stop()


@pytest.fixture(scope="module")
def bare_router(bare_router_process: Process) -> str:
    return f"{bare_router_process.url}/graphql"


HEADER = (
    "| query | direct p50 | bare p50 (+overhead) | project p50 (+overhead) "
    "| direct req/s | bare req/s | project req/s |\n|---|---|---|---|---|---|---|"
)


@pytest.mark.timeout(1800)
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_router_overhead_and_throughput(platform: Platform, bare_router: str, case: Case) -> None:
    routers = {"bare Hive Gateway": bare_router, "project's router": platform.gateway_url}
    print(f"\n[bench] router, {case.name}; {machine()}; {RUNS} runs, median shown")
    print(f"  BENCH_RUNS={RUNS} BENCH_REQUESTS={REQUESTS} BENCH_SECONDS={SECONDS:g}")
    row = asyncio.run(measure(case, platform, routers))
    print(f"{HEADER}\n{row}")


async def measure(case: Case, platform: Platform, routers: dict[str, str]) -> str:
    headers = case.headers()
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        answers = [
            await call(http, url, case.query, case.variables, headers) for url in routers.values()
        ]
        assert answers[0] == answers[1], "both routers give the same answer"

        def via_router(url: str) -> Callable[[], Awaitable[Any]]:
            return lambda: call(http, url, case.query, case.variables, headers)

        targets: dict[str, Callable[[], Awaitable[Any]]] = {
            "direct": lambda: case.direct(http, platform, headers),
            **{name: via_router(url) for name, url in routers.items()},
        }
        p50: dict[str, list[float]] = {name: [] for name in targets}
        rate: dict[str, list[float]] = {name: [] for name in targets}
        for _ in range(RUNS):  # interleaved, so that noise from other work spreads evenly
            for name, target in targets.items():
                p50[name].append(await one_client(target))
                rate[name].append(await many_clients(target))
    median_p50 = {name: statistics.median(values) * 1000 for name, values in p50.items()}
    median_rate = {name: statistics.median(values) for name, values in rate.items()}
    for name in targets:
        print(
            f"  {case.name} / {name}: p50 runs "
            + ", ".join(f"{v * 1000:.1f}" for v in p50[name])
            + " ms; req/s runs "
            + ", ".join(f"{v:.0f}" for v in rate[name])
        )
    direct, bare, project = (median_p50[name] for name in targets)
    rates = " | ".join(f"{median_rate[name]:.0f}" for name in targets)
    return (
        f"| {case.name} | {direct:.1f} ms | {bare:.1f} ms ({bare - direct:+.1f}) "
        f"| {project:.1f} ms ({project - direct:+.1f}) | {rates} |"
    )


async def one_client(target: Callable[[], Awaitable[Any]]) -> float:
    """p50 latency in seconds of REQUESTS sequential requests, after a few to warm up."""
    for _ in range(5):
        await target()
    latencies = []
    for _ in range(REQUESTS):
        began = time.perf_counter()
        await target()
        latencies.append(time.perf_counter() - began)
    return statistics.median(latencies)


async def many_clients(target: Callable[[], Awaitable[Any]]) -> float:
    """Completed requests per second with CLIENTS clients, each sending its next at once."""
    done = 0
    deadline = time.perf_counter() + SECONDS

    async def client() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            await target()
            done += 1

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return done / (time.perf_counter() - began)


def machine() -> str:
    cpus = len(os.sched_getaffinity(0))
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
        host.processor() or "unknown CPU",
    )
    load = " ".join(Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3])
    return f"{cpus} CPUs (nproc), {model}, load average {load}, Python {host.python_version()}"


REGISTER_ONE = """mutation($i: [EnrolmentInput!]!) { registerEnrolments(input: $i) { accepted } }"""
MUTATIONS = int(os.environ.get("BENCH_MUTATIONS", "600"))


@pytest.mark.timeout(1800)
def test_router_cpu_per_one_row_registration(
    platform: Platform, bare_router_process: Process
) -> None:
    """CPU of the router process per one-row `registerEnrolments` (8 clients at once), for the
    bare Hive Gateway and the project's router, interleaved: what a single row costs the router
    whatever the services behind it do."""
    routers = {
        "bare Hive Gateway": bare_router_process,
        "project's router": platform["gateway"],
    }
    print(f"\n[bench] router CPU per one-row registration; {machine()}; {RUNS} runs")
    figures = asyncio.run(registration_cpu(platform, routers))
    for name, runs in figures.items():
        shown = ", ".join(f"{ms:.2f}" for ms in runs)
        print(f"  {name}: {statistics.median(runs):.2f} ms CPU per request (runs: {shown})")


async def registration_cpu(
    platform: Platform, routers: dict[str, Process]
) -> dict[str, list[float]]:
    headers = {"authorization": f"Bearer {issue_token(['institution:uis'], AuthSettings())}"}
    limits = httpx.Limits(max_connections=8)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        offering = await call(
            http,
            platform.gateway_url,
            CREATE_OFFERING,
            {"i": {"programmeId": LAW, "term": "2018H", "seats": 10_000}},
            headers,
        )
        offering_id = offering["createOffering"]["id"]
        posted = 0

        async def register(url: str) -> None:
            nonlocal posted
            posted += 1
            row = {
                "offeringId": offering_id,
                "municipality": "5601",
                "employeeRef": f"e-{posted}",
                "externalRef": f"r-{posted}-{uuid.uuid4().hex[:6]}",
            }
            await call(http, url, REGISTER_ONE, {"i": [row]}, headers)

        async def burst(url: str, count: int) -> None:
            queue = iter(range(count))

            async def client() -> None:
                for _ in queue:
                    await register(url)

            await asyncio.gather(*(client() for _ in range(8)))

        figures: dict[str, list[float]] = {name: [] for name in routers}
        for _ in range(RUNS):
            for name, router in routers.items():
                url = f"{router.url}/graphql"
                await burst(url, 20)  # warm up
                assert router.popen is not None
                before = cpu_seconds(router.popen.pid)
                await burst(url, MUTATIONS)
                used = cpu_seconds(router.popen.pid) - before
                figures[name].append(used * 1000 / MUTATIONS)
    return figures
