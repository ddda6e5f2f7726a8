"""The programme catalogue of the competence strategy and its partner institutions.

The six further-education programmes of 2018 (30 ECTS, two semesters, master level; three new
from autumn 2018 and three continued), from the strategy document in the project's seeds.
Institution ids are short stable codes used in `institution:<id>` roles.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Fixed ids so every installation (and every client) knows the programmes by the same id.
PROGRAMMES = [
    (
        "6f0b1c2e-2018-4a01-8000-000000000001",
        "Relasjonskompetanse og samarbeid med barn og familier",
        "Relational competence and cooperation with children and families (new from autumn 2018)",
    ),
    (
        "6f0b1c2e-2018-4a01-8000-000000000002",
        "Vurdering av barnets beste",
        "Assessing the child's best interests (new from autumn 2018)",
    ),
    (
        "6f0b1c2e-2018-4a01-8000-000000000003",
        "Juss i barnevernet",
        "Law in child-welfare work (new from autumn 2018)",
    ),
    (
        "6f0b1c2e-2018-4a01-8000-000000000004",
        "Barnevernsledelse",
        "Child-welfare leadership (continued)",
    ),
    (
        "6f0b1c2e-2018-4a01-8000-000000000005",
        "Barnevernsfaglig veiledning",
        "Professional supervision in child welfare (continued)",
    ),
    (
        "6f0b1c2e-2018-4a01-8000-000000000006",
        "Barnevern i et minoritetsperspektiv",
        "Child welfare in a minority perspective: immigrants, the indigenous Sámi, national "
        "minorities (continued)",
    ),
]
INSTITUTIONS = [
    ("uis", "Universitetet i Stavanger"),
    ("oslomet", "OsloMet – storbyuniversitetet"),
    ("uit", "UiT Norges arktiske universitet"),
    ("ntnu", "Norges teknisk-naturvitenskapelige universitet"),
    ("hvl", "Høgskulen på Vestlandet"),
    ("usn", "Universitetet i Sørøst-Norge"),
    ("uia", "Universitetet i Agder"),
    ("nord", "Nord universitet"),
    ("vid", "VID vitenskapelige høgskole"),
    ("inn", "Høgskolen i Innlandet"),
]


programmes = sa.table(
    "programmes",
    sa.column("id", sa.Uuid),
    sa.column("name", sa.String),
    sa.column("credits", sa.Integer),
    sa.column("theme", sa.String),
)
institutions = sa.table("institutions", sa.column("id", sa.String), sa.column("name", sa.String))


def upgrade() -> None:
    op.bulk_insert(
        programmes,
        [{"id": uuid.UUID(i), "name": n, "credits": 30, "theme": t} for i, n, t in PROGRAMMES],
    )
    op.bulk_insert(institutions, [{"id": i, "name": n} for i, n in INSTITUTIONS])


def downgrade() -> None:
    op.execute(
        programmes.delete().where(programmes.c.id.in_([uuid.UUID(i) for i, _, _ in PROGRAMMES]))
    )
    op.execute(institutions.delete().where(institutions.c.id.in_([i for i, _ in INSTITUTIONS])))
