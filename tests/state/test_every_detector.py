"""Every detector's series survives the changelog: restored, it judges like the live one."""

from __future__ import annotations

import pytest

from alertd.alerts.evaluator import Evaluator
from alertd.ingest.event import Event
from alertd.state.records import decode_series, encode_series
from tests.detect.rules import rules

RULES = rules(
    """
rules:
  - {name: th, match: {name: m}, detect: {threshold: {above: 5, reset: 3}}}
  - {name: ra, match: {name: m}, detect: {rate: {window: 5m, above: 20}}}
  - {name: fl, match: {name: m}, detect: {flatline: {window: 10m}}}
  - {name: sp, match: {name: m}, detect: {spike: {of: mean, direction: both}}}
  - name: rt
    match: {name: m}
    detect: {ratio: {numerator: {labels: {status: "5*"}}, denominator: {}, window: 5m}}
  - name: br
    match: {name: m}
    detect:
      burn_rate: {objective: 99.9, windows: page, bad: {labels: {status: "5*"}}, total: {}}
  - {name: tr, match: {name: m}, detect: {trend: {above: 50, window: 1h, horizon: 6h}}}
  - {name: an, match: {name: m}, detect: {anomaly: {}}}
  - {name: ab, match: {name: m}, detect: {absent: {after: 10m}}}
  - {name: co, match: {name: m}, detect: {all_of: {rules: [th, ra], within: 5m}}}
"""
)
T0 = 1_790_000_000.0


def _event(i: int) -> Event:
    value = float((i * 7) % 11)
    status = "500" if i % 3 == 0 else "200"
    return Event(time=T0 + 10 * i, kind="metric", name="m", value=value, labels={"status": status})


def _verdicts(evaluator: Evaluator, events: list[Event]) -> list[tuple[str, float, bool]]:
    out = []
    for event in events:
        out.extend((o.rule.name, o.at, o.verdict.active) for o in evaluator.engine.process(event))
        out.extend((o.rule.name, o.at, o.verdict.active) for o in evaluator.engine.tick(event.time))
    return out


@pytest.mark.parametrize("name", [spec.name for spec in RULES])
def test_restored_series_gives_the_verdicts_of_the_live_one(name: str) -> None:
    live = Evaluator([spec for spec in RULES if spec.name in (name, "th", "ra")])
    history = [_event(i) for i in range(300)]
    _verdicts(live, history)
    restored = Evaluator([spec for spec in RULES if spec.name in (name, "th", "ra")])
    for key, series, touched in live.engine.drain_dirty():
        assert series is not None
        rule = live.engine.rules[key[0]]
        copy, seen = decode_series(rule, encode_series(series, touched))
        restored.engine.install(key, copy, seen)
    later = [_event(i) for i in range(300, 420)] + [_event(480)]  # a gap for absent/flatline
    expected = _verdicts(live, later)
    assert any(rule == name for rule, _, _ in expected)  # the rule did judge something
    assert _verdicts(restored, later) == expected
