from __future__ import annotations

import math
import random

from tests.detect.support import feed, series


def noisy(n: int, seed: int = 1, level: float = 100.0) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    return [(i * 60.0, level + rng.gauss(0, 2)) for i in range(n)]


def test_defaults_stay_quiet_on_plain_noise() -> None:
    s = series("anomaly")
    assert not any(v and v.active for v in feed(s, noisy(3000)))


def test_defaults_catch_a_spike_and_hold_instead_of_a_volley() -> None:
    s = series("anomaly")
    feed(s, noisy(500))
    verdicts = feed(s, [(500 * 60.0, 160.0)] + [(i * 60.0, 100.0) for i in range(501, 520)])
    states = [bool(v and v.active) for v in verdicts]
    assert states[0]
    assert all(states)  # held, so one alert rather than several
    assert verdicts[0] is not None
    assert verdicts[0].context["score"] > 7


def test_defaults_catch_a_level_shift_that_no_single_point_makes_extreme() -> None:
    s = series("anomaly")
    feed(s, noisy(500))
    shifted = [(t + 500 * 60.0, v + 12.0) for t, v in noisy(40, seed=2)]
    assert any(v and v.active for v in feed(s, shifted))


def test_no_firing_during_warmup() -> None:
    s = series("anomaly", warmup=60)
    pts = [*noisy(59), (59 * 60.0, 10000.0)]
    assert not any(v and v.active for v in feed(s, pts))


def test_constant_series_does_not_divide_by_zero() -> None:
    s = series("anomaly")
    verdicts = feed(s, [(i * 60.0, 0.0) for i in range(200)])
    assert all(v is None or math.isfinite(v.context["score"]) for v in verdicts)


def test_memory_per_series_is_constant() -> None:
    s = series("anomaly")
    feed(s, noisy(5000))
    assert not hasattr(s, "__dict__")


def square_wave(days: int, start: int = 0, skip_peak_on: int = -1) -> list[tuple[float, float]]:
    """A daily on/off pattern (96 points a day), optionally without its peak on one day."""
    rng = random.Random(5)
    out = []
    for i in range(start, start + days * 96):
        day, phase = divmod(i, 96)
        high = phase < 48 and day != skip_peak_on
        out.append((i * 900.0, (80.0 if high else 20.0) + rng.gauss(0, 2)))
    return out


def test_a_missing_peak_of_a_daily_pattern_fires_though_every_value_is_normal() -> None:
    s = series("anomaly")
    learning = feed(s, square_wave(10))[2 * 96 :]  # two days to see the whole pattern
    assert not any(v and v.active for v in learning)
    verdicts = feed(s, square_wave(3, start=10 * 96, skip_peak_on=11))
    assert any(v and v.active for v in verdicts)


def test_without_persistence_the_missing_peak_goes_unnoticed() -> None:
    s = series("anomaly", persistence=0)
    feed(s, square_wave(10))
    assert not any(v and v.active for v in feed(s, square_wave(3, start=10 * 96, skip_peak_on=11)))


def test_a_first_ever_excursion_fires_below_the_outlier_threshold_a_known_one_does_not() -> None:
    calm = noisy(500)
    near_miss = (500 * 60.0, 100.0 + 6.0 * 1.6)  # ~6 deviations: under the threshold of 9
    fresh = series("anomaly")
    feed(fresh, calm)
    verdict = fresh.observe(*near_miss)
    assert verdict is not None
    assert verdict.context["score"] < 9
    assert verdict.active
    assert verdict.context["novel"]
    seen_before = series("anomaly")
    feed(seen_before, [(0.0, 112.0), *calm[1:]])  # went that high once, while learning
    verdict = seen_before.observe(*near_miss)
    assert verdict is not None
    assert not verdict.active
    assert not verdict.context["novel"]


def spiky(n: int, height: float = 100.0) -> list[tuple[float, float]]:
    """Calm for 300 points, then a spike every 15: outliers become its normal."""
    return [
        (t, v + (height if i >= 300 and i % 15 == 0 else 0.0)) for i, (t, v) in enumerate(noisy(n))
    ]


def test_a_series_that_bursts_all_the_time_stops_alerting_on_its_usual_bursts() -> None:
    s = series("anomaly")
    verdicts = feed(s, spiky(2000))
    assert any(v and v.active for v in verdicts[300:400])  # at first a burst is news
    late = verdicts[1000:]
    assert not any(v and v.active for v in late)
    assert all(v is None or v.context["outlier_share"] > 0.05 for v in late)


def test_a_bursty_series_still_fires_on_a_burst_taller_than_any_before() -> None:
    s = series("anomaly")
    feed(s, spiky(2000))
    verdict = s.observe(2000 * 60.0, 400.0)
    assert verdict is not None
    assert verdict.active
    assert verdict.context["novel"]


def test_without_the_bursty_gate_every_usual_burst_still_alerts() -> None:
    s = series("anomaly", bursty=0)
    verdicts = feed(s, spiky(2000))
    assert any(v and v.active for v in verdicts[1000:])
