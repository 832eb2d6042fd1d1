"""Engine: stream routing, clock-driven series, composites and series expiry."""

from __future__ import annotations

import pytest

from alertd.alerts.evaluator import Evaluator
from alertd.detect.engine import Engine
from alertd.detect.rule import compile_rule
from alertd.detect.table import NATIVE_BUILT
from tests.detect.rules import event, rules

RATIO = """
rules:
  - name: errors
    match: {name: http_request, labels: {service: checkout}}
    group_by: [region]
    detect:
      ratio:
        numerator: {labels: {status: "5*"}}
        denominator: {}
        min_denominator: 1
        above: 0.3
"""


def engine(text: str) -> Engine:
    return Engine(compile_rule(spec) for spec in rules(text))


def test_ratio_receives_both_streams_and_an_error_feeds_both() -> None:
    e = engine(RATIO)
    e.process(event(0, "http_request", service="checkout", region="eu", status="200"))
    numerator, denominator = e.process(
        event(1, "http_request", service="checkout", region="eu", status="503")
    )
    obs = denominator
    assert numerator.verdict.context["numerator"] == 1
    assert obs.verdict.context["numerator"] == 1
    assert obs.verdict.context["denominator"] == 2
    assert obs.verdict.active
    assert obs.labels == {"region": "eu"}


def test_events_outside_the_rule_match_feed_no_stream() -> None:
    e = engine(RATIO)
    assert e.process(event(0, "http_request", service="search", status="503")) == []
    assert e.series_count == 0


def test_absent_without_group_fires_on_a_quiet_engine_from_the_clock_alone() -> None:
    e = engine("rules: [{name: hb, match: {name: heartbeat}, detect: {absent: {after: 1m}}}]")
    assert e.tick(1000.0) == []
    [obs] = e.tick(2000.0)
    assert obs.verdict.active
    assert obs.at == 1060.0


def test_tick_wakes_only_due_series() -> None:
    e = engine(
        "rules: [{name: hb, match: {name: up}, group_by: [i], detect: {absent: {after: 1m}}}]"
    )
    for i in range(100):
        e.process(event(float(i), "up", i=str(i)))
    fired = e.tick(105.0)
    assert sorted(int(o.group[0]) for o in fired) == list(range(46))
    assert all(o.at == float(o.group[0]) + 60 for o in fired)
    assert e.tick(105.0) == []


def test_composite_combines_member_verdicts_by_shared_group_labels() -> None:
    e = engine("""
rules:
  - {name: lat, match: {name: latency}, group_by: [region, svc], detect: {threshold: {above: 1}}}
  - {name: err, match: {name: errors}, group_by: [region, svc], detect: {threshold: {above: 0.1}}}
  - {name: both, group_by: [region], detect: {all_of: {rules: [lat, err]}}}
""")
    out = e.process(event(0, "latency", 2.0, region="eu", svc="a"))
    assert [(o.rule.name, o.verdict.active) for o in out] == [("lat", True), ("both", False)]
    out = e.process(event(1, "errors", 0.5, region="eu", svc="b"))
    assert [(o.rule.name, o.verdict.active) for o in out] == [("err", True), ("both", True)]
    assert out[-1].labels == {"region": "eu"}
    out = e.process(event(2, "errors", 0.5, region="us", svc="b"))
    assert out[-1].rule.name == "both"
    assert not out[-1].verdict.active


def test_expire_idle_drops_only_series_idle_longer_than_ttl() -> None:
    e = engine(
        "rules: [{name: t, match: {name: m}, group_by: [pod], detect: {threshold: {above: 1}}}]"
    )
    e.process(event(0, "m", 0.0, pod="old"))
    e.process(event(900, "m", 0.0, pod="new"))
    assert e.expire_idle(1000.0, ttl=600.0) == 1
    assert e.series_count == 1
    assert e.expire_idle(1000.0, ttl=600.0) == 0
    e.process(event(1001, "m", 2.0, pod="old"))  # comes back fresh
    assert e.series_count == 2


def test_expired_clock_driven_series_are_no_longer_ticked() -> None:
    e = engine(
        "rules: [{name: hb, match: {name: up}, group_by: [i], detect: {absent: {after: 1h}}}]"
    )
    e.process(event(0, "up", i="a"))
    e.expire_idle(10.0, ttl=5.0)
    assert e.tick(100_000.0) == []


def test_adopt_keeps_series_of_unchanged_rules_only() -> None:
    text = """
rules:
  - {name: hb, match: {name: up}, group_by: [i], detect: {absent: {after: 1m}}}
  - {name: t, match: {name: m}, group_by: [i], detect: {threshold: {above: 1}}}
"""
    old = engine(text)
    old.process(event(0, "up", i="a"))
    old.process(event(0, "m", 5.0, i="a"))
    new = engine(text)
    new.adopt(old, ["hb"])
    assert new.series_count == 1
    [obs] = new.tick(1000.0)
    assert obs.rule.name == "hb"
    assert obs.at == 60.0


def test_a_detector_failing_on_a_point_resets_its_series_instead_of_crashing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from alertd.detect.detectors.threshold import ThresholdSeries

    e = engine("rules: [{name: t, match: {name: m}, detect: {threshold: {above: 1}}}]")
    e.process(event(0, "m", 5.0))
    with monkeypatch.context() as patch:
        patch.setattr(ThresholdSeries, "observe", lambda *_: 1 / 0)
        assert e.process(event(1, "m", 5.0)) == []
    assert e.detector_errors == 1
    [obs] = e.process(event(2, "m", 5.0))
    assert obs.verdict.active
    e.tick(10.0)  # the clock does not wipe the count before the metric takes it
    assert e.take_errors() == 1
    assert e.take_errors() == 0


@pytest.mark.skipif(not NATIVE_BUILT, reason="alertd.detect._resting is not built")
def test_adopt_moves_resting_slots_as_they_are_and_marks_only_built_series() -> None:
    text = "rules: [{name: t, match: {name: m}, group_by: [i], detect: {threshold: {above: 9}}}]"
    old = Evaluator(rules(text))
    old.process_batch([event(1.0, "m", 1.0, i=host) for host in ("a", "b", "c")])
    old.engine.process(event(2.0, "m", 20.0, i="c"))  # c is built: it left rest
    old.engine.drain_dirty()
    new = Evaluator(rules(text)).engine
    new.adopt(old.engine, ["t"])
    resting = new._series.of_rule("t")
    assert new.series_count == 3
    assert resting.slots() == 2  # type: ignore[attr-defined]
    assert [key for key, _, _ in new.drain_dirty()] == [("t", ("c",))]
    assert new._series.get(("t", ("a",))).last_seen == 1.0  # type: ignore[union-attr]
