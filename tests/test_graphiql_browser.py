"""GraphiQL (Hive Laboratory) in a real browser, on a platform of its own: in the end-to-end
module, after subgraphs had been stopped and started and many operations run, the page twice
rendered no collections in full runs while it always did alone; a fresh router is what a person
opening GraphiQL meets."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.integration


@pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists(),
    reason="Debian's chromium is not installed (make test installs it: infra/ensure-chromium.sh)",
)
def test_graphiql_in_a_real_browser_runs_an_example_operation_without_leaving_localhost(
    platform: Any,
) -> None:
    router = platform["gateway"].url
    result = subprocess.run(
        [
            "node",
            str(Path(__file__).with_name("graphiql_browser.mjs")),
            router,
            "Anyone, no token",
            "Catalogue",
            "programmes",
        ],
        capture_output=True,
        text=True,
        timeout=400,  # the script bounds each step itself; this only stops a hung browser
        check=False,
    )
    assert result.returncode == 0, (result.stderr[-3000:], result.stdout[-3000:])
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    names = [programme["name"] for programme in seen["answer"]["data"]["programmes"]]
    assert "Juss i barnevernet" in names
    assert seen["shown"] == names[0]  # on the page
    assert seen["external"] == [], seen["external"]
    assert f"{router}/graphql" in seen["requests"]
