"""Strawberry Federation-2 subgraph plumbing shared by the services.

The request context carries the runtime (its session factory gives one short session per
resolver or loader batch: sessions must not be shared across concurrent resolvers), the caller's
principal, verified on first use, and the request's DataLoaders (`shared.loaders`). Resolvers
pass the principal to the use cases, which decide what the caller may do (docs/patterns.md).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator, Sequence
from typing import Any, Final, Self

import strawberry
from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.subscriptions import (
    GRAPHQL_SSE_PROTOCOL,
    GRAPHQL_TRANSPORT_WS_PROTOCOL,
    GRAPHQL_WS_PROTOCOL,
)
from strawberry.types import ExecutionResult, SubscriptionExecutionResult

from shared.auth import Principal, principal_from_header
from shared.errors import BadUserInput, DomainError
from shared.idempotency import HEADER as IDEMPOTENCY_HEADER
from shared.idempotency import IdempotentMutations
from shared.input_building import build_inputs_directly
from shared.loaders import Loaders
from shared.query_limits import query_limits
from shared.runtime import ServiceRuntime

# strawberry's default 2.11 is refused by federation-composition 0.27.
FEDERATION_VERSION: Final = "2.7"


class ServiceContext:
    def __init__(
        self,
        runtime: ServiceRuntime,
        authorization: str | None,
        idempotency_key: str | None = None,
    ) -> None:
        self.runtime = runtime
        self.idempotency_key = idempotency_key  # the request's header (shared.idempotency)
        self.loaders = Loaders(runtime)
        self._authorization = authorization
        # A WebSocket's `connection_init` payload, set by strawberry (browsers cannot send headers).
        self.connection_params: dict[str, Any] | None = None
        self._principal: Principal | None = None

    @property
    def principal(self) -> Principal:
        """Verified on first use, so public fields work even when no token was sent."""
        if self._principal is None:
            self._principal = principal_from_header(self._credentials(), self.runtime.settings)
        return self._principal

    def _credentials(self) -> str | None:
        """The `connection_init` payload's `Authorization` or `token`, else the request's header.

        Hive Gateway sends the caller's `authorization`, one subgraph connection per caller
        (docs/live-events.md); `token` is for clients that name it so.
        """
        params = {str(k).lower(): v for k, v in (self.connection_params or {}).items()}
        authorization, token = params.get("authorization"), params.get("token")
        if isinstance(authorization, str):
            return authorization
        if isinstance(token, str):
            return token if token.lower().startswith("bearer ") else f"Bearer {token}"
        return self._authorization


@strawberry.type  # a base: its subclasses, not it, are types of a schema
class MunicipalityKey:
    """The key of the Municipality entity. A service's `Municipality` extends it with its fields:

    @strawberry.federation.type(keys=["number"])
    class Municipality(MunicipalityKey): ...
    """

    number: str

    @classmethod
    def resolve_reference(cls, number: str) -> Self:
        return cls(number=number)


@strawberry.type  # a base, as MunicipalityKey
class CountyKey:
    """The key of the County entity."""

    number: str

    @classmethod
    def resolve_reference(cls, number: str) -> Self:
        return cls(number=number)


def context_of(info: strawberry.Info) -> ServiceContext:
    context = info.context
    assert isinstance(context, ServiceContext), "SubgraphApp and shared.testing make the context"
    return context


def _should_mask(error: GraphQLError) -> bool:
    # Validation errors have no original error; domain errors are meant for the client.
    original = error.original_error
    return original is not None and not isinstance(original, DomainError)


def _masking() -> MaskErrors:
    return MaskErrors(should_mask_error=_should_mask, error_message="Internal server error")


# graphql-core's wording for a variable it cannot coerce: the variable, then the path inside it.
_VARIABLE_ERROR = re.compile(r"^Variable '\$(\w+)' has invalid value(?: at )?((?:\.\w+|\[\d+\])*):")


class VariableErrors(SchemaExtension):
    """A variable the schema cannot take is the client's mistake: BAD_USER_INPUT naming the field
    (the innermost input field, else the variable), never a masked server error.

    The router checks variables against the types it knows, but not what a custom scalar accepts:
    a Date that is not a date reaches the subgraph. Runs inside the masking, which then keeps it.
    """

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [_variable_error(error) for error in result.errors]


def _variable_error(error: GraphQLError) -> GraphQLError:
    found = _VARIABLE_ERROR.match(error.message)
    if found is None or error.path is not None:
        return error
    fields = re.findall(r"\.(\w+)", found.group(2))
    bad = BadUserInput(fields[-1] if fields else found.group(1), "not a valid value")
    return GraphQLError(error.message, error.nodes, extensions=bad.extensions)


class IntrospectionSwitch(SchemaExtension):
    """No `__schema` or `__type` when the service's settings turn introspection off (production's
    default). The router composes from `_service { sdl }`, which stays."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, ServiceContext) and not context.runtime.settings.introspection:
            self.execution_context.validation_rules = (
                *self.execution_context.validation_rules,
                NoSchemaIntrospectionCustomRule,
            )
        yield


def federation_schema(
    query: type,
    mutation: type | None = None,
    types: Sequence[type] = (),
    subscription: type | None = None,
) -> strawberry.federation.Schema:
    schema = strawberry.federation.Schema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        types=list(types),
        federation_version=FEDERATION_VERSION,
        extensions=[
            _masking,
            VariableErrors,
            IntrospectionSwitch,
            *query_limits(),
            IdempotentMutations,
        ],
    )
    build_inputs_directly(schema)
    return schema


class SubgraphApp(GraphQL[ServiceContext, None]):
    def __init__(self, schema: strawberry.federation.Schema, runtime: ServiceRuntime) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if runtime.settings.graphiql else None,
            # Subscriptions over a WebSocket, or over SSE on a POST (a router's default for
            # HTTP subgraphs, with the caller's own headers on each request).
            subscription_protocols=(
                GRAPHQL_TRANSPORT_WS_PROTOCOL,
                GRAPHQL_WS_PROTOCOL,
                GRAPHQL_SSE_PROTOCOL,
            ),
        )
        self.runtime = runtime

    def decode_json(self, data: str | bytes) -> object:
        """JSON nested deeper than Python's parser recurses is malformed input (strawberry
        answers 400 to that), not a server error."""
        try:
            return super().decode_json(data)
        except RecursionError as error:
            raise json.JSONDecodeError("nested too deeply", str(data)[:100], 0) from error

    async def execute_operation(
        self, *args: Any, **kwargs: Any
    ) -> ExecutionResult | list[ExecutionResult] | SubscriptionExecutionResult:
        """Bounded by REQUEST_TIMEOUT_SECONDS, shorter than the router's wait for a subgraph:
        past it the work is cancelled (its transaction rolls back) and the caller is told, so
        the router never gives up on a call that then commits behind the client's back."""
        limit = self.runtime.settings.request_timeout_seconds
        try:
            async with asyncio.timeout(limit):
                return await super().execute_operation(*args, **kwargs)
        except TimeoutError:
            message = f"not answered within {limit:g} s; nothing was changed, try again"
            error = GraphQLError(message, extensions={"code": "UNAVAILABLE"})
            return ExecutionResult(data=None, errors=[error])

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> ServiceContext:
        headers = request.headers
        return ServiceContext(
            self.runtime, headers.get("authorization"), headers.get(IDEMPOTENCY_HEADER)
        )
