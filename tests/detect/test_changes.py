"""Change tracking for the state changelog: on in the daemon, off in offline runs."""

from __future__ import annotations

from alertd.alerts.evaluator import Evaluator
from alertd.ingest.event import Event
from tests.detect.rules import rules

RULES = rules(
    """
rules:
  - name: hot
    match: {kind: metric, name: temp}
    group_by: [pod]
    detect: {threshold: {above: 50}}
"""
)


def _churn(evaluator: Evaluator, pods: int) -> None:
    for i in range(pods):
        labels = {"pod": f"pod-{i}"}
        evaluator.process(
            Event(time=float(i), kind="metric", name="temp", value=90.0, labels=labels)
        )


def test_offline_evaluator_records_no_changes_however_many_series_it_sees() -> None:
    offline = Evaluator(RULES, track_changes=False)
    _churn(offline, 1000)
    assert offline.engine.series_count == 1000
    assert offline.engine.drain_dirty() == []
    assert offline.lifecycle.drain_dirty() == []
    assert offline.lifecycle.flaps.drain_dirty() == []


def test_tracked_evaluator_reports_each_change_once_and_keeps_tracking() -> None:
    tracked = Evaluator(RULES)
    _churn(tracked, 10)
    assert len(tracked.engine.drain_dirty()) == 10
    assert len(tracked.lifecycle.drain_dirty()) == 10
    assert tracked.engine.drain_dirty() == []
    _churn(tracked, 1)
    assert len(tracked.engine.drain_dirty()) == 1
