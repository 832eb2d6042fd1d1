from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from tests.detect.support import active, feed, series


def test_above_fires_strictly_over_the_level() -> None:
    s = series("threshold", above=5)
    assert active(feed(s, [(1, 4.9), (2, 5.0), (3, 5.1)])) == [False, False, True]


def test_below_fires_strictly_under_the_level() -> None:
    s = series("threshold", below=1)
    assert active(feed(s, [(1, 1.0), (2, 0.5), (3, 2.0)])) == [False, True, False]


def test_reset_holds_the_alert_until_the_value_crosses_back_past_it() -> None:
    s = series("threshold", above=0.9, reset=0.8)
    verdicts = feed(s, [(1, 0.95), (2, 0.85), (3, 0.81), (4, 0.8), (5, 0.85)])
    # 0.85 after a clear is below 0.9: stays clear (the hysteresis band)
    assert active(verdicts) == [True, True, True, False, False]


def test_nan_and_missing_points_leave_the_state_alone() -> None:
    s = series("threshold", above=1)
    assert active(feed(s, [(1, 2.0), (2, math.nan), (3, None), (4, 2.0)])) == [
        True,
        None,
        None,
        True,
    ]


def test_out_of_order_point_is_judged_on_its_value() -> None:
    s = series("threshold", above=1)
    assert active(feed(s, [(10, 2.0), (5, 0.0)])) == [True, False]


@pytest.mark.parametrize(
    "params",
    [{}, {"above": 1, "below": 0}, {"above": 1, "reset": 2}, {"below": 1, "reset": 0}],
)
def test_contradictory_parameters_are_rejected(params: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        series("threshold", **params)
