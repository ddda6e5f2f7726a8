"""Input objects built directly (shared.input_building) arrive in resolvers exactly as
strawberry's own conversion would have built them."""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

import pytest
import strawberry

from shared.input_building import build_inputs_directly


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.input
class Part:
    name: str
    count: int = 1


@strawberry.input
class Order:
    id: strawberry.ID
    placed_on: date
    colour: Colour
    note: str | None
    rush: bool = False
    tags: list[str] | None = None
    parts: list[Part] | None = None
    main_part: Part | None = None


def schema_answering_with(received: list[Any]) -> strawberry.Schema:
    @strawberry.type
    class Query:
        @strawberry.field
        def place(self, orders: list[Order]) -> int:
            received.extend(orders)
            return len(orders)

    return strawberry.Schema(query=Query)


ORDERS = [
    {"id": "o-1", "placedOn": "2026-12-01", "colour": "RED", "note": "fragile"},
    {
        "id": "o-2",
        "placedOn": "2026-11-30",
        "colour": "BLUE",
        "note": None,
        "rush": True,
        "tags": ["a", "b"],
        "parts": [{"name": "bolt", "count": 4}, {"name": "nut"}],
        "mainPart": {"name": "frame"},
    },
]
QUERY = "query($o: [Order!]!) { place(orders: $o) }"


async def orders_as_received(direct: bool) -> list[Any]:
    received: list[Any] = []
    schema = schema_answering_with(received)
    for input_type in (Order, Part):  # the hook lives on the class's definition
        input_type.__strawberry_definition__.from_input = None  # type: ignore[attr-defined]
    if direct:
        build_inputs_directly(schema)  # type: ignore[arg-type]
        assert Order.__strawberry_definition__.from_input is not None  # type: ignore[attr-defined]
    result = await schema.execute(QUERY, variable_values={"o": ORDERS})
    assert result.errors is None, result.errors
    return received


async def test_direct_building_gives_what_strawberry_gives() -> None:
    assert await orders_as_received(direct=True) == await orders_as_received(direct=False)


async def test_scalars_enums_defaults_and_nested_inputs_are_converted() -> None:
    first, second = await orders_as_received(direct=True)
    assert first == Order(
        id=strawberry.ID("o-1"), placed_on=date(2026, 12, 1), colour=Colour.RED, note="fragile"
    )
    assert first.rush is False and first.parts is None
    assert second.colour is Colour.BLUE and second.note is None and second.tags == ["a", "b"]
    assert second.parts == [Part(name="bolt", count=4), Part(name="nut", count=1)]
    assert isinstance(second.main_part, Part) and second.main_part.name == "frame"


@pytest.mark.parametrize("bad", [{"colour": "GREEN"}, {"placedOn": "yesterday"}, {"id": None}])
async def test_bad_values_are_still_refused_by_graphql(bad: dict[str, Any]) -> None:
    schema = schema_answering_with([])
    build_inputs_directly(schema)  # type: ignore[arg-type]
    result = await schema.execute(QUERY, variable_values={"o": [{**ORDERS[0], **bad}]})
    assert result.errors and "$o" in result.errors[0].message
