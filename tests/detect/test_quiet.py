"""The quiet lane changes nothing but speed: a batch gives the transitions and the state
that one-by-one evaluation gives, and only events that change nothing take the lane."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from alertd.alerts.evaluator import Evaluator
from alertd.alerts.model import Transition
from alertd.detect import quiet, table
from alertd.detect.detectors.threshold import ThresholdSeries
from alertd.ingest.event import Event
from tests.detect.rules import event, rules

RULES = """
rules:
  - {name: hot, match: {name: temp, labels: {site: a}}, group_by: [host],
     detect: {threshold: {above: 50}}}
  - {name: cold, match: {name: temp}, group_by: [host],
     detect: {threshold: {below: 10, reset: 15}}, for: 30s}
  - {name: sticky, match: {name: load}, group_by: [host],
     detect: {threshold: {above: 5}}, keep_firing_for: 1m}
  - {name: fed, match: {name: disk}, group_by: [host], detect: {threshold: {above: 0.9}}}
  - {name: full, match: {name: disk}, group_by: [host], detect: {threshold: {above: 0.99}}}
  - {name: both, group_by: [host], detect: {all_of: {rules: [fed, full]}}}
  - {name: spiky, match: {name: load, labels: {site: b}}, group_by: [host],
     detect: {spike: {window: 5m, factor: 3}}}
  - {name: gone, match: {name: beat}, group_by: [host], detect: {absent: {after: 2m}}}
  - {name: pair, match: {name: depth}, group_by: [host, site], detect: {threshold: {above: 50}}}
  - {name: fleet, match: {name: fleet}, detect: {threshold: {above: 50}}, for: 20s}
  - {name: deep, match: {name: queue}, group_by: [site, host], detect: {threshold: {above: 50}}}
  - {name: whole, match: {name: queue}, detect: {threshold: {above: 12}}}
  - {name: zoned, match: {name: queue, labels: {site: b}}, group_by: [zone],
     detect: {threshold: {below: 1}}}
