"""Calls to subgraphs over one pooled httpx client, with a deadline on every call.

A subgraph that cannot be reached, times out, answers with a server error or with something
that is not a GraphQL response is *unavailable*: the caller turns that into an `UNAVAILABLE`
error on the affected fields. GraphQL errors in a proper answer are returned as they are.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from gateway.metrics import SUBGRAPH_CALLS, SUBGRAPH_SECONDS
from shared.observability import get_logger

log = get_logger(__name__)


class SubgraphUnavailable(Exception):
    def __init__(self, subgraph: str, reason: str) -> None:
        super().__init__(f"{subgraph} is unavailable: {reason}")
        self.subgraph = subgraph
        self.reason = reason


@dataclass(frozen=True)
class SubgraphResponse:
    data: dict[str, Any] | None
    errors: list[dict[str, Any]] = field(default_factory=list)


class SubgraphClient:
    def __init__(
        self, http: httpx.AsyncClient, urls: Mapping[str, str], timeout_seconds: float
    ) -> None:
        self.http = http
        self.urls = dict(urls)
        self.timeout_seconds = timeout_seconds

    async def execute(
        self,
        subgraph: str,
        query: str,
        variables: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> SubgraphResponse:
        started = time.perf_counter()
        outcome = "unavailable"
        try:
            response = await self._post(subgraph, query, variables, headers)
            outcome = "errors" if response.errors else "ok"
            return response
        finally:
            SUBGRAPH_CALLS.labels(subgraph, outcome).inc()
            SUBGRAPH_SECONDS.labels(subgraph).observe(time.perf_counter() - started)

    async def _post(
        self,
        subgraph: str,
        query: str,
        variables: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
    ) -> SubgraphResponse:
        body = {"query": query, "variables": dict(variables or {})}
        try:
            # httpx's timeouts are per read; the deadline covers the whole call.
            async with asyncio.timeout(self.timeout_seconds):
                response = await self.http.post(self.urls[subgraph], json=body, headers=headers)
        except TimeoutError as error:
            raise self._unavailable(subgraph, f"no answer in {self.timeout_seconds} s") from error
        except httpx.HTTPError as error:
            raise self._unavailable(subgraph, f"{type(error).__name__}: {error}") from error
        return self._parse(subgraph, response)

    def _parse(self, subgraph: str, response: httpx.Response) -> SubgraphResponse:
        if response.status_code >= 500:
            raise self._unavailable(subgraph, f"HTTP {response.status_code}")
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or not ({"data", "errors"} & payload.keys()):
            raise self._unavailable(
                subgraph, f"not a GraphQL response (HTTP {response.status_code})"
            )
        errors = payload.get("errors") or []
        return SubgraphResponse(payload.get("data"), [e for e in errors if isinstance(e, dict)])

    @staticmethod
    def _unavailable(subgraph: str, reason: str) -> SubgraphUnavailable:
        log.warning("subgraph unavailable", subgraph=subgraph, reason=reason)
        return SubgraphUnavailable(subgraph, reason)
