"""The compiled quiet lane decides every event as the Python lane does: where each run
stops, the clock it leaves, and the series it files (alertd/detect/_lane.pyx against
alertd/detect/quiet.py)."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from alertd.alerts.evaluator import Evaluator
from alertd.alerts.model import Transition
from alertd.detect import quiet, table
from alertd.detect.index import MEMO_LIMIT
from alertd.ingest.event import Event
from tests.detect.rules import rules

pytestmark = pytest.mark.skipif(
    quiet.CompiledLane is None or not table.NATIVE_BUILT, reason="not built"
)

# Every shape the lane meets: one input on one group label (compiled), two inputs
# (temp at site a), two group labels (pair), two labels looked at (queue), a name
# alone (load), a clock-driven rule (beat), no rule (other), a kind filter (audit),
# names and values that would run together without their lengths (a + bc, ab + c), and
# a name with a lone surrogate (decoding refuses one in a label, which alerts encode).
RULES = r"""
rules:
  - {name: hot, match: {name: temp, labels: {site: a}}, group_by: [host],
     detect: {threshold: {above: 50}}}
  - {name: cold, match: {name: temp}, group_by: [host],
     detect: {threshold: {below: 10, reset: 15}}, for: 30s}
  - {name: sticky, match: {name: load}, group_by: [host],
     detect: {threshold: {above: 5}}, keep_firing_for: 1m}
  - {name: pair, match: {name: pair}, group_by: [host, site], detect: {threshold: {above: 50}}}
  - {name: deep, match: {name: queue, labels: {site: a, zone: z1}}, group_by: [host],
     detect: {threshold: {above: 50}}}
  - {name: gone, match: {name: beat}, group_by: [host], detect: {absent: {after: 2m}}}
  - {name: audit, match: {kind: log, name: temp}, group_by: [site],
     detect: {threshold: {above: 20}}}
  - {name: short, match: {name: a, labels: {svc: bc}}, group_by: [host],
     detect: {threshold: {above: 50}}}
  - {name: long, match: {name: ab, labels: {svc: c}}, group_by: [host],
     detect: {threshold: {below: 10}}}
  - {name: odd, match: {name: "nul\0x"}, group_by: [host], detect: {threshold: {above: 50}}}
