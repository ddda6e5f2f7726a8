"""Builds input objects from what graphql-core already coerced, without strawberry's generic walk.

Strawberry converts each input object field by field, resolving the field's annotation and its
GraphQL name again for every object: for `registerEnrolments` with 1,000 rows that was half of
the request's CPU (BENCHMARKS.md). graphql-core has by then validated and coerced every value,
and for scalars and enums strawberry only copies it. So each input type gets a `from_input` hook
(strawberry's documented one on its type definition) that copies scalar and enum fields
straight into the class, worked out once per type, and hands any other field (a nested input, a
list of them, a `Maybe`) back to strawberry's own conversion.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING
from typing import Any

import strawberry
from strawberry.relay import GlobalID
from strawberry.scalars import is_scalar
from strawberry.types.arguments import InputContext
from strawberry.types.base import (
    StrawberryList,
    StrawberryMaybe,
    StrawberryObjectDefinition,
    StrawberryOptional,
    StrawberryType,
)
from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition

# (GraphQL name, Python name, the type to convert it as, or None to take the value as it is)
_Plan = list[tuple[str, str, StrawberryType | type | None]]
_Builder = Callable[[type, Mapping[str, Any], InputContext], object]


def build_inputs_directly(schema: strawberry.federation.Schema) -> None:
    """Gives every input type of `schema` the direct builder (see the module's docstring)."""
    for concrete in schema.schema_converter.type_map.values():
        definition = concrete.definition
        if (
            isinstance(definition, StrawberryObjectDefinition)
            and definition.is_input
            and definition.from_input is None
            and not any(isinstance(f.type, StrawberryMaybe) for f in definition.fields)
        ):
            definition.from_input = _direct_builder(definition)


def _direct_builder(definition: StrawberryObjectDefinition) -> _Builder:
    # A field the client left out and that has no default is None, as strawberry does it.
    unset = {
        f.python_name: None
        for f in definition.fields
        if f.default_value is MISSING and f.default_factory is MISSING
    }
    plan: _Plan = []

    def build(cls: type, value: Mapping[str, Any], context: InputContext) -> object:
        if not plan:  # the scalar registry and name converter come with the first value
            plan.extend(_plan(definition, context))
        fields: dict[str, object] = dict(unset)
        for graphql_name, python_name, convert_as in plan:
            if graphql_name in value:
                given = value[graphql_name]
                fields[python_name] = (
                    given
                    if convert_as is None
                    else context.convert(given, convert_as, graphql_name)
                )
        return cls(**fields)

    return build


def _plan(definition: StrawberryObjectDefinition, context: InputContext) -> _Plan:
    plan: _Plan = []
    for field in definition.fields:
        type_ = field.resolve_type(type_definition=definition)
        as_is = _taken_as_is(type_, context)
        plan.append(
            (
                context.config.name_converter.from_field(field),
                field.python_name,
                None if as_is else type_,
            )
        )
    return plan


def _taken_as_is(type_: StrawberryType | type, context: InputContext) -> bool:
    """True where strawberry's conversion returns graphql-core's value unchanged."""
    if isinstance(type_, StrawberryMaybe | StrawberryList):
        return False
    if isinstance(type_, StrawberryOptional):
        return _taken_as_is(type_.of_type, context)
    if type_ is GlobalID:
        return False
    return (
        isinstance(type_, StrawberryEnumDefinition)
        or has_enum_definition(type_)
        or is_scalar(type_, context.scalar_registry)
    )
