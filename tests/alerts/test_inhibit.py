"""Inhibition: source matchers, target matchers, equal labels."""

from __future__ import annotations

from alertd.alerts.inhibit import Inhibitor
from alertd.config.paging import InhibitRuleConfig

RULE = InhibitRuleConfig.model_validate(
    {
        "source_match": {"alertname": "region_down"},
        "target_match": {"severity": "~warning|critical"},
        "equal": ["region"],
    }
)
TARGET = {"alertname": "checkout_errors", "severity": "critical", "region": "eu"}


def test_firing_source_inhibits_target_with_equal_labels() -> None:
    inhibitor = Inhibitor.from_config([RULE])
    inhibitor.set_firing("src", {"alertname": "region_down", "region": "eu"})
    assert inhibitor.inhibited_by("t", TARGET) == "src"
    assert inhibitor.inhibited_by("t", {**TARGET, "region": "us"}) is None


def test_target_matchers_must_hold() -> None:
    inhibitor = Inhibitor.from_config([RULE])
    inhibitor.set_firing("src", {"alertname": "region_down", "region": "eu"})
    assert inhibitor.inhibited_by("t", {**TARGET, "severity": "info"}) is None


def test_resolved_source_releases_target() -> None:
    inhibitor = Inhibitor.from_config([RULE])
    inhibitor.set_firing("src", {"alertname": "region_down", "region": "eu"})
    inhibitor.set_firing("src", None)
    assert inhibitor.inhibited_by("t", TARGET) is None


def test_an_alert_does_not_inhibit_itself() -> None:
    both = InhibitRuleConfig.model_validate(
        {"source_match": {"a": "x"}, "target_match": {"a": "x"}}
    )
    inhibitor = Inhibitor.from_config([both])
    inhibitor.set_firing("self", {"a": "x"})
    assert inhibitor.inhibited_by("self", {"a": "x"}) is None
    assert inhibitor.inhibited_by("other", {"a": "x"}) == "self"
