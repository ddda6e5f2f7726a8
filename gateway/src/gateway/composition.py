"""Composes the client schema from the subgraphs' SDL and records who resolves what.

Types are merged at the AST level (concatenating documents would let a second `type X`
silently replace the first): fields are unioned, and a field two subgraphs both define must
have the same type and arguments. The result is a graphql-core schema without any federation
member, plus the ownership the planner needs: the subgraphs resolving each (type, field), each
entity's keys per subgraph, and the types each subgraph knows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldDefinitionNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    InputValueDefinitionNode,
    NameNode,
    OperationType,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    SelectionSetNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    build_ast_schema,
    is_object_type,
    parse,
    print_ast,
    validate_schema,
)
from graphql.language import ast

from gateway import federation
from shared.observability import get_logger

log = get_logger(__name__)

ROOT_TYPES = {OperationType.QUERY: "Query", OperationType.MUTATION: "Mutation"}

# Extensions (`extend type X`, federation-1 style) merge exactly like definitions.
_DEFINITION_OF: dict[type[Any], type[Any]] = {
    ast.ObjectTypeExtensionNode: ast.ObjectTypeDefinitionNode,
    ast.InterfaceTypeExtensionNode: ast.InterfaceTypeDefinitionNode,
    ast.UnionTypeExtensionNode: ast.UnionTypeDefinitionNode,
    ast.EnumTypeExtensionNode: ast.EnumTypeDefinitionNode,
    ast.InputObjectTypeExtensionNode: ast.InputObjectTypeDefinitionNode,
    ast.ScalarTypeExtensionNode: ast.ScalarTypeDefinitionNode,
}


class CompositionError(Exception):
    """The subgraphs do not compose; `problems` names each type, field and subgraph."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("composition failed: " + "; ".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Supergraph:
    schema: GraphQLSchema
    subgraphs: tuple[str, ...]
    owners: Mapping[tuple[str, str], tuple[str, ...]]
    keys: Mapping[str, Mapping[str, tuple[SelectionSetNode, ...]]]  # type → subgraph → keys
    types: Mapping[str, frozenset[str]]  # subgraph → the type names it defines

    def resolves(self, subgraph: str, type_name: str, field_name: str) -> bool:
        return subgraph in self.owners.get((type_name, field_name), ())

    def knows(self, subgraph: str, type_name: str) -> bool:
        return type_name in self.types.get(subgraph, ())

    def key_sets(self, type_name: str) -> list[SelectionSetNode]:
        """Every distinct key of an entity, whichever subgraph declared it."""
        found: dict[str, SelectionSetNode] = {}
        for keys in self.keys.get(type_name, {}).values():
            for key in keys:
                found.setdefault(print_ast(key), key)
        return list(found.values())

    def provides(self, subgraph: str, type_name: str, key: SelectionSetNode) -> bool:
        """Can `subgraph` return the top-level fields of this key for the type?"""
        return all(
            isinstance(node, FieldNode) and self.resolves(subgraph, type_name, node.name.value)
            for node in key.selections
        )

    def entity_owner(self, type_name: str, field_name: str, source: str) -> str | None:
        """The first subgraph resolving the field that objects from `source` can reach."""
        for owner in self.owners.get((type_name, field_name), ()):
            keys = self.keys.get(type_name, {}).get(owner, ())
            if any(self.provides(source, type_name, key) for key in keys):
                return owner
        return None


def compose(sdls: Mapping[str, str]) -> Supergraph:
    """The supergraph of `{subgraph name: SDL}`; the mapping's order breaks ownership ties."""
    composer = _Composer(tuple(sdls))
    for name, sdl in sdls.items():
        composer.add_subgraph(name, _parse(name, sdl, composer.problems))
    return composer.finish()


def _parse(name: str, sdl: str, problems: list[str]) -> DocumentNode:
    try:
        return parse(sdl, no_location=True)
    except GraphQLError as error:
        problems.append(f"subgraph {name}: invalid SDL: {error.message}")
        return DocumentNode(definitions=())


@dataclass
class _Type:
    """One client type being merged from every subgraph that defines it."""

    definition: TypeDefinitionNode
    subgraphs: list[str]
    members: dict[str, Any] = field(default_factory=dict)  # fields, values or union members
    origins: dict[str, str] = field(default_factory=dict)  # member → first subgraph defining it
    interfaces: dict[str, Any] = field(default_factory=dict)


