from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from tests.detect.support import feed, series


def ramp(start: float, step: float, slope_per_step: float, n: int) -> list[tuple[float, float]]:
    return [(i * step, start + i * slope_per_step) for i in range(n)]


def test_fires_when_the_line_crosses_within_the_horizon_and_says_when() -> None:
    s = series("trend", above=100, window="1h", horizon="2h")
    # +1 per minute from 0: 100 is 100 minutes after t=0
    verdicts = feed(s, ramp(0.0, 60.0, 1.0, 30))
    final = verdicts[-1]
    assert final is not None
    assert final.active
    assert final.context["eta_seconds"] == pytest.approx((100 - 29) * 60)
    assert final.context["predicted_at_epoch"] == pytest.approx(100 * 60)
    predicted = datetime.fromisoformat(final.context["predicted_at"].replace("Z", "+00:00"))
    assert predicted == datetime.fromtimestamp(6000, UTC)
    assert final.context["slope_per_hour"] == pytest.approx(60)


def test_a_crossing_beyond_the_horizon_does_not_fire() -> None:
    s = series("trend", above=1000, window="1h", horizon="2h")
    final = feed(s, ramp(0.0, 60.0, 1.0, 30))[-1]
    assert final is not None
    assert not final.active


def test_a_falling_line_fires_below() -> None:
    s = series("trend", below=10, horizon="1h")
    final = feed(s, ramp(50.0, 60.0, -1.0, 10))[-1]
    assert final is not None
    assert final.active


def test_flat_or_receding_series_does_not_fire() -> None:
    s = series("trend", above=100)
    assert not any(v and v.active for v in feed(s, ramp(50.0, 60.0, 0.0, 30)))
    s = series("trend", above=100)
    assert not any(v and v.active for v in feed(s, ramp(90.0, 60.0, -1.0, 30)))


def test_few_points_or_a_single_instant_give_no_forecast() -> None:
    s = series("trend", above=1, min_points=5)
    assert feed(s, ramp(0.0, 60.0, 1.0, 4)) == [None] * 4
    s = series("trend", above=1)
    assert feed(s, [(5.0, float(i)) for i in range(10)])[-1] is None


def test_old_points_leave_the_fit() -> None:
    s = series("trend", above=100, window="10m", horizon="1h")
    feed(s, ramp(0.0, 60.0, 5.0, 20))  # steep climb, then flat for longer than the window
    final = feed(s, [(1200.0 + i * 60.0, 95.0 - 0.0 * i) for i in range(30)])[-1]
    assert final is not None
    assert not math.isnan(final.context["slope_per_hour"])
    assert final.context["slope_per_hour"] == pytest.approx(0, abs=1e-6)
