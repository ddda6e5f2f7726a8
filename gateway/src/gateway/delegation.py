"""The resolvers of the composed schema: they delegate to the subgraphs.

graphql-core executes the client's document on the composed schema, so fragments, @skip and
@include, aliases, lists, null propagation and error paths are its business. A root field asks
its owning subgraph for its whole sub-selection (pruned to what that subgraph resolves); every
object that comes back is a `Node` remembering its source and how it was selected. A field its
source resolves is read from the data by response key; any other field is fetched from its
owner's `_entities`, through a per-request DataLoader per (subgraph, type, selection, variables)
that deduplicates representations. graphql-core starts a whole nesting level before a loader
dispatches, and the batches one subgraph gets at the same moment travel as aliased `_entities`
fields of one document: a level costs at most one call per subgraph, whatever the number of
rows. Query root fields owned by one subgraph share one call the same way; mutation fields run
one by one, as graphql-core executes them serially.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    SelectionNode,
    VariableDefinitionNode,
    get_named_type,
    is_abstract_type,
    is_composite_type,
    is_object_type,
    print_ast,
)
from strawberry.dataloader import DataLoader

from gateway.client import SubgraphClient, SubgraphResponse, SubgraphUnavailable
from gateway.composition import ROOT_TYPES, Supergraph
from gateway.planner import (
    ENTITIES_ALIAS,
    KEY_PREFIX,
    TYPENAME,
    EntityFetch,
    Planner,
    entities_field,
    operation_text,
    representations_variable,
    used_variables,
)

# A subgraph error and its path relative to the object that holds the field (None: the
# error is about the whole object or the whole answer).
Scoped = tuple[dict[str, Any], list[Any] | None]
_HIDDEN_EXTENSIONS = frozenset({"stacktrace", "exception"})


@dataclass(slots=True)
class Node:
    """An object a subgraph returned, with its source and the client's nodes that selected it."""

    data: dict[str, Any]
    source: str
    field_nodes: Sequence[FieldNode]


@dataclass(frozen=True)
class EntityResult:
    entity: dict[str, Any] | None
    errors: list[Scoped]


