from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.detect.support import active, feed, series, tick_until


def test_fires_when_more_than_the_level_arrive_within_the_window() -> None:
    s = series("rate", window="1m", above=3)
    verdicts = feed(s, [(t, None) for t in (0, 10, 20, 30)])
    assert active(verdicts) == [False, False, False, True]
    assert verdicts[-1] is not None
    assert verdicts[-1].value == 4


def test_default_fires_on_any_matching_event() -> None:
    s = series("rate")
    assert active(feed(s, [(0, None)])) == [True]


def test_clears_on_the_clock_at_the_instant_the_window_drains() -> None:
    s = series("rate", window="1m", above=0)
    feed(s, [(0, 1.0)])
    due = s.next_due()
    assert due is not None
    assert 59 <= due <= 61
    assert tick_until(s, due - 0.5) == []
    [cleared] = tick_until(s, 3600)
    assert not cleared.active
    assert cleared.at == due


def test_sum_adds_values_and_skips_points_without_one() -> None:
    s = series("rate", window="1m", above=10, of="sum")
    verdicts = feed(s, [(0, 6.0), (1, None), (2, 6.0)])
    assert active(verdicts) == [False, None, True]


def test_points_older_than_the_window_are_ignored() -> None:
    s = series("rate", window="1m", above=1)
    feed(s, [(1000, None)])
    assert s.observe(100, None) is None


def test_below_counts_too_few() -> None:
    s = series("rate", window="1m", below=2)
    assert active(feed(s, [(0, None), (10, None)])) == [True, False]


def test_both_levels_is_an_error() -> None:
    with pytest.raises(ValidationError):
        series("rate", above=1, below=2)
