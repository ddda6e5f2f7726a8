"""The alert rules and the dashboard are well-formed (promtool and Grafana are not available)."""

from __future__ import annotations

import re

from localinfra.observability import alert_rules, dashboard, dashboard_expressions, metric_names

DURATION = re.compile(r"^\d+[smhd]$")


def test_alert_rules_have_what_prometheus_and_the_pager_need() -> None:
    rules = alert_rules()
    assert rules
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names)), "alert names are unique"
    for rule in rules:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert metric_names(rule["expr"]), rule["alert"]
        assert DURATION.match(rule["for"]), rule["alert"]
        assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
        assert rule["expr"].count("(") == rule["expr"].count(")"), rule["alert"]


def test_the_alerts_cover_every_promise_of_the_issue() -> None:
    watched = set().union(*(metric_names(rule["expr"]) for rule in alert_rules()))
    assert {
        "outbox_oldest_pending_age_seconds",
        "outbox_set_aside_rows",
        "outbox_backlog",
        "kafka_consumer_lag",
        "dead_letters_published_total",
        "http_request_duration_seconds_bucket",
    } <= watched


def test_dashboard_panels_each_query_the_platforms_metrics() -> None:
    ids = [panel["id"] for panel in dashboard()["panels"]]
    assert len(ids) == len(set(ids))
    for expression in dashboard_expressions():
        assert metric_names(expression), expression
        assert expression.count("(") == expression.count(")"), expression
    assert {v["name"] for v in dashboard()["templating"]["list"]} == {"datasource", "service"}
