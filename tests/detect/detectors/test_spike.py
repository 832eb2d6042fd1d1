from __future__ import annotations

from tests.detect.support import feed, last_state, series, tick_until


def steady(until: float, step: float) -> list[tuple[float, float | None]]:
    return [(float(t), 1.0) for t in range(0, int(until), int(step))]


def test_no_opinion_until_the_baseline_has_full_history() -> None:
    s = series("spike", window="5m", baseline="1h")
    verdicts = feed(s, [(float(t), None) for t in range(0, 3000, 1)])  # a flood from t=0
    assert all(v is None for v in verdicts)


def test_count_three_times_the_baseline_fires_and_normal_rate_does_not() -> None:
    s = series("spike", window="5m", baseline="1h")
    base = feed(s, steady(4200, 60))
    assert not last_state(base)
    burst = feed(s, [(4200.0 + i * 5, None) for i in range(60)])
    assert last_state(burst)


def test_down_fires_when_traffic_drops_even_without_events() -> None:
    s = series("spike", window="5m", baseline="1h", direction="down")
    assert not last_state(feed(s, steady(4200, 10)))
    flips = tick_until(s, 5000)
    assert flips
    assert flips[0].active
    assert 4200 <= (flips[0].at or 0) <= 4500


def test_mean_compares_values() -> None:
    s = series("spike", window="5m", baseline="1h", of="mean", direction="both")
    assert not last_state(feed(s, [(float(t), 10.0) for t in range(0, 4000, 30)]))
    assert last_state(feed(s, [(float(t), 50.0) for t in range(4000, 4300, 30)]))
