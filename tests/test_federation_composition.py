"""The router's composition step: the four real subgraphs compose with
@theguild/federation-composition (the library Hive Gateway uses), and SDL that does not compose
is refused with the reason, leaving the last good supergraph in place."""

from __future__ import annotations

import asyncio
import importlib
from pathlib import Path

import pytest

from gateway.router import CompositionError, compose_supergraph
from localinfra.platform import SERVICES


def subgraph_sdl(service: str) -> str:
    schema = importlib.import_module(f"svc_{service}.schema").schema
    # Executed as the subgraphs serve it: asynchronously (a schema extension may be async, as
    # education's idempotent mutations are; execute_sync refuses those).
    result = asyncio.run(schema.execute("{ _service { sdl } }"))
    assert result.errors is None, result.errors
    return result.data["_service"]["sdl"]


def urls(names: list[str]) -> dict[str, str]:
    return {name: f"http://127.0.0.1:1/{name}/graphql" for name in names}


def test_the_four_subgraphs_compose_into_a_supergraph(tmp_path: Path) -> None:
    for service in SERVICES:
        (tmp_path / f"{service}.graphql").write_text(subgraph_sdl(service))
    out = tmp_path / "supergraph.graphql"
    compose_supergraph(urls(list(SERVICES)), out, sdl_dir=tmp_path)
    supergraph = out.read_text()
    for field in ("grantEligibility", "enrolments", "learningNetwork", "guidance"):
        assert field in supergraph
    assert 'join__type(graph: GRANTS, key: "number")' in supergraph
    assert 'url: "http://127.0.0.1:1/grants/graphql"' in supergraph


def test_subgraphs_that_do_not_compose_are_refused_and_the_old_supergraph_stays(
    tmp_path: Path,
) -> None:
    # The same field, a String in one subgraph and an Int in the other.
    federation = "https://specs.apollo.dev/federation/v2.7"
    link = f'extend schema @link(url: "{federation}", import: ["@shareable"])'
    (tmp_path / "a.graphql").write_text(f"{link}\ntype Query {{ total: String @shareable }}")
    (tmp_path / "b.graphql").write_text(f"{link}\ntype Query {{ total: Int @shareable }}")
    out = tmp_path / "supergraph.graphql"
    out.write_text("the last good supergraph")
    with pytest.raises(CompositionError, match="do not compose") as refused:
        compose_supergraph(urls(["a", "b"]), out, sdl_dir=tmp_path)
    assert "total" in str(refused.value)
    assert out.read_text() == "the last good supergraph"


def test_a_subgraph_that_never_answers_is_named(tmp_path: Path) -> None:
    with pytest.raises(CompositionError, match=r"subgraph education .* gave no SDL"):
        compose_supergraph(urls(["education"]), tmp_path / "supergraph.graphql", wait_seconds=0)