"""

NEAR_LEVELS = [None, math.nan, 0.5, 0.95, 1.0, 4.0, 5.0, 5.5, 9.0, 10.0, 12.0, 15.0, 50.0, 50.5]
VALUES = st.one_of(st.sampled_from(NEAR_LEVELS), st.floats(-5, 100, allow_nan=False))
EVENTS = st.lists(
    st.builds(
        lambda dt, name, value, host, site: (dt, name, value, host, site),
        st.floats(min_value=-20, max_value=60),  # some events arrive late
        st.sampled_from(["temp", "load", "disk", "beat", "depth", "fleet", "queue", "other"]),
        VALUES,
        st.sampled_from(["h1", "h2", "h3"]),
        st.sampled_from(["a", "b"]),
    ),
    min_size=1,
    max_size=120,
)


def _events(spec: list[tuple[float, str, float | None, str, str]]) -> list[Event]:
    out, clock = [], 1_000.0
    for dt, name, value, host, site in spec:
        clock = max(clock, clock + dt)
        out.append(event(clock + min(dt, 0.0), name, value, host=host, site=site))
    return out


def _state(evaluator: Evaluator) -> tuple[object, ...]:
    engine = evaluator.engine
    series = {
        key: (type(s).__name__, getattr(s, "at_rest", None), s.last_seen)
        for key, s in engine._series.items()
    }
    return (series, evaluator.watermark, sorted(map(str, engine._due)))


def _one_by_one(
    events: list[Event], native: bool | None = None
) -> tuple[list[Transition], Evaluator]:
    evaluator = Evaluator(rules(RULES), native_series=native)
    out: list[Transition] = []
    for item in events:
        out.extend(evaluator.process(item))
    return out, evaluator


def _batched(
    events: list[Event], size: int, native: bool | None = None
) -> tuple[list[Transition], Evaluator]:
    evaluator = Evaluator(rules(RULES), native_series=native)
    out: list[Transition] = []
    for start in range(0, len(events), size):
        out.extend(t for _, t in evaluator.process_batch(events[start : start + size]))
    return out, evaluator


@pytest.mark.skipif(not table.NATIVE_BUILT, reason="alertd.detect._resting is not built")
@settings(max_examples=300, deadline=None)
@given(spec=EVENTS, size=st.sampled_from([1, 3, 50, 500]))
@example(spec=[(1.0, "load", 5.5, "h1", "a")], size=50)
def test_native_resting_series_give_what_python_tables_give(
    spec: list[tuple[float, str, float | None, str, str]], size: int
) -> None:
    events = _events(spec)
    expected, reference = _one_by_one(events, native=False)
    got, evaluator = _batched(events, size, native=True)
    assert got == expected
    assert _state(evaluator) == _state(reference)


@settings(max_examples=300, deadline=None)
@given(spec=EVENTS, size=st.sampled_from([1, 3, 50, 500]))
@example(spec=[(1.0, "load", 5.5, "h1", "a")], size=50)  # just over a level, one input
@example(spec=[(1.0, "temp", 50.5, "h1", "a")], size=50)  # just over a level, two inputs
def test_a_batch_gives_what_one_by_one_evaluation_gives(
    spec: list[tuple[float, str, float | None, str, str]], size: int
) -> None:
    events = _events(spec)
    expected, reference = _one_by_one(events)
    got, evaluator = _batched(events, size)
    assert got == expected
    assert _state(evaluator) == _state(reference)


def test_each_transition_names_the_event_that_made_it() -> None:
    evaluator = Evaluator(rules(RULES))
    batch = [
        event(0.0, "temp", 20.0, host="h1", site="a"),
        event(1.0, "temp", 60.0, host="h1", site="a"),  # hot fires
        event(2.0, "temp", 20.0, host="h1", site="a"),  # hot resolves
        event(3.0, "temp", 21.0, host="h1", site="a"),
    ]
    made = [(index, t.rule, str(t.state)) for index, t in evaluator.process_batch(batch)]
    assert made == [(1, "hot", "firing"), (2, "hot", "resolved")]


def test_series_at_rest_take_the_lane_and_are_not_marked_for_the_changelog() -> None:
    evaluator = Evaluator(rules(RULES))
    evaluator.process_batch([event(0.0, "temp", 20.0, host="h1", site="a")])
    assert evaluator.engine.series_count == 2  # hot and cold, both fresh and at rest
    assert evaluator.engine.drain_dirty() == []
    evaluator.process_batch([event(1.0, "temp", 60.0, host="h1", site="a")])  # hot fires
    assert ("hot", ("h1",)) in {key for key, _, _ in evaluator.engine.drain_dirty()}


def test_a_series_a_rule_feeds_into_another_never_takes_the_lane() -> None:
    evaluator = Evaluator(rules(RULES))
    evaluator.process_batch([event(0.0, "disk", 0.5, host="h1")])
    assert ("fed", ("h1",)) in {key for key, _, _ in evaluator.engine.drain_dirty()}


def test_an_expired_series_whose_alert_still_clears_takes_the_full_path() -> None:
    evaluator = Evaluator(rules(RULES))
    evaluator.process(event(0.0, "load", 9.0, host="h1"))  # sticky fires
    evaluator.engine.expire_idle(now=1_000.0, ttl=60.0)  # its series is dropped, not its track
    assert evaluator.engine.series_count == 0
    made = evaluator.process_batch([event(1_001.0, "load", 1.0, host="h1")])
    made += evaluator.process_batch([event(1_100.0, "load", 1.0, host="h1")])
    assert [(t.rule, str(t.state)) for _, t in made] == [("sticky", "resolved")]


def test_a_due_timer_stops_the_lane_before_the_event_after_it() -> None:
    evaluator = Evaluator(rules(RULES))
    evaluator.process(event(0.0, "temp", 5.0, host="h1", site="a"))  # cold pending, due at 30
    made = evaluator.process_batch(
        [event(10.0, "temp", 5.0, host="h1", site="a"), event(40.0, "other", 1.0)]
    )
    assert [(i, t.rule, str(t.state), t.at) for i, t in made] == [(1, "cold", "firing", 30.0)]


def test_threshold_series_from_the_factory_equal_series_from_params() -> None:
    from alertd.detect.detectors.threshold import ThresholdParams

    for params in (ThresholdParams(above=3), ThresholdParams(below=2, reset=4)):
        made, built = ThresholdSeries.factory(params)(), ThresholdSeries(params)
        for name in ThresholdSeries.__slots__:
            assert getattr(made, name) == getattr(built, name)
        values = [1.0, 3.5, 2.5, 5.0, 1.0, 3.0]
        assert [made.observe(0, v) for v in values] == [built.observe(0, v) for v in values]


@pytest.mark.parametrize(
    "native",
    [
        False,
        pytest.param(True, marks=pytest.mark.skipif(not table.NATIVE_BUILT, reason="not built")),
    ],
)
def test_a_series_out_of_rest_stops_the_lane_even_when_no_alert_tracks_it(
    native: bool,
) -> None:
    evaluator = Evaluator(rules(RULES), native_series=native)
    engine = evaluator.engine
    engine.process(event(1_000.0, "load", 9.0, host="h1", site="a"))  # the lifecycle never hears
    back_in_range = [event(1_001.0, "load", 1.0, host="h1", site="a")]
    stopped_at, _ = quiet.run(engine.quiet, back_in_range, 0, -math.inf, math.inf, set())
    assert stopped_at == 0
