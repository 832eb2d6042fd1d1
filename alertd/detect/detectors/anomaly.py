"""anomaly: online outlier and level-shift detection with fixed memory and no tuning.

``anomaly: {}`` learns each series' level and spread as exponentially weighted
moving statistics (a handful of floats per series, whatever its length) and fires on
either of two signs:

- a point far from the expected level: more than ``threshold`` mean absolute
  deviations away (a spike or a dip);
- a sustained shift: the short-term average of the residuals (a fast EWMA, about
  the last ten points) drifts more than ``shift * threshold`` deviations away, which
  catches a level change or a slow ramp before any single point looks extreme.

Outliers are clipped before they update the statistics, so one burst does not teach
the detector that bursts are normal, while a lasting change is adopted after a while.
Once it fires, the verdict holds for ``hold`` points, so one incident is one alert
rather than a volley. Defaults were chosen on the whole NAB corpus (bench/nab.py),
never per file.

Context for templates: ``score`` (deviations from expected), ``expected``,
``deviation`` and ``shift_score``.
"""

from __future__ import annotations

import math

from pydantic import Field

from alertd.detect.detectors.base import (
    DetectorParams,
    DetectorType,
    NoTick,
    Verdict,
    is_missing,
    register,
)

_FAST = 0.2
"""Weight of the newest residual in the short-term drift (~10 points of memory)."""


class AnomalyParams(DetectorParams):
    threshold: float = Field(default=7.0, gt=0)
    """How many mean absolute deviations from expected count as anomalous."""
    shift: float = Field(default=0.5, gt=0)
    """A sustained drift counts at this fraction of ``threshold``."""
    memory: int = Field(default=300, ge=10)
    """Points the moving statistics effectively remember."""
    warmup: int = Field(default=60, ge=2)
    """Points seen before the detector may fire."""
    hold: int = Field(default=30, ge=1)
    """Points a verdict stays active after the last anomalous point."""


class AnomalySeries(NoTick):
    __slots__ = ("_alpha", "_dev", "_drift", "_hold_left", "_latest", "_mean", "_n", "_p")

    def __init__(self, params: AnomalyParams) -> None:
        self._p = params
        self._alpha = 2.0 / (params.memory + 1)
        self._hold_left = 0
        self._reset()
        self._latest = -math.inf

    def observe(self, t: float, value: float | None) -> Verdict | None:
        if is_missing(value):
            return None
        x = float(value or 0.0)
        self._latest = max(self._latest, t)
        self._n += 1
        if self._n == 1:
            self._mean = x
            return None
        # a perfectly flat history has no spread: measure against a tiny relative floor
        dev = max(self._dev, 1e-3 * abs(self._mean), 1e-12)
        score = abs(x - self._mean) / dev
        self._drift += _FAST * ((x - self._mean) - self._drift)
        shift_score = abs(self._drift) / dev
        threshold = self._p.threshold
        anomalous = self._n > self._p.warmup and (
            score > threshold or shift_score > self._p.shift * threshold
        )
        self._learn(x, dev)
        if anomalous:
            self._hold_left = self._p.hold
        elif self._hold_left:
            self._hold_left -= 1
        context = {
            "score": score,
            "shift_score": shift_score,
            "expected": self._mean,
            "deviation": dev,
        }
        return Verdict(anomalous or self._hold_left > 0, x, context)

    def _learn(self, x: float, dev: float) -> None:
        a = self._alpha if self._n > self._p.warmup else 1.0 / self._n
        limit = self._p.threshold * dev
        clipped = min(max(x, self._mean - limit), self._mean + limit) if self._n > 2 else x
        error = clipped - self._mean
        self._mean += a * error
        self._dev += a * (abs(error) - self._dev)
        if not (math.isfinite(self._mean) and math.isfinite(self._dev)):
            self._reset()  # overflowed on absurd magnitudes: learn again from scratch

    def _reset(self) -> None:
        self._n = 0
        self._mean = self._dev = self._drift = 0.0


register(
    DetectorType(
        name="anomaly",
        params=AnomalyParams,
        build=lambda p: lambda: AnomalySeries(p),
        doc="Online outlier / level-shift detector (robust EWMA), no tuning: `anomaly: {}`.",
    )
)
