from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.detect.support import feed_stream, series, tick_until


def test_all_of_needs_every_rule_active() -> None:
    s = series("all_of", rules=["a", "b"])
    v = feed_stream(s, [("a\x1fx", 0.0, 1.0), ("b\x1fx", 1.0, 1.0), ("a\x1fx", 2.0, 0.0)])
    assert [x.active for x in v if x] == [False, True, False]


def test_any_of_needs_one() -> None:
    s = series("any_of", rules=["a", "b"])
    v = feed_stream(s, [("b\x1fy", 0.0, 1.0), ("b\x1fy", 5.0, 0.0)])
    assert [x.active for x in v if x] == [True, False]
    assert v[0] is not None
    assert v[0].context["matched_rules"] == ["b"]


def test_one_active_member_series_is_enough_for_its_rule() -> None:
    s = series("all_of", rules=["a", "b"])
    v = feed_stream(s, [("a\x1f1", 0.0, 1.0), ("a\x1f2", 0.0, 0.0), ("b\x1f1", 1.0, 1.0)])
    assert v[-1] is not None
    assert v[-1].active


def test_a_stale_member_verdict_stops_counting_after_within() -> None:
    s = series("any_of", rules=["a"], within="1m")
    feed_stream(s, [("a\x1fx", 0.0, 1.0)])
    [flip] = tick_until(s, 1000)
    assert not flip.active
    assert flip.at == 60


def test_a_late_member_verdict_does_not_overwrite_a_newer_one() -> None:
    s = series("any_of", rules=["a"])
    v = feed_stream(s, [("a\x1fx", 10.0, 1.0), ("a\x1fx", 5.0, 0.0)])
    assert v[-1] is None


def test_needs_at_least_one_rule() -> None:
    with pytest.raises(ValidationError):
        series("all_of", rules=[])
