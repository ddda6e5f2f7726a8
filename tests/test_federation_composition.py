"""The four real subgraphs compose with @theguild/federation-composition (Hive Gateway's library),
so they stay standard Federation-2 subgraphs that any standard router can serve."""

from __future__ import annotations

import importlib
import shutil
import subprocess
from pathlib import Path

import pytest

from localinfra.platform import SERVICES

COMPOSE = Path(__file__).parent / "contract" / "compose"


def subgraph_sdl(service: str) -> str:
    schema = importlib.import_module(f"svc_{service}.schema").schema
    result = schema.execute_sync("{ _service { sdl } }")
    assert result.errors is None, result.errors
    return result.data["_service"]["sdl"]


@pytest.fixture(scope="module")
def compose_tool() -> Path:
    if shutil.which("node") is None:
        pytest.skip("node is not on PATH")
    if not (COMPOSE / "node_modules" / "@theguild").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=COMPOSE, check=True)
    return COMPOSE / "compose.mjs"


def test_the_four_subgraphs_compose_into_a_supergraph(compose_tool: Path, tmp_path: Path) -> None:
    arguments = []
    for service in SERVICES:
        path = tmp_path / f"{service}.graphql"
        path.write_text(subgraph_sdl(service))
        arguments.append(f"{service}={path}")
    result = subprocess.run(
        ["node", str(compose_tool), *arguments], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    supergraph = result.stdout
    for field in ("grantEligibility", "enrolments", "learningNetwork", "guidance"):
        assert field in supergraph
    assert 'join__type(graph: GRANTS, key: "number")' in supergraph
