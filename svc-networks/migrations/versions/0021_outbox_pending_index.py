"""outbox: only pending rows in the relay's index on SQLite too

The relay's read of pending rows scanned every sent row first (shared.outbox, PENDING_INDEX).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 09:10:00
"""

from collections.abc import Sequence

from shared.outbox import index_every_row, index_only_pending_rows

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    index_only_pending_rows()


def downgrade() -> None:
    index_every_row()
