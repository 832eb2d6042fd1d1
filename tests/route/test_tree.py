"""The routing tree: matchers, continue, nesting and inherited settings."""

from __future__ import annotations

from alertd.config.schema import RouteConfig
from alertd.route.tree import Route

TREE = {
    "receiver": "default",
    "group_by": ["alertname"],
    "group_wait": "10s",
    "routes": [
        {
            "match": {"team": "payments"},
            "receiver": "payments",
            "continue": True,
            "group_wait": "1m",
            "escalation": "pay",
            "routes": [{"match": {"region": "eu-*"}, "receiver": "payments-eu"}],
        },
        {"match": {"service": "~^(search|catalog)$"}, "receiver": "discovery"},
        {"match": {"env": "!prod"}, "receiver": "staging"},
    ],
}


def tree() -> Route:
    return Route.build(RouteConfig.model_validate(TREE))


def test_exact_match_and_continue_reach_both_routes() -> None:
    receivers = tree().receivers_for({"team": "payments", "region": "us-east", "env": "dev"})
    assert receivers == ["payments", "staging"]


def test_glob_matches_in_nested_route() -> None:
    assert tree().receivers_for({"team": "payments", "region": "eu-west", "env": "prod"}) == [
        "payments-eu"
    ]


def test_regex_is_anchored() -> None:
    assert tree().receivers_for({"service": "search", "env": "prod"}) == ["discovery"]
    assert tree().receivers_for({"service": "research", "env": "prod"}) == ["default"]


def test_negative_matcher_and_fallback_to_root() -> None:
    assert tree().receivers_for({"env": "staging"}) == ["staging"]
    assert tree().receivers_for({"env": "prod"}) == ["default"]


def test_children_inherit_unset_settings_and_override_set_ones() -> None:
    [eu] = tree().match({"team": "payments", "region": "eu-west", "env": "prod"})
    assert eu.group_by == ("alertname",)
    assert eu.group_wait == 60.0
    assert eu.escalation == "pay"
    assert eu.immediate_severities == frozenset({"critical"})
    [root] = tree().match({"env": "prod"})
    assert root.group_wait == 10.0
    assert root.escalation is None


def test_group_key_uses_route_position_and_group_labels_only() -> None:
    [node] = tree().match({"service": "search", "env": "prod", "alertname": "slow"})
    assert node.group_key({"service": "search", "alertname": "slow", "x": "1"}) == (
        '/1:{alertname="slow"}'
    )


def test_default_grouping_is_one_group_per_alert_without_waiting() -> None:
    route = Route.build(RouteConfig.model_validate({"receiver": "r"}))
    a = route.group_key({"alertname": "x", "region": "eu"})
    b = route.group_key({"alertname": "x", "region": "us"})
    assert a != b
    assert route.group_wait == 0.0


def test_group_by_labels_without_group_wait_waits_like_alertmanager() -> None:
    route = Route.build(RouteConfig.model_validate({"receiver": "r", "group_by": ["service"]}))
    assert route.group_wait == 30.0
