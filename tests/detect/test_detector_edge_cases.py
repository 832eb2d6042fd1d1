"""Edge cases every detector must survive: NaN, gaps, duplicates, disorder, restarts.

Parametrised over the registry so a new detector gets the same scrutiny.
"""

from __future__ import annotations

import math
import random
from typing import Any

import pytest

from alertd.detect.detectors import REGISTRY
from tests.detect.support import series, tick_until

START = 1_790_000_000.0

CASES: dict[str, dict[str, Any]] = {
    "threshold": {"above": 5.0},
    "rate": {"window": "5m", "above": 10},
    "flatline": {"window": "5m"},
    "spike": {"window": "5m", "baseline": "30m", "of": "mean"},
    "ratio": {"numerator": {"labels": {"status": "5*"}}, "denominator": {}},
    "burn_rate": {"objective": 99.0},
    "trend": {"above": 100.0, "window": "30m", "horizon": "1h"},
    "anomaly": {},
    "absent": {"after": "5m"},
}


def points(n: int = 400, step: float = 30.0) -> list[tuple[float, float]]:
    rng = random.Random(7)
    return [
        (START + i * step, 3.0 + rng.random() + (6.0 if 300 < i < 330 else 0.0)) for i in range(n)
    ]


def states(name: str, pts: list[tuple[float, float | None]]) -> list[bool | None]:
    s = series(name, **CASES[name])
    out: list[bool | None] = []
    for t, v in pts:
        verdict = s.observe(t, v)
        out.append(None if verdict is None else verdict.active)
    return out


def test_every_registered_point_detector_is_covered() -> None:
    composite = {"all_of", "any_of"}
    assert set(REGISTRY) - composite == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_nan_and_missing_values_never_poison_the_state(name: str) -> None:
    clean = points()
    dirty: list[tuple[float, float | None]] = []
    for t, v in clean:
        dirty.append((t, v))
        dirty.append((t + 1.0, math.nan))
        dirty.append((t + 2.0, None))
    clean_states = [s for s in states(name, list(clean)) if s is not None]
    dirty_s = series(name, **CASES[name])
    kept = []
    for t, v in dirty:
        verdict = dirty_s.observe(t, v)
        if v is not None and not math.isnan(v) and verdict is not None:
            kept.append(verdict.active)
        if verdict is not None and verdict.value is not None:
            assert not math.isnan(verdict.value)
    if name not in ("rate", "flatline", "absent", "ratio"):
        # value-driven detectors ignore the bad points entirely
        assert kept == clean_states


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_points_give_the_same_verdicts(name: str) -> None:
    pts: list[tuple[float, float | None]] = list(points())
    assert states(name, pts) == states(name, pts)


@pytest.mark.parametrize("name", sorted(CASES))
def test_duplicate_timestamps_and_long_gaps_do_not_crash(name: str) -> None:
    s = series(name, **CASES[name])
    for t, v in points(100):
        s.observe(t, v)
        s.observe(t, v)  # duplicate
    far = START + 30 * 86400.0
    tick_until(s, far)
    verdict = s.observe(far, 4.0)
    assert verdict is None or isinstance(verdict.active, bool)


@pytest.mark.parametrize("name", sorted(CASES))
def test_out_of_order_points_are_absorbed(name: str) -> None:
    pts = points(200)
    jittered = pts[:]
    rng = random.Random(3)
    for i in range(0, len(jittered) - 3, 3):  # swap neighbours: late by one step
        if rng.random() < 0.5:
            jittered[i], jittered[i + 1] = jittered[i + 1], jittered[i]
    s = series(name, **CASES[name])
    for t, v in jittered:
        verdict = s.observe(t, v)
        assert verdict is None or isinstance(verdict.active, bool)


@pytest.mark.parametrize("name", ["rate", "flatline", "ratio", "burn_rate", "trend", "spike"])
def test_a_restart_mid_window_converges_after_one_window(name: str) -> None:
    """A fresh series (lost state) agrees with the uninterrupted one once it has seen a
    full window of its own (windows here are at most 35m; 2h is plenty)."""
    pts: list[tuple[float, float | None]] = list(points(600))
    whole, restarted = series(name, **CASES[name]), series(name, **CASES[name])
    cut = 200
    for t, v in pts[:cut]:
        whole.observe(t, v)
    agree = []
    for i, (t, v) in enumerate(pts[cut:]):
        a, b = whole.observe(t, v), restarted.observe(t, v)
        if i * 30.0 > 7200:
            agree.append((a and a.active) == (b and b.active))
    assert agree
    assert all(agree)


@pytest.mark.parametrize("name", sorted(CASES))
def test_extreme_magnitudes_neither_crash_nor_poison_later_verdicts(name: str) -> None:
    s = series(name, **CASES[name])
    for i in range(100):
        s.observe(START + i * 30.0, 1e308 if i % 2 else -1e308)
    for i in range(100, 400):
        verdict = s.observe(START + i * 30.0, 3.0)
        if verdict is not None and verdict.value is not None:
            assert not math.isnan(verdict.value)
        if verdict is not None and i > 300:
            numbers = [v for v in verdict.context.values() if isinstance(v, float)]
            assert all(math.isfinite(v) for v in numbers), verdict.context
