"""cohort participation across a county border, and the number as posted

A service may join a neighbouring county's cohort where the programme enrolled it (Etne and
Sveio, in Hordaland then, in Rogaland's 2018 cohort): recorded as such. The number it joined
with is kept, so a 2018 cohort shows Forsand (1129), not only today's Sandnes.

Revision ID: 0020
Revises: 0006
Create Date: 2026-12-01 13:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "support_participations",
        sa.Column("across_county_border", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "support_participations",
        sa.Column("municipality_as_posted", sa.String(length=4), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("support_participations") as batch_op:
        batch_op.drop_column("municipality_as_posted")
        batch_op.drop_column("across_county_border")