class _Composer:
    def __init__(self, subgraphs: tuple[str, ...]) -> None:
        self.subgraphs = subgraphs
        self.types: dict[str, _Type] = {}
        self.owners: dict[tuple[str, str], list[str]] = {}
        self.keys: dict[str, dict[str, list[SelectionSetNode]]] = {}
        self.key_fields: dict[tuple[str, str], set[str]] = {}  # (subgraph, type) → key fields
        self.known: dict[str, set[str]] = {name: set() for name in subgraphs}
        self.overrides: list[tuple[str, str, str, str]] = []
        self.problems: list[str] = []

    def add_subgraph(self, subgraph: str, document: DocumentNode) -> None:
        roots = _root_names(subgraph, document)
        for node in document.definitions:
            if not isinstance(node, TypeDefinitionNode | TypeExtensionNode):
                continue  # directive definitions and `schema @link` are federation's, not clients'
            name = roots.get(node.name.value, node.name.value)
            if name is None or federation.is_federation_type(name):
                continue
            definition = _as_definition(node)
            if name != node.name.value:
                definition = replace(definition, name=NameNode(value=name))
            self.known[subgraph].add(name)
            if isinstance(definition, ast.ObjectTypeDefinitionNode):
                self._record_entity(subgraph, definition)
            self._merge(subgraph, definition)

    def _merge(self, subgraph: str, node: TypeDefinitionNode) -> None:
        name = node.name.value
        merged = self.types.get(name)
        if merged is None:
            merged = self.types[name] = _Type(node, [])
        elif type(merged.definition) is not type(node):
            self.problems.append(
                f"{name} is a {_kind(merged.definition)} in {merged.subgraphs[0]} "
                f"but a {_kind(node)} in {subgraph}"
            )
            return
        merged.subgraphs.append(subgraph)
        if not merged.definition.description and node.description:
            merged.definition = replace(merged.definition, description=node.description)
        for interface in getattr(node, "interfaces", None) or ():
            merged.interfaces.setdefault(interface.name.value, interface)
        if isinstance(node, ast.InputObjectTypeDefinitionNode):
            self._merge_input(merged, subgraph, node)
        else:
            for member in _members(node):
                self._merge_member(merged, subgraph, member)

    def _merge_member(self, merged: _Type, subgraph: str, member: Any) -> None:
        name = member.name.value
        if isinstance(member, FieldDefinitionNode):
            type_name = merged.definition.name.value
            if name in federation.ENTITY_FIELDS and type_name == "Query":
                return
            self._record_owner(subgraph, type_name, member)
            existing = merged.members.get(name)
            if existing is not None and _signature(existing) != _signature(member):
                self.problems.append(
                    f"{type_name}.{name} is {_signature(existing)} in {merged.origins[name]} "
                    f"but {_signature(member)} in {subgraph}"
                )
                return
        merged.members.setdefault(name, member)
        merged.origins.setdefault(name, subgraph)

    def _merge_input(
        self, merged: _Type, subgraph: str, node: ast.InputObjectTypeDefinitionNode
    ) -> None:
        """An input type several subgraphs define must be the same everywhere: each receives it."""
        fields = {f.name.value: f for f in node.fields or ()}
        if merged.members and _signatures(merged.members) != _signatures(fields):
            self.problems.append(
                f"input {node.name.value} differs between {merged.subgraphs[0]} and {subgraph}"
            )
        merged.members = merged.members or fields

    def _record_owner(self, subgraph: str, type_name: str, node: FieldDefinitionNode) -> None:
        field_name = node.name.value
        for unsupported in federation.UNSUPPORTED:
            if federation.find_directives(node.directives, unsupported):
                self.problems.append(
                    f"{type_name}.{field_name} in {subgraph}: @{unsupported} is not supported"
                )
        for override in federation.find_directives(node.directives, "override"):
            loser = federation.string_argument(override, "from")
            if loser:
                self.overrides.append((type_name, field_name, subgraph, loser))
        # An @external key field is still the subgraph's: it is in every representation.
        own_key = field_name in self.key_fields.get((subgraph, type_name), ())
        if own_key or not federation.find_directives(node.directives, "external"):
            self.owners.setdefault((type_name, field_name), []).append(subgraph)

    def _record_entity(self, subgraph: str, node: ast.ObjectTypeDefinitionNode) -> None:
        name = node.name.value
        if federation.find_directives(node.directives, "interfaceObject"):
            self.problems.append(f"{name} in {subgraph}: @interfaceObject is not supported")
        for key in federation.find_directives(node.directives, "key"):
            fields = federation.string_argument(key, "fields")
            try:
                key_set = federation.parse_field_set(fields or "")
            except GraphQLError as error:
                self.problems.append(f"{name} in {subgraph}: bad @key {fields!r}: {error.message}")
                continue
            top_level = {f.name.value for f in key_set.selections if isinstance(f, FieldNode)}
            self.key_fields.setdefault((subgraph, name), set()).update(top_level)
            if federation.is_resolvable(key):
                self.keys.setdefault(name, {}).setdefault(subgraph, []).append(key_set)

    def finish(self) -> Supergraph:
        self._apply_overrides()
        if "Query" not in self.types:
            self.problems.append("no subgraph defines a Query field")
        schema = self._build_schema() if not self.problems else None
        supergraph = Supergraph(
            schema=schema or GraphQLSchema(),
            subgraphs=self.subgraphs,
            owners={k: tuple(v) for k, v in self.owners.items()},
            keys={t: {s: tuple(k) for s, k in by.items()} for t, by in self.keys.items()},
            types={s: frozenset(names) for s, names in self.known.items()},
        )
        if schema is not None:
            self._check_reachable(supergraph)
        if self.problems:
            raise CompositionError(self.problems)
        return supergraph

    def _apply_overrides(self) -> None:
        for type_name, field_name, winner, loser in self.overrides:
            owners = self.owners.get((type_name, field_name), [])
            if winner in owners and loser in owners:
                owners.remove(loser)

    def _build_schema(self) -> GraphQLSchema | None:
        document = DocumentNode(definitions=tuple(_client_type(t) for t in self.types.values()))
        try:
            schema = build_ast_schema(document)
        except (GraphQLError, TypeError) as error:
            self.problems.append(str(error))
            return None
        self.problems.extend(error.message for error in validate_schema(schema))
        return schema

    def _check_reachable(self, supergraph: Supergraph) -> None:
        """Every field must be fetchable wherever its type's objects can come from."""
        for name, merged in self.types.items():
            if name in ROOT_TYPES.values() or not is_object_type(supergraph.schema.get_type(name)):
                continue
            for field_name in merged.members:
                owners = supergraph.owners.get((name, field_name), ())
                for source in merged.subgraphs:
                    if source in owners:
                        continue
                    if not owners or supergraph.entity_owner(name, field_name, source) is None:
                        self.problems.append(
                            f"{name}.{field_name} (resolved by {', '.join(owners) or 'nobody'}) "
                            f"cannot be reached from {source}: no key {source} can provide"
                        )


