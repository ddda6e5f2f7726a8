"""Validation rules that bound what one request may ask for.

Depth counts nested fields (`{ a { b } }` is 2), cost counts every field selection; both follow
fragment spreads, each fragment measured once, so a "fragment bomb" is counted in linear time
(and rejected, since its cost is the real, exponential, one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    ValidationContext,
    ValidationRule,
)

from gateway.planner import RESERVED_PREFIX

Measure = Callable[[Iterable[SelectionNode], Callable[[str], int]], int]


def depth_limit(maximum: int) -> type[ValidationRule]:
    return _limit_rule("depth", maximum, _depth)


def cost_limit(maximum: int) -> type[ValidationRule]:
    return _limit_rule("cost", maximum, _cost)


class ReservedAliases(ValidationRule):
    """The gateway asks subgraphs for type names and keys under `_gw_` aliases of its own."""

    def enter_field(self, node: FieldNode, *_: object) -> None:
        if node.alias and node.alias.value.startswith(RESERVED_PREFIX):
            message = f"Aliases starting with '{RESERVED_PREFIX}' are reserved by the gateway."
            self.report_error(GraphQLError(message, node))


def _limit_rule(what: str, maximum: int, measure: Measure) -> type[ValidationRule]:
    class Limit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: object) -> None:
            value = _measure_operation(self.context, node, measure)
            if value > maximum:
                message = f"Query {what} {value} exceeds the maximum of {maximum}."
                self.report_error(GraphQLError(message, node))

    Limit.__name__ = f"{what.capitalize()}Limit"
    return Limit


def _measure_operation(
    context: ValidationContext, operation: OperationDefinitionNode, measure: Measure
) -> int:
    memo: dict[str, int] = {}

    def fragment(name: str) -> int:
        if name not in memo:
            memo[name] = 0  # a cycle (reported by NoFragmentCyclesRule) adds nothing
            definition = context.get_fragment(name)
            if definition is not None:
                memo[name] = measure(definition.selection_set.selections, fragment)
        return memo[name]

    return measure(operation.selection_set.selections, fragment)


def _depth(selections: Iterable[SelectionNode], fragment: Callable[[str], int]) -> int:
    deepest = 0
    for node in selections:
        if isinstance(node, FieldNode):
            below = _depth(node.selection_set.selections, fragment) if node.selection_set else 0
            deepest = max(deepest, 1 + below)
        elif isinstance(node, InlineFragmentNode):
            deepest = max(deepest, _depth(node.selection_set.selections, fragment))
        elif isinstance(node, FragmentSpreadNode):
            deepest = max(deepest, fragment(node.name.value))
    return deepest


def _cost(selections: Iterable[SelectionNode], fragment: Callable[[str], int]) -> int:
    total = 0
    for node in selections:
        if isinstance(node, FieldNode):
            total += 1 + (
                _cost(node.selection_set.selections, fragment) if node.selection_set else 0
            )
        elif isinstance(node, InlineFragmentNode):
            total += _cost(node.selection_set.selections, fragment)
        elif isinstance(node, FragmentSpreadNode):
            total += fragment(node.name.value)
    return total
