"""Evaluator: transitions do not depend on how often the clock is advanced."""

from __future__ import annotations

from alertd.alerts.evaluator import Evaluator
from alertd.alerts.model import AlertState
from tests.detect.rules import event, rules

RULES = """
rules:
  - {name: hb, match: {name: up}, group_by: [i], detect: {absent: {after: 5m}}, for: 1m}
  - {name: r, match: {name: err}, detect: {rate: {window: 2m, above: 2}}, keep_firing_for: 30s}
"""


def run(advance_every: float | None) -> list[tuple[str, str, float]]:
    ev = Evaluator(rules(RULES))
    events = [event(float(t), "up", i="a") for t in range(0, 600, 60)]
    events += [event(float(t), "err") for t in (100, 101, 102, 103)]
    events.sort(key=lambda e: e.time)
    out = []
    clock = 0.0
    for e in events:
        if advance_every is not None:
            while clock + advance_every < e.time:
                clock += advance_every
                out += ev.advance(clock)
        out += ev.process(e)
    out += ev.advance(5000.0)
    return [(t.rule, str(t.state), t.at) for t in out]


def test_transitions_are_the_same_with_fine_coarse_or_no_clock_ticks() -> None:
    baseline = run(None)
    assert run(1.0) == baseline
    assert run(37.0) == baseline
    states = [(r, s) for r, s, _ in baseline]
    assert ("r", "firing") in states
    assert ("r", "resolved") in states
    assert ("hb", "firing") in states


def test_absent_fires_for_time_after_silence_plus_for() -> None:
    ev = Evaluator(rules(RULES))
    ev.process(event(0.0, "up", i="a"))
    out = ev.advance(10_000.0)
    assert [(t.state, t.at) for t in out] == [
        (AlertState.PENDING, 300.0),
        (AlertState.FIRING, 360.0),
    ]


def test_a_late_event_is_judged_at_the_watermark() -> None:
    ev = Evaluator(rules("rules: [{name: t, match: {name: m}, detect: {threshold: {above: 1}}}]"))
    ev.process(event(100.0, "m", 0.0))
    [pending] = ev.process(event(50.0, "m", 5.0))
    assert pending.at == 100.0
