"""An independent oracle: @theguild/federation-composition (Hive Gateway's composer) must
compose the test subgraphs into the same client types as the gateway, and refuse what the
gateway refuses. Skipped only when `node` is not on PATH."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import strawberry
from graphql import GraphQLSchema, build_schema, is_object_type

from .subgraphs import EduQuery, education_schema, grants_schema, networks_schema
from .test_composition import LINK, mini, service_sdl

COMPOSE_DIR = Path(__file__).resolve().parents[2] / "tests" / "contract" / "compose"


@pytest.fixture(scope="module")
def compose_script() -> Path:
    if shutil.which("node") is None:
        pytest.skip("node is not on PATH: the federation-composition oracle needs Node 20")
    if not (COMPOSE_DIR / "node_modules").is_dir():
        npm = shutil.which("npm")
        assert npm is not None, "node is installed but npm is not: cannot install the oracle"
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=COMPOSE_DIR, check=True, timeout=600
        )
    return COMPOSE_DIR / "compose.mjs"


def oracle(script: Path, sdls: dict[str, str], folder: Path) -> subprocess.CompletedProcess[str]:
    arguments = []
    for name, sdl in sdls.items():
        path = folder / f"{name}.graphql"
        path.write_text(sdl, encoding="utf-8")
        arguments.append(f"{name}={path}")
    return subprocess.run(
        ["node", str(script), *arguments], capture_output=True, text=True, timeout=120
    )


def client_fields(schema: GraphQLSchema) -> dict[str, set[str]]:
    return {
        name: set(named.fields)  # type: ignore[union-attr]
        for name, named in schema.type_map.items()
        if is_object_type(named) and not name.startswith(("__", "join__", "link__"))
    }


def test_the_test_subgraphs_compose_into_the_gateways_client_types(
    compose_script: Path, tmp_path: Path
) -> None:
    sdls = {
        "education": service_sdl(education_schema),
        "grants": service_sdl(grants_schema()),
        "networks": service_sdl(networks_schema),
    }
    result = oracle(compose_script, sdls, tmp_path)

    assert result.returncode == 0, result.stderr
    supergraph = build_schema(result.stdout)
    assert client_fields(supergraph) == client_fields(mini().schema)


def test_the_oracle_also_refuses_a_field_with_two_types(
    compose_script: Path, tmp_path: Path
) -> None:
    result = oracle(
        compose_script,
        {
            "education": LINK
            + """type Query { municipality: Municipality }
                type Municipality @key(fields: "number") { number: String! name: String! }""",
            "grants": LINK
            + 'type Municipality @key(fields: "number") { number: String! name: Int }',
        },
        tmp_path,
    )

    assert result.returncode == 1
    assert "Municipality.name" in result.stderr


def test_strawberrys_default_federation_version_is_refused_hence_2_7(
    compose_script: Path, tmp_path: Path
) -> None:
    default = strawberry.federation.Schema(query=EduQuery)
    result = oracle(compose_script, {"education": service_sdl(default)}, tmp_path)

    assert result.returncode == 1
    assert "Invalid version" in result.stderr
