"""Turns the client's selections into the documents the gateway sends to subgraphs.

A subgraph gets the client's sub-selection pruned to the fields it resolves at every level;
named fragments become inline fragments with their type conditions; aliases, arguments and
`@skip`/`@include` stay as the client wrote them, so the subgraph answers under the same
response keys and skips the same fields. Every selection set also asks for the object's type,
and where a field was left out, for the key fields another subgraph needs to fetch it from
`_entities`. Both come under reserved `_gw_` aliases, so they never clash with the client's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from graphql import (
    ArgumentNode,
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLCompositeType,
    GraphQLObjectType,
    InlineFragmentNode,
    NamedTypeNode,
    NameNode,
    Node,
    OperationDefinitionNode,
    OperationType,
    SelectionNode,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
    Visitor,
    get_named_type,
    is_abstract_type,
    parse_type,
    print_ast,
    visit,
)

from gateway.composition import Supergraph

RESERVED_PREFIX = "_gw_"
TYPENAME = "_gw_typename"
KEY_PREFIX = "_gw_key_"
ENTITIES_ALIAS = "_gw_entities"
_TYPENAME_FIELD = FieldNode(alias=NameNode(value=TYPENAME), name=NameNode(value="__typename"))


@dataclass(frozen=True)
class EntityFetch:
    """Fields of one entity type that one subgraph resolves, fetched through `_entities`."""

    subgraph: str
    type_name: str
    selection_set: SelectionSetNode
    selection_text: str  # printed once: part of the loader key
    variables: frozenset[str]  # the client's variables the selection uses


class Planner:
    """Plans for one client document: its fragments are part of every selection."""

    def __init__(
        self, supergraph: Supergraph, fragments: Mapping[str, FragmentDefinitionNode]
    ) -> None:
        self.supergraph = supergraph
        self.schema = supergraph.schema
        self.fragments = fragments

    def root_field(
        self, subgraph: str, parent: GraphQLObjectType, nodes: Sequence[FieldNode]
    ) -> FieldNode:
        """The client's root field (all nodes sharing its response key) for its owner."""
        first = nodes[0]
        if first.selection_set is None:
            return replace(first, directives=())
        child = get_named_type(parent.fields[first.name.value].type)
        selection = self.selection_set(subgraph, child, _sub_selections(nodes))
        # The gateway already evaluated the root field's own @skip/@include.
        return replace(first, directives=(), selection_set=selection)

    def selection_set(
        self,
        subgraph: str,
        parent: GraphQLCompositeType,
        selections: Iterable[SelectionNode],
        only: frozenset[str] | None = None,
    ) -> SelectionSetNode:
        kept, dropped = self._prune(subgraph, parent, selections, only)
        extra = [_TYPENAME_FIELD, *self._key_fields(subgraph, parent, dropped)]
        return SelectionSetNode(selections=(*kept, *extra))

    def entity_fetches(
        self, source: str, parent: GraphQLObjectType, nodes: Sequence[FieldNode]
    ) -> dict[str, EntityFetch]:
        """Field name → the fetch that brings it, for the fields `source` left out."""
        selections = self._applicable(parent, _sub_selections(nodes))
        type_name = parent.name
        owner_of = {
            name: self.supergraph.entity_owner(type_name, name, source)
            for name in _field_names(selections)
            if name != "__typename" and not self.supergraph.resolves(source, type_name, name)
        }
        fetches: dict[str, EntityFetch] = {}
        for owner in dict.fromkeys(o for o in owner_of.values() if o is not None):
            fields = frozenset(name for name, o in owner_of.items() if o == owner)
            selection = self.selection_set(owner, parent, selections, only=fields)
            variables = frozenset(used_variables(selection))
            fetch = EntityFetch(owner, type_name, selection, print_ast(selection), variables)
            fetches.update(dict.fromkeys(fields, fetch))
        return fetches

    def _prune(
        self,
        subgraph: str,
        parent: GraphQLCompositeType,
        selections: Iterable[SelectionNode],
        only: frozenset[str] | None,
    ) -> tuple[list[SelectionNode], set[str]]:
        """The selections `subgraph` resolves, and the types where something was left out."""
        kept: list[SelectionNode] = []
        dropped: set[str] = set()
        for node in selections:
            if isinstance(node, FieldNode):
                name = node.name.value
                if name == "__typename" or (only is not None and name not in only):
                    continue  # the gateway answers __typename from the object's type itself
                if self.supergraph.resolves(subgraph, parent.name, name):
                    kept.append(self._field(subgraph, parent, node))
                else:
                    dropped.add(parent.name)
                continue
            condition, directives, inner = self._fragment(node)
            if condition is not None and not self.supergraph.knows(subgraph, condition):
                continue  # objects of a type the subgraph does not know never come from it
            target = self.schema.get_type(condition) if condition else parent
            sub, sub_dropped = self._prune(subgraph, target, inner, only)  # type: ignore[arg-type]
            dropped |= sub_dropped
            if sub:
                type_condition = (
                    NamedTypeNode(name=NameNode(value=condition)) if condition else None
                )
                selection_set = SelectionSetNode(selections=tuple(sub))
                kept.append(
                    InlineFragmentNode(
                        type_condition=type_condition,
                        directives=directives,
                        selection_set=selection_set,
                    )
                )
        return kept, dropped

    def _field(self, subgraph: str, parent: GraphQLCompositeType, node: FieldNode) -> FieldNode:
        if node.selection_set is None:
            return node
        child = get_named_type(parent.fields[node.name.value].type)  # type: ignore[union-attr]
        selection = self.selection_set(subgraph, child, node.selection_set.selections)  # type: ignore[arg-type]
        return replace(node, selection_set=selection)

    def _fragment(
        self, node: SelectionNode
    ) -> tuple[str | None, tuple[DirectiveNode, ...] | None, Sequence[SelectionNode]]:
        """Type condition, directives and selections of an inline fragment or a spread."""
        if isinstance(node, FragmentSpreadNode):
            fragment = self.fragments[node.name.value]
            spread_condition = fragment.type_condition.name.value
            return spread_condition, node.directives, fragment.selection_set.selections
        assert isinstance(node, InlineFragmentNode)
        condition = node.type_condition.name.value if node.type_condition else None
        return condition, node.directives, node.selection_set.selections

    def _key_fields(
        self, subgraph: str, parent: GraphQLCompositeType, dropped: set[str]
    ) -> list[SelectionNode]:
        """Key fields, under reserved aliases, of the entities that had fields left out."""
        entities = dict.fromkeys(e for name in dropped for e in self._object_types(name))
        selections: list[SelectionNode] = []
        for entity in entities:
            fields = self._keys_of(subgraph, entity.name)
            if not fields:
                continue
            if entity is parent:
                selections.extend(fields)
            elif self.supergraph.knows(subgraph, entity.name):
                condition = NamedTypeNode(name=NameNode(value=entity.name))
                selection_set = SelectionSetNode(selections=tuple(fields))
                selections.append(
                    InlineFragmentNode(type_condition=condition, selection_set=selection_set)
                )
        return selections

    def _keys_of(self, subgraph: str, type_name: str) -> list[FieldNode]:
        fields: dict[str, FieldNode] = {}
        for key in self.supergraph.key_sets(type_name):
            if not self.supergraph.provides(subgraph, type_name, key):
                continue
            for node in key.selections:
                assert isinstance(node, FieldNode)
                alias = NameNode(value=KEY_PREFIX + node.name.value)
                fields.setdefault(node.name.value, replace(node, alias=alias))
        return list(fields.values())

    def _object_types(self, type_name: str) -> list[GraphQLObjectType]:
        named = self.schema.get_type(type_name)
        if is_abstract_type(named):
            return list(self.schema.get_possible_types(named))
        return [named]  # type: ignore[list-item]

    def _applicable(
        self, parent: GraphQLObjectType, selections: Iterable[SelectionNode]
    ) -> list[SelectionNode]:
        """Selections that apply to objects of `parent`, fragments flattened to no condition."""
        result: list[SelectionNode] = []
        for node in selections:
            if isinstance(node, FieldNode):
                result.append(node)
                continue
            condition, directives, inner = self._fragment(node)
            if condition is not None and not self._applies(condition, parent):
                continue
            applicable = self._applicable(parent, inner)
            if not directives:
                result.extend(applicable)  # a plain fragment adds nothing but its fields
                continue
            selection_set = SelectionSetNode(selections=tuple(applicable))
            result.append(InlineFragmentNode(directives=directives, selection_set=selection_set))
        return result

    def _applies(self, condition: str, parent: GraphQLObjectType) -> bool:
        named = self.schema.get_type(condition)
        if condition == parent.name:
            return True
        return is_abstract_type(named) and self.schema.is_sub_type(named, parent)


