"""Flap detection: an alert that starts firing too often is marked flapping."""

from __future__ import annotations

from alertd.alerts.evaluator import Evaluator
from alertd.alerts.flap import FlapDetector, FlapPolicy
from alertd.alerts.lifecycle import Lifecycle
from alertd.alerts.model import AlertState
from tests.detect.rules import event, rules

RULE = "rules: [{name: t, match: {name: m}, detect: {threshold: {above: 1}}}]"


def flips(evaluator: Evaluator, start: float, times: int, step: float) -> list[bool]:
    """Alternate above/below; return the flapping mark of each firing transition."""
    marks = []
    for i in range(times):
        t = start + i * 2 * step
        for tr in evaluator.process(event(t, "m", 5.0)) + evaluator.process(
            event(t + step, "m", 0.0)
        ):
            if tr.state is AlertState.FIRING:
                marks.append(tr.flapping)
    return marks


def test_fourth_start_within_an_hour_is_marked_flapping_and_so_is_its_resolution() -> None:
    ev = Evaluator(rules(RULE))
    assert flips(ev, 0.0, 5, 60.0) == [False, False, False, True, True]
    last = ev.process(event(10_000.0, "m", 5.0))
    assert [t.flapping for t in last] == [False]  # long quiet period: calm again


def test_resolved_transition_of_a_flapping_alert_carries_the_mark_for_templates() -> None:
    ev = Evaluator(rules(RULE))
    flips(ev, 0.0, 4, 60.0)
    [firing] = ev.process(event(480.0, "m", 5.0))
    [resolved] = ev.process(event(481.0, "m", 0.0))
    assert firing.flapping
    assert resolved.flapping
    assert resolved.context["flapping"] is True
    assert resolved.as_json()["flapping"] is True


def test_starts_spread_wider_than_the_window_never_flap() -> None:
    ev = Evaluator(rules(RULE))
    assert not any(flips(ev, 0.0, 10, 1000.0))


def test_policy_is_configurable_and_lifecycle_uses_it() -> None:
    detector = FlapDetector(FlapPolicy(window=10.0, max_starts=2))
    assert not detector.started("k", 0.0)
    assert detector.started("k", 5.0)
    assert not detector.started("k", 20.0)
    assert Lifecycle(FlapPolicy(max_starts=2))._flap.policy.max_starts == 2


def test_memory_is_bounded_per_series() -> None:
    detector = FlapDetector(FlapPolicy(max_starts=3))
    for i in range(1000):
        detector.started("k", float(i))
    assert len(detector._starts["k"]) == 3
