from __future__ import annotations

import math
import random

import msgspec

from alertd.detect.detectors.base import Verdict
from alertd.state.codec import encode_state, restore_state
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


def widening(n: int) -> list[tuple[float, float]]:
    """``noisy`` for 2000 points (once at 80 and 120 while learning), then swings of 11-13
    either side of the level: within the all-time range, under every single-point bar."""
    rng = random.Random(9)
    calm = noisy(2000)
    calm[10], calm[20] = (600.0, 80.0), (1200.0, 120.0)
    wide = range(2000, 2000 + n)
    return calm + [(i * 60.0, 100.0 + rng.choice((-1, 1)) * rng.uniform(11, 13)) for i in wide]


def test_swings_far_wider_than_usual_fire_though_no_point_is_extreme() -> None:
    verdicts = feed(series("anomaly"), widening(40))
    assert not any(v and v.active for v in verdicts[:2000])
    assert any(v and v.active for v in verdicts[2000:])


def test_without_the_likelihood_the_wider_swings_go_unnoticed() -> None:
    verdicts = feed(series("anomaly", likelihood=0), widening(40))
    assert not any(v and v.active for v in verdicts[2000:])


def test_a_start_up_transient_does_not_linger_as_the_series_spread() -> None:
    # the first 50 points swing wildly (a cache warming), then the series settles
    rng = random.Random(4)
    start = [(i * 60.0, 100.0 + rng.choice((-1, 1)) * rng.uniform(50, 200)) for i in range(50)]
    settled = [(t + 50 * 60.0, v) for t, v in noisy(250, seed=6)]
    spike = (300 * 60.0, 150.0)  # taller than any settled point, within the start-up swings
    only_outliers = series("anomaly", novelty=0, persistence=0, likelihood=0)
    verdicts = feed(only_outliers, [*start, *settled, spike])
    assert not any(v and v.active for v in verdicts[:300])
    assert verdicts[-1] is not None
    assert verdicts[-1].active


def daily_job(beats: int, extra_at: int = -1) -> list[tuple[float, float]]:
    """Calm noise with a spike every ~200 points (a few points of jitter), like a
    nightly batch job; optionally one more spike off the beat at ``extra_at``."""
    rng = random.Random(7)
    on_beat = {300 + 200 * k + rng.randint(-4, 4) for k in range(beats)}
    return [
        (t, v + (60.0 if i in on_beat or i == extra_at else 0.0))
        for i, (t, v) in enumerate(noisy(300 + 200 * beats))
    ]


def firing_starts(verdicts: list[Verdict | None]) -> list[int]:
    states = [bool(v and v.active) for v in verdicts]
    return [i for i, on in enumerate(states) if on and (i == 0 or not states[i - 1])]


def test_a_spike_on_the_beat_of_earlier_ones_is_a_scheduled_job_not_news() -> None:
    verdicts = feed(series("anomaly"), daily_job(10))
    fired = firing_starts(verdicts)
    assert 2 <= len(fired) <= 3  # until two intervals agree, each spike is news
    assert all(i < 300 + 200 * 3 for i in fired)


def test_a_spike_off_the_beat_still_fires_on_a_scheduled_series() -> None:
    off_beat = 300 + 200 * 7 + 100
    verdicts = feed(series("anomaly"), daily_job(10, extra_at=off_beat))
    assert off_beat in firing_starts(verdicts)


def test_without_the_periodic_gate_every_scheduled_spike_alerts() -> None:
    verdicts = feed(series("anomaly", periodic=0), daily_job(10))
    assert len(firing_starts(verdicts)) == 10


def test_a_series_that_freezes_on_its_last_value_fires() -> None:
    moving = noisy(500)
    frozen = [(i * 60.0, moving[-1][1]) for i in range(500, 540)]
    verdicts = feed(series("anomaly"), moving + frozen)
    assert not any(v and v.active for v in verdicts[:500])
    assert any(v and v.active for v in verdicts[500:])
    late = verdicts[-1]
    assert late is not None
    assert late.context["stuck"] == 41


def test_a_series_flat_from_the_start_is_not_stuck() -> None:
    verdicts = feed(series("anomaly"), [(i * 60.0, 5.0) for i in range(1000)])
    assert not any(v and v.active for v in verdicts)


def test_a_repeat_no_longer_than_twice_the_series_usual_repeats_does_not_fire() -> None:
    # a coarse gauge that reads each value 8 times in a row, then once 12 times
    usual = [(i * 60.0, float((i // 8) % 3)) for i in range(1000)]
    longer = [(i * 60.0, 7.0) for i in range(1000, 1012)]
    s = series("anomaly", threshold=1e9, novelty=0)  # only the stuck sign can fire
    verdicts = feed(s, usual + longer)
    assert verdicts[-1] is not None
    assert verdicts[-1].context["stuck"] == 12
    assert not any(v and v.active for v in verdicts[100:])


NEW_FIELDS = ("_since_beyond", "_starts", "_routine", "_last", "_same", "_longest_same")
LIKELIHOOD_FIELDS = ("_scores", "_score_mean", "_score_var", "_recent_score")


def test_a_restored_series_carries_on_exactly_where_it_was() -> None:
    points = daily_job(6)
    live, restored = series("anomaly"), series("anomaly")
    feed(live, points[:900])
    restore_state(restored, encode_state(live))
    assert [v and v.active for v in feed(live, points[900:])] == [
        v and v.active for v in feed(restored, points[900:])
    ]


def test_state_from_before_the_periodic_and_stuck_signs_restores_and_runs() -> None:
    live = series("anomaly")
    feed(live, noisy(500))
    old = {
        k: v for k, v in msgspec.msgpack.decode(encode_state(live)).items() if k not in NEW_FIELDS
    }
    restored = series("anomaly")
    restore_state(restored, msgspec.msgpack.encode(old))
    frozen = [(i * 60.0, 100.0) for i in range(500, 540)]
    assert any(v and v.active for v in feed(restored, frozen))  # the stuck sign still works


def test_state_from_before_the_likelihood_restores_and_learns_it_afresh() -> None:
    live = series("anomaly")
    feed(live, noisy(500))
    old = {
        k: v
        for k, v in msgspec.msgpack.decode(encode_state(live)).items()
        if k not in LIKELIHOOD_FIELDS
    }
    restored = series("anomaly")
    restore_state(restored, msgspec.msgpack.encode(old))
    calm = [(t + 500 * 60.0, v) for t, v in noisy(500, seed=8)]
    verdicts = feed(restored, calm)
    assert not any(v and v.active for v in verdicts)
    assert restored._scores == 500  # type: ignore[attr-defined]