def _root_names(subgraph: str, document: DocumentNode) -> dict[str, str | None]:
    """Root types by their subgraph name → Query/Mutation (None: a subscription, not served)."""
    names: dict[str, str | None] = {}
    for node in document.definitions:
        if isinstance(node, SchemaDefinitionNode | SchemaExtensionNode):
            for root in node.operation_types or ():
                names[root.type.name.value] = ROOT_TYPES.get(root.operation)
    for name, canonical in names.items():
        if canonical is None:
            log.warning("subscriptions are not served", subgraph=subgraph, type=name)
    return names


def _as_definition(node: TypeDefinitionNode | TypeExtensionNode) -> TypeDefinitionNode:
    definition = _DEFINITION_OF.get(type(node))
    if definition is None:
        return node  # type: ignore[return-value]
    values = {key: getattr(node, key) for key in node.keys if key != "loc"}
    return definition(**values)


def _members(node: TypeDefinitionNode) -> Sequence[Any]:
    """Fields, enum values or union members (scalars have none)."""
    if isinstance(node, ast.EnumTypeDefinitionNode):
        return node.values or ()
    if isinstance(node, ast.UnionTypeDefinitionNode):
        return node.types or ()
    return getattr(node, "fields", None) or ()


def _kind(node: TypeDefinitionNode) -> str:
    return node.kind.removesuffix("_type_definition").replace("_", " ")


def _signature(node: FieldDefinitionNode | InputValueDefinitionNode) -> str:
    """A field's type and arguments, without descriptions and directives."""
    if isinstance(node, InputValueDefinitionNode):
        return print_ast(replace(node, description=None, directives=()))
    arguments = tuple(replace(a, description=None, directives=()) for a in node.arguments or ())
    return print_ast(replace(node, description=None, directives=(), arguments=arguments))


def _signatures(fields: Mapping[str, Any]) -> dict[str, str]:
    return {name: _signature(node) for name, node in fields.items()}


def _client_directives(nodes: Sequence[DirectiveNode] | None) -> tuple[DirectiveNode, ...]:
    return tuple(n for n in nodes or () if n.name.value in federation.CLIENT_DIRECTIVES)


def _client_member(node: Any) -> Any:
    changes: dict[str, Any] = {}
    if hasattr(node, "directives"):
        changes["directives"] = _client_directives(node.directives)
    if isinstance(node, FieldDefinitionNode):
        changes["arguments"] = tuple(_client_member(a) for a in node.arguments or ())
    return replace(node, **changes) if changes else node


def _client_type(merged: _Type) -> TypeDefinitionNode:
    """The merged type as clients see it: federation directives gone, members unioned."""
    node = merged.definition
    members = tuple(_client_member(m) for m in merged.members.values())
    changes: dict[str, Any] = {"directives": _client_directives(node.directives)}
    if isinstance(node, ast.EnumTypeDefinitionNode):
        changes["values"] = members
    elif isinstance(node, ast.UnionTypeDefinitionNode):
        changes["types"] = members
    elif not isinstance(node, ast.ScalarTypeDefinitionNode):
        changes["fields"] = members
    if isinstance(node, ast.ObjectTypeDefinitionNode | ast.InterfaceTypeDefinitionNode):
        changes["interfaces"] = tuple(merged.interfaces.values())
    return replace(node, **changes)
