"""A trend whose crossing lies beyond the calendar must not stop detection."""

from __future__ import annotations

from alertd.detect.detectors.trend import TrendParams, TrendSeries


def test_a_crossing_after_year_9999_gives_no_date_and_no_error() -> None:
    series = TrendSeries(TrendParams(above=1e300, horizon=3600.0))
    verdict = None
    for i in range(10):
        verdict = series.observe(1_790_000_000.0 + 60 * i, 1e-3 * i) or verdict
    assert verdict is not None
    assert not verdict.active
    assert "predicted_at" not in verdict.context
