"""What the gateway understands of the Federation-2 subgraph SDL strawberry prints.

strawberry's `_service { sdl }` carries `schema @link(...)`, `@key` and friends without their
definitions, and the `_entities`/`_service`/`_Any`/`_Entity`/`_Service` members. None of that is
for clients: the composer strips it and reads keys, `@external` and `@override` into ownership.
"""

from __future__ import annotations

from collections.abc import Iterable

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    parse,
)

ENTITY_FIELDS = frozenset({"_entities", "_service"})
_FEDERATION_TYPES = frozenset({"_Any", "_Entity", "_Service", "_FieldSet", "FieldSet"})
_FEDERATION_PREFIXES = ("link__", "federation__", "join__")
# Directives a client schema keeps; every federation and custom type-system directive goes.
CLIENT_DIRECTIVES = frozenset({"deprecated", "specifiedBy", "oneOf"})
# Directives that change how a field is resolved in ways this gateway does not plan for.
UNSUPPORTED = frozenset({"requires", "interfaceObject", "fromContext"})


def is_federation_type(name: str) -> bool:
    return name in _FEDERATION_TYPES or name.startswith(_FEDERATION_PREFIXES)


def directive_name(node: DirectiveNode) -> str:
    """`@federation__key` and `@key` are the same directive."""
    return node.name.value.removeprefix("federation__")


def find_directives(nodes: Iterable[DirectiveNode] | None, name: str) -> list[DirectiveNode]:
    return [node for node in nodes or () if directive_name(node) == name]


def string_argument(node: DirectiveNode, name: str) -> str | None:
    for argument in node.arguments or ():
        if argument.name.value == name and isinstance(argument.value, StringValueNode):
            return argument.value.value
    return None


def is_resolvable(key: DirectiveNode) -> bool:
    """`@key(..., resolvable: false)`: the subgraph references the entity but cannot fetch it."""
    for argument in key.arguments or ():
        if argument.name.value == "resolvable" and isinstance(argument.value, BooleanValueNode):
            return argument.value.value
    return True


def parse_field_set(fields: str) -> SelectionSetNode:
    """A key's `fields: "id org { id }"` as a selection set."""
    operation = parse(f"{{ {fields} }}", no_location=True).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.selection_set
