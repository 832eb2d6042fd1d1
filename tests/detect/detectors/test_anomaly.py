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