@dataclass
class RequestContext:
    """One client request: its headers, variables, loaders and plans are never shared."""

    supergraph: Supergraph
    client: SubgraphClient
    operation: OperationDefinitionNode
    planner: Planner
    variables: Mapping[str, Any]  # as the client sent them: subgraphs coerce them again
    headers: Mapping[str, str]  # forwarded to every subgraph call
    errors: list[GraphQLError] = field(default_factory=list)  # found inside returned data
    _loaders: dict[Hashable, DataLoader[Any, Any]] = field(default_factory=dict)
    _plans: dict[Hashable, dict[str, EntityFetch]] = field(default_factory=dict)
    _fetch_loaders: dict[int, DataLoader[str, EntityResult]] = field(default_factory=dict)
    _reported: set[int] = field(default_factory=set)

    async def call(
        self,
        subgraph: str,
        operation: OperationType,
        selections: Sequence[SelectionNode],
        extra: Sequence[VariableDefinitionNode] = (),
        extra_values: Mapping[str, Any] | None = None,
    ) -> SubgraphResponse:
        names = set().union(*(used_variables(s) for s in selections))
        text = operation_text(operation, selections, self.operation, names, extra)
        values = {n: self.variables[n] for n in names if n in self.variables}
        return await self.client.execute(
            subgraph, text, {**values, **(extra_values or {})}, self.headers
        )

    def root_loader(self, subgraph: str) -> DataLoader[FieldNode, SubgraphResponse]:
        return self._loader(("root", subgraph), partial(self._load_root, subgraph), print_ast)

    def entity_plan(self, node: Node, parent: GraphQLObjectType) -> dict[str, EntityFetch]:
        # All items of a list share their field nodes: plan once per request and shape.
        key = (node.source, parent.name, tuple(map(id, node.field_nodes)))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self.planner.entity_fetches(
                node.source, parent, node.field_nodes
            )
        return plan

    def entity_loader(self, fetch: EntityFetch) -> DataLoader[str, EntityResult]:
        loader = self._fetch_loaders.get(id(fetch))  # fetches live in _plans: ids are stable
        if loader is None:
            values = {n: self.variables.get(n) for n in sorted(fetch.variables)}
            key = (fetch.subgraph, fetch.type_name, fetch.selection_text, json.dumps(values))
            loader = self._loader(key, partial(self._load_entities, fetch))
            self._fetch_loaders[id(fetch)] = loader
        return loader

    def report(self, error: GraphQLError) -> None:
        self.errors.append(error)

    def report_once(
        self, error: dict[str, Any], make: Callable[[dict[str, Any]], GraphQLError]
    ) -> None:
        """An error about a whole answer is shared by all its fields; it is told once."""
        if id(error) not in self._reported:
            self._reported.add(id(error))
            self.errors.append(make(error))

    def _loader(
        self,
        key: Hashable,
        load: Callable[[list[Any]], Awaitable[Sequence[Any]]],
        cache_key: Callable[[Any], Hashable] | None = None,
    ) -> DataLoader[Any, Any]:
        loader = self._loaders.get(key)
        if loader is None:
            loader = self._loaders[key] = DataLoader(load_fn=load, cache_key_fn=cache_key)
        return loader

    async def _load_root(self, subgraph: str, fields: list[FieldNode]) -> list[SubgraphResponse]:
        """All query root fields one subgraph owns, in one document."""
        response = await self.call(subgraph, OperationType.QUERY, fields)
        return [response] * len(fields)

    async def _load_entities(self, fetch: EntityFetch, keys: list[str]) -> list[EntityResult]:
        return await self._subgraph_entities(fetch.subgraph).load((fetch, keys))

    def _subgraph_entities(self, subgraph: str) -> DataLoader[Any, list[EntityResult]]:
        """Entity batches of one level with different selections share one call too."""
        key = ("entities", subgraph)
        if key not in self._loaders:
            load = partial(self._load_entity_batches, subgraph)
            self._loaders[key] = DataLoader(load_fn=load, cache=False)  # batches are not reused
        return self._loaders[key]

    async def _load_entity_batches(
        self, subgraph: str, batches: list[tuple[EntityFetch, list[str]]]
    ) -> list[list[EntityResult]]:
        taken = set().union(*(fetch.variables for fetch, _ in batches))
        fields, definitions, values = [], [], {}
        for index, (fetch, keys) in enumerate(batches):
            variable = _free_name(f"representations{index}", taken)
            alias = f"{ENTITIES_ALIAS}{index}"
            fields.append(entities_field(fetch.type_name, fetch.selection_set, variable, alias))
            definitions.append(representations_variable(variable))
            values[variable] = [json.loads(key) for key in keys]
        response = await self.call(subgraph, OperationType.QUERY, fields, definitions, values)
        return [
            _split_entities(subgraph, response, f"{ENTITIES_ALIAS}{index}", len(keys))
            for index, (_, keys) in enumerate(batches)
        ]


def bind_resolvers(schema: GraphQLSchema) -> GraphQLSchema:
    """Points every field of the composed schema at the delegating resolvers."""
    for named in schema.type_map.values():
        if named.name.startswith("__"):
            continue
        if is_abstract_type(named):
            named.resolve_type = _resolve_type
        elif is_object_type(named):
            root = named.name in ROOT_TYPES.values()
            for definition in named.fields.values():
                definition.resolve = resolve_root if root else resolve_field
    return schema


def resolve_root(_root: None, info: GraphQLResolveInfo, **_args: Any) -> Awaitable[Any]:
    return _fetch_root(info)


def resolve_field(node: Node, info: GraphQLResolveInfo, **_args: Any) -> Any:
    context: RequestContext = info.context
    if context.supergraph.resolves(node.source, info.parent_type.name, info.field_name):
        return _wrap(node.data.get(info.path.key), node.source, info)  # type: ignore[arg-type]
    return _fetch_entity_field(node, info)


def _resolve_type(value: Node, *_: Any) -> str | None:
    return value.data.get(TYPENAME)


async def _fetch_root(info: GraphQLResolveInfo) -> Any:
    context: RequestContext = info.context
    parent = info.parent_type
    subgraph = context.supergraph.owners[(parent.name, info.field_name)][0]
    field_node = context.planner.root_field(subgraph, parent, info.field_nodes)
    try:
        if info.operation.operation is OperationType.MUTATION:
            response = await context.call(subgraph, OperationType.MUTATION, [field_node])
        else:
            response = await context.root_loader(subgraph).load(field_node)
    except SubgraphUnavailable as error:
        raise _unavailable(info, error) from None
    errors: list[Scoped] = [(e, e.get("path") or None) for e in response.errors]
    return _consume(info, subgraph, response.data, errors)


