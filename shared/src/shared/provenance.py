"""Where a record's figures come from, the same on every record the demo platform writes.

`demo: true` marks what was invented for the demonstration (names, dates, head counts, budgets,
seat splits); `source` names the document a figure comes from, with the figure as stated there,
or says what is invented. Ordinary records leave both unset. One pattern for every service: the
table gets `ProvenanceColumns`, the input `ProvenanceInput`, the GraphQL type `ProvenanceFields`,
and the use case parses the client's `demo` and `source` with `parse_provenance`
(docs/decisions/demo-data-provenance.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.orm import Mapped, mapped_column

from shared.errors import BadUserInput
from shared.inputs import optional_text

MAX_SOURCE = 500


@dataclass(frozen=True, slots=True)
class Provenance:
    demo: bool = False
    source: str | None = None


ORDINARY = Provenance()


def parse_provenance(demo: bool, source: str | None) -> Provenance:
    """A demo record must say what is invented: demo without a source is BAD_USER_INPUT."""
    text = optional_text(source, "source", MAX_SOURCE)
    if demo and text is None:
        raise BadUserInput("source", "a demo record says what is invented and what is sourced")
    return Provenance(demo, text)


class ProvenanceColumns:
    """Mixin for a table whose rows may be demo data or name their source."""

    demo: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    source: Mapped[str | None] = mapped_column(sa.String(MAX_SOURCE))

    def set_provenance(self, provenance: Provenance) -> None:
        self.demo, self.source = provenance.demo, provenance.source


def provenance_columns() -> list[sa.Column[object]]:
    """The mixin's columns for a migration's `op.add_column`."""
    return [
        sa.Column("demo", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("source", sa.String(length=MAX_SOURCE), nullable=True),
    ]


@strawberry.type  # a base: its subclasses, not it, are types of a schema
class ProvenanceFields:
    demo: bool = strawberry.field(
        default=False, description="Invented for the demo platform, not the programme's reality"
    )
    source: str | None = strawberry.field(
        default=None,
        description="The document a figure comes from, with the figure as stated there, or "
        "what a demo record invented",
    )


@strawberry.input  # a base, as ProvenanceFields
class ProvenanceInput:
    demo: bool = strawberry.field(
        default=False, description="Invented demo data; then `source` says what is invented"
    )
    source: str | None = strawberry.field(
        default=None, description=f"Where the figures come from; at most {MAX_SOURCE} characters"
    )


def provenance_of(row: ProvenanceColumns) -> dict[str, Any]:
    """A row's provenance as keyword arguments of a `ProvenanceFields` type."""
    return {"demo": row.demo, "source": row.source}