def _sub_selections(nodes: Sequence[FieldNode]) -> list[SelectionNode]:
    """All nodes of one response key select into the same object: their selections merge."""
    return [s for node in nodes if node.selection_set for s in node.selection_set.selections]


def _field_names(selections: Iterable[SelectionNode]) -> list[str]:
    names: list[str] = []
    for node in selections:
        if isinstance(node, FieldNode):
            names.append(node.name.value)
        elif isinstance(node, InlineFragmentNode):
            names.extend(_field_names(node.selection_set.selections))
    return names


def used_variables(node: Node) -> set[str]:
    """Variables a selection uses, in arguments and in @skip/@include alike."""
    found: set[str] = set()

    class Collect(Visitor):
        def enter_variable(self, variable: VariableNode, *_: object) -> None:
            found.add(variable.name.value)

    visit(node, Collect())
    return found


def operation_text(
    operation: OperationType,
    selections: Sequence[SelectionNode],
    client_operation: OperationDefinitionNode,
    variables: set[str],
    extra: Sequence[VariableDefinitionNode] = (),
) -> str:
    """A subgraph document declaring just the client's variables it uses (with defaults)."""
    definitions = [
        d for d in client_operation.variable_definitions or () if d.variable.name.value in variables
    ]
    document = OperationDefinitionNode(
        operation=operation,
        variable_definitions=(*definitions, *extra),
        directives=(),
        selection_set=SelectionSetNode(selections=tuple(selections)),
    )
    return print_ast(document)


def entities_field(
    type_name: str, selection_set: SelectionSetNode, variable: str, alias: str
) -> FieldNode:
    """`alias: _entities(representations: $variable) { ... on Type { selection } }`."""
    argument = ArgumentNode(
        name=NameNode(value="representations"), value=VariableNode(name=NameNode(value=variable))
    )
    fragment = InlineFragmentNode(
        type_condition=NamedTypeNode(name=NameNode(value=type_name)), selection_set=selection_set
    )
    return FieldNode(
        alias=NameNode(value=alias),
        name=NameNode(value="_entities"),
        arguments=(argument,),
        selection_set=SelectionSetNode(selections=(fragment,)),
    )


def representations_variable(name: str) -> VariableDefinitionNode:
    return VariableDefinitionNode(
        variable=VariableNode(name=NameNode(value=name)), type=parse_type("[_Any!]!")
    )