"""

NAMES = ["temp", "load", "pair", "queue", "beat", "other", "a", "ab", "nul\0x", "sur\ud800"]
HOSTS = ["h1", "h2", "h\0", "h\0\0"]
VALUES = st.one_of(
    st.sampled_from([None, math.nan, 1.0, 5.0, 5.5, 9.0, 12.0, 15.0, 21.0, 50.0, 50.5]),
    st.floats(-5, 100, allow_nan=False),
)
EVENTS = st.lists(
    st.tuples(
        st.floats(min_value=-20, max_value=60),  # some events arrive late
        st.sampled_from(["metric", "log"]),
        st.sampled_from(NAMES),
        VALUES,
        st.fixed_dictionaries(
            {"host": st.sampled_from(HOSTS)},
            optional={
                "site": st.sampled_from(["a", "b"]),
                "zone": st.sampled_from(["z1", "z2"]),
                "svc": st.sampled_from(["bc", "c", ""]),
            },
        ),
    ),
    min_size=1,
    max_size=150,
)
Spec = list[tuple[float, str, str, float | None, dict[str, str]]]


def _events(spec: Spec) -> list[Event]:
    out, clock = [], 1_000.0
    for dt, kind, name, value, labels in spec:
        clock = max(clock, clock + dt)
        out.append(
            Event(time=clock + min(dt, 0.0), kind=kind, name=name, value=value, labels=labels)  # type: ignore[arg-type]
        )
    return out


def _evaluators(limit: int) -> tuple[Evaluator, Evaluator]:
    compiled, python = Evaluator(rules(RULES)), Evaluator(rules(RULES))
    assert compiled.engine.quiet.compiled is not None
    compiled.engine.quiet.compiled = quiet.CompiledLane(compiled.engine.quiet, quiet.step, limit)
    python.engine.quiet.compiled = None
    return compiled, python


def _lane_run(evaluator: Evaluator, events: list[Event], start: int) -> tuple[int, float]:
    due = min(evaluator.engine.next_due(), evaluator.lifecycle.next_due())
    tracked = evaluator.lifecycle.tracked
    stop = quiet.run(evaluator.engine.quiet, events, start, evaluator.watermark, due, tracked)
    evaluator.watermark = stop[1]
    return stop


def _dirty(evaluator: Evaluator) -> list[tuple[object, ...]]:
    return [
        (key, getattr(series, "at_rest", None), touched)
        for key, series, touched in evaluator.engine.drain_dirty()
    ]


def _slots(evaluator: Evaluator) -> dict[str, tuple[int, int]]:
    series = evaluator.engine._series
    return {
        name: (len(filed), filed.slots() if hasattr(filed, "slots") else 0)
        for name in evaluator.engine.rules
        for filed in [series.of_rule(name)]
    }


def _series(evaluator: Evaluator) -> dict[object, tuple[object, ...]]:
    return {
        key: (type(s).__name__, getattr(s, "at_rest", None), s.last_seen)
        for key, s in evaluator.engine._series.items()
    }


@settings(max_examples=400, deadline=None)
@given(
    spec=EVENTS,
    size=st.sampled_from([1, 7, 500]),
    limit=st.sampled_from([1, 3, MEMO_LIMIT]),
    ttl=st.sampled_from([math.inf, 15.0]),
)
@example(  # "a" + "bc" and "ab" + "c": one key if the lengths were left out
    spec=[(1.0, "metric", "a", 20.0, {"host": "h1", "svc": "bc"}),
          (1.0, "metric", "ab", 20.0, {"host": "h1", "svc": "c"}),
          (1.0, "metric", "ab", 5.0, {"host": "h1", "svc": "c"})],
    size=500,
    limit=MEMO_LIMIT,
    ttl=math.inf,
)  # fmt: skip
@example(  # sticky's series expires while its alert still clears: the track must hear
    spec=[(1.0, "metric", "load", 9.0, {"host": "h1"}),
          (20.0, "metric", "other", None, {"host": "h1"}),
          (1.0, "metric", "load", 1.0, {"host": "h1"})],
    size=1,
    limit=MEMO_LIMIT,
    ttl=15.0,
)  # fmt: skip
@example(  # the memo starts over at the fourth key: load's remembered answer goes too
    spec=[(1.0, "metric", "load", 1.0, {"host": "h1"}),
          (1.0, "metric", "temp", 20.0, {"host": "h1", "site": "b"}),
          (1.0, "metric", "temp", 20.0, {"host": "h1", "site": "a"}),
          (1.0, "log", "temp", 20.0, {"host": "h1", "site": "b"}),
          (1.0, "metric", "temp", 20.0, {"host": "h1"}),
          (1.0, "metric", "load", 1.0, {"host": "h2"})],
    size=500,
    limit=3,
    ttl=math.inf,
)  # fmt: skip
def test_every_run_stops_where_the_python_lane_stops(
    spec: Spec, size: int, limit: int, ttl: float
) -> None:
    events = _events(spec)
    compiled, python = _evaluators(limit)
    for first in range(0, len(events), size):
        batch, i = events[first : first + size], 0
        while i < len(batch):
            stop = _lane_run(compiled, batch, i)
            assert stop == _lane_run(python, batch, i)
            i = stop[0]
            if i < len(batch):
                made: list[Transition] = compiled.process(batch[i])
                assert made == python.process(batch[i])
                i += 1
        assert _dirty(compiled) == _dirty(python)
        if ttl < math.inf:  # series expire between batches, their tracks stay
            now = compiled.watermark
            assert compiled.engine.expire_idle(now, ttl) == python.engine.expire_idle(now, ttl)
    assert _slots(compiled) == _slots(python)
    assert _series(compiled) == _series(python)


def test_the_common_shape_files_a_slot_without_python() -> None:
    compiled, _ = _evaluators(MEMO_LIMIT)
    events = _events([(1.0, "metric", "temp", 20.0, {"host": "h1", "site": "b"})])
    assert _lane_run(compiled, events, 0)[0] == 1
    assert compiled.engine._series.of_rule("cold").slots() == 1  # type: ignore[attr-defined]


def test_an_event_no_rule_takes_only_moves_the_clock() -> None:
    compiled, _ = _evaluators(MEMO_LIMIT)
    events = _events([(5.0, "metric", "other", 99.0, {"host": "h1"})])
    assert _lane_run(compiled, events, 0) == (1, events[0].time)
    assert compiled.engine.series_count == 0


def test_an_engine_without_native_series_runs_the_python_lane() -> None:
    evaluator = Evaluator(rules(RULES), native_series=False)
    assert evaluator.engine.quiet.compiled is None


class _Derived(Event):  # the lane reads an Event's slots directly, anything else by name
    pass


def test_an_event_of_another_type_is_read_by_attribute_alike() -> None:
    compiled, python = _evaluators(MEMO_LIMIT)
    spec: Spec = [(1.0, "metric", "temp", 20.0, {"host": "h1", "site": "b"})] * 3
    spec.append((1.0, "metric", "temp", 5.0, {"host": "h2", "site": "b"}))
    events = [_Derived(e.time, e.kind, e.name, e.value, e.labels) for e in _events(spec)]
    assert _lane_run(compiled, events, 0) == _lane_run(python, events, 0) == (3, events[2].time)
    assert _slots(compiled) == _slots(python)
