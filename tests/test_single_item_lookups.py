"""A lookup of one item by id that finds nothing is null (NOT_FOUND at most); its siblings stay."""

from __future__ import annotations

import importlib
import uuid
from pathlib import Path

import pytest

from shared.testing import execute, migrated_runtime, sqlite_url

LOOKUPS = [
    ("education", "enrolment"),
    ("grants", "grantApplication"),
    ("networks", "developmentProject"),
    ("guidance", "guidanceCase"),
    ("guidance", "guidanceEngagement"),
]


@pytest.mark.parametrize(("service", "field"), LOOKUPS)
async def test_a_missing_item_never_wipes_its_sibling_fields(
    service: str, field: str, tmp_path: Path
) -> None:
    definition = importlib.import_module(f"svc_{service}.app").SERVICE
    runtime = await migrated_runtime(definition, sqlite_url(tmp_path, service))
    query = f'{{ {field}(id: "{uuid.uuid4()}") {{ id }} __typename }}'
    data, errors = await execute(definition.schema, runtime, query, roles=["directorate"])
    await runtime.engine.dispose()
    assert data == {field: None, "__typename": "Query"}
    assert {e["extensions"]["code"] for e in errors} <= {"NOT_FOUND"}  # networks: null, no error
