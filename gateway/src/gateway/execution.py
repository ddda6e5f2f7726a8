"""One GraphQL request through the composed schema: parse, validate, execute, shape the answer.

Error codes the gateway itself gives: `GRAPHQL_PARSE_FAILED`; `GRAPHQL_VALIDATION_FAILED`
(including the depth and cost limits and, when switched off, introspection); `BAD_USER_INPUT`
for variables that do not fit their types or an operation that cannot be chosen (nothing is
executed then); `UNAVAILABLE` with `service` for a subgraph that cannot answer. Anything
unexpected is logged with its stack trace and reaches the client only as "Internal server
error" (`INTERNAL_SERVER_ERROR`). Subgraph errors keep their own extensions.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FragmentDefinitionNode,
    GraphQLError,
    NoSchemaIntrospectionCustomRule,
    execute,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)

from gateway.client import SubgraphClient
from gateway.composition import Supergraph
from gateway.delegation import RequestContext, bind_resolvers
from gateway.limits import ReservedAliases, cost_limit, depth_limit
from gateway.planner import Planner
from gateway.settings import GatewaySettings
from shared.observability import get_logger

log = get_logger(__name__)

Body = dict[str, Any]


@dataclass(frozen=True)
class GraphQLRequest:
    query: str
    variables: Mapping[str, Any]
    operation_name: str | None = None


class Gateway:
    """Executes client requests on one composed supergraph."""

    def __init__(
        self, supergraph: Supergraph, client: SubgraphClient, settings: GatewaySettings
    ) -> None:
        self.supergraph = supergraph
        self.schema = bind_resolvers(supergraph.schema)
        self.client = client
        rules = [*specified_rules, ReservedAliases]
        rules += [depth_limit(settings.max_depth), cost_limit(settings.max_cost)]
        if not settings.introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        self.rules = tuple(rules)
        # Clients repeat the same few documents: parse and validate each once.
        self._prepare = lru_cache(maxsize=512)(self._parse_and_validate)

    async def execute(self, request: GraphQLRequest, headers: Mapping[str, str]) -> Body:
        document, errors = self._prepare(request.query)
        if document is None:
            return {"errors": list(errors)}
        operation = get_operation_ast(document, request.operation_name)
        if operation is None:
            return {"errors": [_coded(GraphQLError(_no_operation(request)), "BAD_USER_INPUT")]}
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        context = RequestContext(
            supergraph=self.supergraph,
            client=self.client,
            operation=operation,
            planner=Planner(self.supergraph, fragments),
            variables=request.variables,
            headers=headers,
        )
        result = execute(
            self.schema,
            document,
            variable_values=dict(request.variables),
            operation_name=request.operation_name,
            context_value=context,
        )
        if inspect.isawaitable(result):
            result = await result
        return _body(result, context)

    def _parse_and_validate(self, query: str) -> tuple[DocumentNode | None, tuple[Body, ...]]:
        try:
            document = parse(query)
        except GraphQLError as error:
            return None, (_coded(error, "GRAPHQL_PARSE_FAILED"),)
        errors = validate(self.schema, document, self.rules)
        if errors:
            return None, tuple(_coded(e, "GRAPHQL_VALIDATION_FAILED") for e in errors)
        return document, ()


def _body(result: ExecutionResult, context: RequestContext) -> Body:
    errors = [*(result.errors or ()), *context.errors]
    if result.data is None and errors and all(e.path is None for e in errors):
        # Variables that do not fit their types: a request error, nothing was executed.
        return {"errors": [_coded(e, "BAD_USER_INPUT") for e in errors]}
    body: Body = {}
    if errors:
        body["errors"] = [_coded(_masked(e), "INTERNAL_SERVER_ERROR") for e in errors]
    body["data"] = result.data
    return body


def _masked(error: GraphQLError) -> GraphQLError:
    """No gateway exception's text or stack trace reaches a client; the log has them."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return error
    log.error("unexpected error while executing", path=error.path, exc_info=original)
    return GraphQLError(
        "Internal server error",
        nodes=error.nodes,
        path=error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR"},
    )


def _coded(error: GraphQLError, default_code: str) -> Body:
    formatted: Body = dict(error.formatted)
    extensions = dict(formatted.get("extensions") or {})
    extensions.setdefault("code", default_code)
    formatted["extensions"] = extensions
    return formatted


def _no_operation(request: GraphQLRequest) -> str:
    if request.operation_name:
        return f"Unknown operation named '{request.operation_name}'."
    return "Must provide operation name if query contains multiple operations."
