"""The engine and lifecycle report exactly what changed, so batches write only that."""

from __future__ import annotations

from alertd.alerts.evaluator import Evaluator
from alertd.alerts.model import AlertState
from alertd.state.records import decode_series, decode_track, encode_series, encode_track
from tests.state.stack import RULES, disk


def test_only_series_touched_since_the_last_drain_are_reported() -> None:
    evaluator = Evaluator(RULES)
    evaluator.process(disk(0, 0.5, host="a"))
    evaluator.process(disk(0, 0.5, host="b"))
    first = {key for key, _, _ in evaluator.engine.drain_dirty()}
    assert first == {("disk_full", ("a",)), ("disk_full", ("b",))}
    evaluator.process(disk(1, 0.6, host="b"))
    assert [key for key, _, _ in evaluator.engine.drain_dirty()] == [("disk_full", ("b",))]
    assert evaluator.engine.drain_dirty() == []


def test_expired_series_is_reported_as_gone() -> None:
    evaluator = Evaluator(RULES)
    evaluator.process(disk(0, 0.5))
    evaluator.engine.drain_dirty()
    evaluator.engine.expire_idle(disk(1000, 0).time, ttl=10.0)
    assert evaluator.engine.drain_dirty() == [(("disk_full", ("db-1",)), None, -float("inf"))]


def test_ended_track_is_reported_as_gone() -> None:
    evaluator = Evaluator(RULES)
    evaluator.process(disk(0, 0.95))
    [(key, track)] = evaluator.lifecycle.drain_dirty()
    assert track is not None
    assert track.state is AlertState.FIRING
    evaluator.process(disk(1, 0.1))  # clear: keep_firing_for timer armed
    [(_, clearing)] = evaluator.lifecycle.drain_dirty()
    assert clearing is not None
    assert clearing.due == disk(1, 0).time + 30
    transitions = evaluator.process(disk(60, 0.1))
    assert [t.state for t in transitions] == [AlertState.RESOLVED]
    assert evaluator.lifecycle.drain_dirty() == [(key, None)]


def test_restored_track_and_series_behave_like_the_originals() -> None:
    live = Evaluator(RULES)
    live.process(disk(0, 0.95))
    live.process(disk(1, 0.1))
    [(key, series, touched)] = live.engine.drain_dirty()
    [(_, track)] = live.lifecycle.drain_dirty()
    assert series is not None
    assert track is not None
    rule = live.engine.rules["disk_full"]

    restored = Evaluator(RULES)
    restored.watermark = live.watermark
    copy, seen = decode_series(rule, encode_series(series, touched))
    restored.engine.install(key, copy, seen)
    restored.lifecycle.install(key, decode_track(rule, key[1], encode_track(track)))

    expected = live.process(disk(60, 0.1))
    got = restored.process(disk(60, 0.1))
    assert [(t.state, t.at, t.fingerprint) for t in got] == [
        (t.state, t.at, t.fingerprint) for t in expected
    ]
    assert [t.state for t in got] == [AlertState.RESOLVED]


def test_series_that_never_had_a_track_reports_no_track_change() -> None:
    evaluator = Evaluator(RULES)
    evaluator.process(disk(0, 0.5))
    evaluator.process(disk(1, 0.4))
    assert evaluator.lifecycle.drain_dirty() == []