async def _fetch_entity_field(node: Node, info: GraphQLResolveInfo) -> Any:
    context: RequestContext = info.context
    fetch = context.entity_plan(node, info.parent_type)[info.field_name]
    representation = _representation(context.supergraph, node, fetch)
    if representation is None:
        return None  # a null key: there is no entity to fetch
    try:
        result = await context.entity_loader(fetch).load(representation)
    except SubgraphUnavailable as error:
        raise _unavailable(info, error) from None
    return _consume(info, fetch.subgraph, result.entity, result.errors)


def _representation(supergraph: Supergraph, node: Node, fetch: EntityFetch) -> str | None:
    """`{"__typename": ..., <key fields>}` for the owner's first key the object carries."""
    for key in supergraph.keys[fetch.type_name][fetch.subgraph]:
        names = [s.name.value for s in key.selections if isinstance(s, FieldNode)]
        values = {name: node.data.get(KEY_PREFIX + name) for name in names}
        if all(value is not None for value in values.values()):
            return json.dumps({"__typename": fetch.type_name, **values}, sort_keys=True)
    return None


def _consume(
    info: GraphQLResolveInfo, subgraph: str, container: dict[str, Any] | None, errors: list[Scoped]
) -> Any:
    """This field's value from a subgraph answer; its errors moved to the client's path."""
    context: RequestContext = info.context
    key = info.path.key
    mine = [(e, rel) for e, rel in errors if rel and rel[0] == key]
    general = [e for e, rel in errors if not rel]
    if container is None:
        first = next(iter([e for e, _ in mine] + general + [e for e, _ in errors]), None)
        if first is None:
            return None
        raise _relocated(first, info, [])
    value = container.get(key)  # type: ignore[arg-type]
    own = [e for e, rel in mine if len(rel) == 1]
    if value is None and own:
        # Raised, so graphql-core nulls and propagates by the client schema's nullability.
        raise _relocated(own[0], info, [])
    for error, rel in mine:
        context.report(_relocated(error, info, rel[1:]))
    for error in general:
        context.report_once(error, partial(_relocated, info=info, rest=[]))
    return _wrap(value, subgraph, info)


def _wrap(value: Any, subgraph: str, info: GraphQLResolveInfo) -> Any:
    if value is None or not is_composite_type(get_named_type(info.return_type)):
        return value
    return _nodes(value, subgraph, info.field_nodes)


def _nodes(value: Any, subgraph: str, field_nodes: Sequence[FieldNode]) -> Any:
    if isinstance(value, list):
        return [_nodes(item, subgraph, field_nodes) for item in value]
    if isinstance(value, dict):
        return Node(value, subgraph, field_nodes)
    return value


def _relocated(error: dict[str, Any], info: GraphQLResolveInfo, rest: list[Any]) -> GraphQLError:
    """A subgraph error at the client's path (aliases included), its extensions kept."""
    extensions = {
        k: v for k, v in (error.get("extensions") or {}).items() if k not in _HIDDEN_EXTENSIONS
    }
    return GraphQLError(
        str(error.get("message") or "Error in a subgraph"),
        nodes=None if rest else info.field_nodes,
        path=[*info.path.as_list(), *rest],
        extensions=extensions or None,
    )


def _unavailable(info: GraphQLResolveInfo, error: SubgraphUnavailable) -> GraphQLError:
    return GraphQLError(
        f"The {error.subgraph} service is unavailable",
        nodes=info.field_nodes,
        path=info.path.as_list(),
        extensions={"code": "UNAVAILABLE", "service": error.subgraph},
    )


def _split_entities(
    subgraph: str, response: SubgraphResponse, alias: str, count: int
) -> list[EntityResult]:
    """One result per representation, each with the errors under its `_entities` index."""
    entities = (response.data or {}).get(alias)
    errors = [e for e in response.errors if (e.get("path") or [alias])[0] == alias]
    if not isinstance(entities, list) or len(entities) != count:
        if not errors:
            errors.append({"message": f"{subgraph} did not return the requested entities"})
        entities = [None] * count
    scoped: list[list[Scoped]] = [[] for _ in range(count)]
    for error in errors:
        path = error.get("path") or []
        index = path[1] if len(path) > 1 else None
        if isinstance(index, int) and 0 <= index < count:
            scoped[index].append((error, path[2:] or None))
        else:
            for bucket in scoped:
                bucket.append((error, None))
    return [EntityResult(entity, errs) for entity, errs in zip(entities, scoped, strict=True)]


def _free_name(name: str, taken: set[str]) -> str:
    """A variable name the client's document does not use."""
    while name in taken:
        name = f"_{name}"
    return name
