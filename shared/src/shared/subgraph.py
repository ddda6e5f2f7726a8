"""Strawberry Federation-2 subgraph plumbing shared by the services.

The request context carries the verified principal, a session factory (one short session per
resolver or loader batch: sessions must not be shared across concurrent resolvers) and
per-request DataLoaders, so `_entities` over 357 municipalities is one query, not 357.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any

import strawberry
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL
from strawberry.dataloader import DataLoader
from strawberry.extensions import MaskErrors

from shared.auth import Principal, principal_from_header
from shared.errors import DomainError
from shared.query_limits import query_limits
from shared.runtime import ServiceRuntime

FEDERATION_VERSION = "2.7"  # strawberry's default 2.11 is refused by federation-composition 0.27


class ServiceContext:
    def __init__(self, runtime: ServiceRuntime, authorization: str | None) -> None:
        self.runtime = runtime
        self._authorization = authorization
        self._principal: Principal | None = None
        self._loaders: dict[Hashable, DataLoader[Any, Any]] = {}

    @property
    def principal(self) -> Principal:
        """Verified on first use, so public fields work even when no token was sent."""
        if self._principal is None:
            self._principal = principal_from_header(self._authorization, self.runtime.settings)
        return self._principal

    def loader(
        self, name: Hashable, load: Callable[[list[Any]], Awaitable[Sequence[Any]]]
    ) -> DataLoader[Any, Any]:
        if name not in self._loaders:
            self._loaders[name] = DataLoader(load_fn=load)
        return self._loaders[name]


def context_of(info: strawberry.Info) -> ServiceContext:
    return info.context  # type: ignore[no-any-return]


def _should_mask(error: GraphQLError) -> bool:
    # Validation errors have no original error; domain errors are meant for the client.
    original = error.original_error
    return original is not None and not isinstance(original, DomainError)


def _masking() -> MaskErrors:
    return MaskErrors(should_mask_error=_should_mask, error_message="Internal server error")


def federation_schema(
    query: type, mutation: type | None = None, types: Sequence[type] = ()
) -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=query,
        mutation=mutation,
        types=list(types),
        federation_version=FEDERATION_VERSION,
        extensions=[_masking, *query_limits()],
    )


class SubgraphApp(GraphQL[ServiceContext, None]):
    def __init__(self, schema: strawberry.federation.Schema, runtime: ServiceRuntime) -> None:
        super().__init__(schema, graphql_ide="graphiql" if runtime.settings.graphiql else None)
        self.runtime = runtime

    async def get_context(
        self, request: Request, response: Response | None = None
    ) -> ServiceContext:  # type: ignore[override]
        return ServiceContext(self.runtime, request.headers.get("authorization"))
