"""The committed contracts match the code, and a breaking change needs a new contract version."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from localinfra.contracts import (
    COMMAND,
    REPO,
    asyncapi_path,
    committed,
    compare,
    generate,
    run,
    sdl_path,
)

GRANTS_SDL = sdl_path("grants")
EDUCATION_EVENTS = asyncapi_path("education")


@pytest.fixture(scope="module")
def generated() -> dict[Path, str]:
    return asyncio.run(generate())


def test_the_committed_contracts_are_what_the_code_generates(generated: dict[Path, str]) -> None:
    result = compare(committed(REPO, list(generated)), generated)
    assert result.breaking == [], f"breaking changes; see `{COMMAND}`"
    assert result.drifted == [], f"run `{COMMAND}` and commit: {[str(p) for p in result.drifted]}"


def with_field_the_code_no_longer_has(files: dict[Path, str]) -> dict[Path, str]:
    """The committed files as they were before the code dropped GrantScheme.code."""
    sdl = files[GRANTS_SDL].replace("type GrantScheme {\n", "type GrantScheme {\n  code: String!\n")
    assert sdl != files[GRANTS_SDL]
    return {**files, GRANTS_SDL: sdl}


def test_a_removed_field_is_breaking_unless_the_contract_version_moves(
    generated: dict[Path, str],
) -> None:
    old = with_field_the_code_no_longer_has(generated)
    assert compare(old, generated).breaking == [
        f"{GRANTS_SDL}: Field GrantScheme.code was removed."
    ]
    older_version = old[GRANTS_SDL].replace("# contract version 1:", "# contract version 0:")
    assert compare({**old, GRANTS_SDL: older_version}, generated).breaking == []


def test_an_event_field_removed_or_retyped_is_breaking(generated: dict[Path, str]) -> None:
    document = json.loads(generated[EDUCATION_EVENTS])
    payload = document["components"]["schemas"]["EnrolmentRegistered"]["properties"]
    payload["credits"] = {"type": "integer"}  # the code no longer sends it
    payload["term"] = {"type": "integer"}  # the code sends a string now
    old = {**generated, EDUCATION_EVENTS: json.dumps(document)}
    assert compare(old, generated).breaking == [
        f"{EDUCATION_EVENTS}: EnrolmentRegistered.credits was removed",
        f'{EDUCATION_EVENTS}: EnrolmentRegistered.term changed type from {{"type": "integer"}} '
        'to {"type": "string"}',
    ]


def test_additions_are_drift_but_not_breaking(generated: dict[Path, str]) -> None:
    old = {**generated, GRANTS_SDL: generated[GRANTS_SDL].replace("  name: String!\n", "", 1)}
    result = compare(old, generated)
    assert (result.drifted, result.breaking) == ([GRANTS_SDL], [])


def test_the_command_refuses_to_write_a_breaking_change_and_writes_a_versioned_one(
    generated: dict[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = with_field_the_code_no_longer_has(generated)
    for path, text in old.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)

    assert run(check=False, root=tmp_path) == 1
    refused = capsys.readouterr().out
    assert "Field GrantScheme.code was removed" in refused
    assert "raise the service's contract_version" in refused
    assert (tmp_path / GRANTS_SDL).read_text() == old[GRANTS_SDL]  # nothing written

    assert run(check=True, root=tmp_path) == 1  # CI fails the same way

    (tmp_path / GRANTS_SDL).write_text(
        old[GRANTS_SDL].replace("# contract version 1:", "# contract version 0:")
    )
    assert run(check=False, root=tmp_path) == 0
    assert f"wrote {GRANTS_SDL}" in capsys.readouterr().out
    assert (tmp_path / GRANTS_SDL).read_text() == generated[GRANTS_SDL]
    assert run(check=True, root=tmp_path) == 0


def test_drift_names_the_command_to_run(
    generated: dict[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for path, text in generated.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    (tmp_path / GRANTS_SDL).write_text(generated[GRANTS_SDL].replace("  name: String!\n", "", 1))
    assert run(check=True, root=tmp_path) == 1
    output = capsys.readouterr().out
    assert f"  {GRANTS_SDL}" in output
    assert f"Run `{COMMAND}` and commit the result." in output
