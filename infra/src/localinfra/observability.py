"""The committed alert rules and Grafana dashboard (infra/observability/), read for checks.

Used by the tests only: PyYAML is a development dependency, not in the images.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no type information

FILES = Path(__file__).resolve().parents[2] / "observability"
# The platform's metric families; PromQL's own words (rate, sum, by, le...) never start so.
PREFIXES = ("http_", "kafka_", "events_", "dead_letters_", "outbox_", "subgraph_")


def alert_rules() -> list[dict[str, Any]]:
    document = yaml.safe_load((FILES / "alerts.yml").read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FILES / "grafana-dashboard.json").read_text())
    return loaded


def dashboard_expressions() -> list[str]:
    return [target["expr"] for panel in dashboard()["panels"] for target in panel["targets"]]


def metric_names(expression: str) -> set[str]:
    """The platform's metric names a PromQL expression uses."""
    return {w for w in re.findall(r"[a-z_][a-z0-9_]*", expression) if w.startswith(PREFIXES)}


def named_metrics() -> set[str]:
    """Every metric the alert rules and the dashboard query."""
    expressions = [rule["expr"] for rule in alert_rules()] + dashboard_expressions()
    return set().union(*(metric_names(expression) for expression in expressions))
