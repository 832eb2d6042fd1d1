from __future__ import annotations

import pytest
from pydantic import ValidationError

from alertd.detect.detectors.burn_rate import WORKBOOK, BurnRateParams
from tests.detect.support import feed, feed_stream, last_state, series


def test_defaults_are_the_sre_workbook_windows() -> None:
    pairs = BurnRateParams().pairs()
    got = [(p.long, p.short, p.factor, p.severity) for p in pairs]
    assert got == [
        (3600, 300, 14.4, "page"),
        (21600, 1800, 6, "page"),
        (86400, 7200, 3, "ticket"),
        (259200, 21600, 1, "ticket"),
    ]
    assert BurnRateParams(windows="page").pairs() == WORKBOOK["page"]


def test_two_percent_errors_burn_a_999_budget_twenty_times_and_page() -> None:
    s = series("burn_rate", objective=99.9, windows="page", bad={}, total={})
    points = []
    for i in range(3600):
        points.append(("total", float(i), None))
        if i % 50 == 0:
            points.append(("bad", float(i), None))
    verdicts = feed_stream(s, points)
    final = verdicts[-1]
    assert final is not None
    assert final.active
    assert final.context["burn_rate"] == pytest.approx(20, rel=0.05)
    assert final.context["budget_severity"] == "page"
    assert final.context["long_window_seconds"] == 3600


def test_a_short_burst_does_not_page_when_the_long_window_is_calm() -> None:
    s = series("burn_rate", objective=99.9, windows="page", bad={}, total={})
    feed_stream(s, [("total", float(i), None) for i in range(7200)])  # 2h, one req/s
    # 20 errors in a minute: the 5m window burns ~6.7% / 0.1% = 67x, but the hour
    # holds 20 / 3600 = 0.56%, a 5.6x burn, below both 14.4x and 6x: no page
    burst = [("bad", 7200.0 + i, None) for i in range(20)]
    assert not last_state(feed_stream(s, burst))


def test_the_short_window_resets_the_alert_once_errors_stop() -> None:
    s = series("burn_rate", objective=99.0, windows=[{"long": "1h", "short": "5m", "factor": 2}])
    assert last_state(feed(s, [(float(i * 10), 0.05) for i in range(360)]))
    assert not last_state(feed(s, [(3600.0 + i * 10, 0.0) for i in range(60)]))


def test_samples_mode_averages_error_ratios() -> None:
    s = series("burn_rate", objective=99.0, windows="page")
    assert not last_state(feed(s, [(float(i * 60), 0.01) for i in range(120)]))


@pytest.mark.parametrize(
    "params",
    [
        {"objective": 100},
        {"objective": 0},
        {"bad": {}},
        {"windows": []},
        {"windows": [{"long": "5m", "short": "1h", "factor": 2}]},
    ],
)
def test_bad_parameters_are_rejected(params: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        series("burn_rate", **params)


def test_memory_is_fixed_per_series() -> None:
    s = series("burn_rate")
    feed(s, [(float(i), 0.0) for i in range(0, 300_000, 7)])
    buckets = sum(len(w._buckets) for w in s.windows)  # type: ignore[attr-defined]
    assert buckets <= 8 * 31
