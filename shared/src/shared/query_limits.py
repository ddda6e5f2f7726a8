"""Bounds on what one query may ask a subgraph for, since subgraphs are reachable directly too.

The router refuses the same shapes first (gateway/gateway.config.ts); these are the subgraphs'
own, a little wider, because the router's `_entities` calls add a level and a list. Cost: every
object costs 1 and a list multiplies what is below it by its estimated size: what the
reference data says for municipalities and counties (the router's `_entities` batches hold at
most every municipality), a handful for any other list. So nesting the big lists (counties →
municipalities → county → municipalities) is refused before anything runs, while a
municipality's few applications with their short histories are not.

The rules are built once, so strawberry's validation cache can key on them: a document a
client sends again (every client sends the same few) is parsed and validated once, not per
request — validation cost more than the rest of a small mutation's CPU time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    get_named_type,
)
from strawberry.extensions import (
    MaxAliasesLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from shared import reference
from shared.connections import DEFAULT_FIRST, MAX_FIRST

MAX_DEPTH = 12
MAX_ALIASES = 60
MAX_TOKENS = 4000
MAX_COST = 25_000
DEFAULT_LIST_SIZE = 5
# Distinct documents remembered: the clients' operations fit many times over; a flood of
# one-off documents only evicts entries, it cannot grow memory.
CACHED_DOCUMENTS = 512


@cache
def list_sizes() -> dict[str, int]:
    """Estimated sizes of the lists that can be long, by `Type.field`."""
    every_municipality = len(reference.municipalities())
    largest_county = max(len(reference.municipalities(c.number)) for c in reference.counties())
    return {
        "Query.municipalities": every_municipality,
        "Query._entities": every_municipality,
        "Query.counties": len(reference.counties()),
        "NationalOverview.counties": len(reference.counties()),
        "County.municipalities": largest_county,
    }


def query_limits() -> list[Callable[[], SchemaExtension]]:
    """Factories, so each request gets extensions of its own (strawberry's way)."""
    return [
        QueryLimits,
        lambda: ParserCache(maxsize=CACHED_DOCUMENTS),
        lambda: ValidationCache(maxsize=CACHED_DOCUMENTS),
    ]


class QueryLimits(SchemaExtension):
    """Adds the bounds to every operation: a token cap on parsing and the rules below."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = MAX_TOKENS
        context.validation_rules = context.validation_rules + _rules()
        yield


class CostLimit(ValidationRule):
    def enter_operation_definition(self, node: OperationDefinitionNode, *_: object) -> None:
        root = self.context.schema.get_root_type(node.operation)
        if root is None:
            return
        cost = _cost(node.selection_set, root, self.context, {})
        if cost > MAX_COST:
            self.report_error(
                GraphQLError(
                    f"the query's estimated cost {cost} exceeds the limit of {MAX_COST}",
                    node,
                    extensions={"code": "COST_LIMIT_EXCEEDED"},
                )
            )


Composite = GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType


def _composite(type_: GraphQLNamedType | None) -> Composite | None:
    return type_ if isinstance(type_, Composite) else None


def _cost(
    selection_set: SelectionSetNode,
    parent: Composite,
    context: ValidationContext,
    fragments: dict[str, int],
    page: int = MAX_FIRST,
) -> int:
    """`page`: the edges a connection selected here returns (its parent field's `first`)."""
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            total += _field_cost(selection, parent, context, fragments, page)
        elif isinstance(selection, InlineFragmentNode):
            typed = selection.type_condition
            scope = _composite(context.schema.get_type(typed.name.value)) if typed else parent
            if scope is not None:
                total += _cost(selection.selection_set, scope, context, fragments, page)
        elif isinstance(selection, FragmentSpreadNode):
            # A named fragment is costed once for every place it is spread: a full page.
            total += _fragment_cost(selection.name.value, context, fragments)
    return total


def _field_cost(
    node: FieldNode,
    parent: Composite,
    context: ValidationContext,
    fragments: dict[str, int],
    page: int,
) -> int:
    fields = parent.fields if not isinstance(parent, GraphQLUnionType) else {}
    field = fields.get(node.name.value)
    named = _composite(get_named_type(field.type)) if field is not None else None
    if field is None or named is None:
        return 0  # a leaf, __typename, or an unknown field that validation reports anyway
    below = (
        _cost(node.selection_set, named, context, fragments, _page_size(node))
        if node.selection_set
        else 0
    )
    return _list_factor(field.type, f"{parent.name}.{node.name.value}", page) * (1 + below)


def _page_size(node: FieldNode) -> int:
    """The edges a connection field returns: its literal `first` (at most MAX_FIRST), the
    default page without one, a full page when a variable decides."""
    first = next((a.value for a in node.arguments or () if a.name.value == "first"), None)
    if first is None:
        return DEFAULT_FIRST
    if isinstance(first, IntValueNode):
        return max(0, min(int(first.value), MAX_FIRST))
    return MAX_FIRST


def _fragment_cost(name: str, context: ValidationContext, fragments: dict[str, int]) -> int:
    if name not in fragments:
        fragments[name] = 0  # a cycle adds nothing; validation refuses it anyway
        definition = context.get_fragment(name)
        if definition is not None:
            scope = _composite(context.schema.get_type(definition.type_condition.name.value))
            if scope is not None:
                fragments[name] = _cost(definition.selection_set, scope, context, fragments)
    return fragments[name]


@cache
def _rules() -> tuple[type[ValidationRule], ...]:
    """The same rule classes for every request: the validation cache's key includes them."""
    return (
        *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
        *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
        CostLimit,
    )


def _list_size(field: str, page: int) -> int:
    if field in list_sizes():
        return list_sizes()[field]
    # A connection's page: at most `first` edges (shared.connections).
    return page if field.endswith("Connection.edges") else DEFAULT_LIST_SIZE


def _list_factor(type_: GraphQLOutputType, field: str, page: int) -> int:
    factor, size = 1, _list_size(field, page)
    while isinstance(type_, GraphQLList | GraphQLNonNull):
        if isinstance(type_, GraphQLList):
            factor, size = factor * size, DEFAULT_LIST_SIZE  # a list of lists: short inner ones
        type_ = type_.of_type
    return factor
