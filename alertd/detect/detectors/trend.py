"""trend: a least-squares line over a window, forecast forward to a level.

``trend: {above: 90, window: 1h, horizon: 4h}`` fires when the straight line fitted
to the last hour of points reaches 90 within the next four hours, e.g. a disk filling
up, long before a threshold at 90 would. Templates get the predicted crossing time as
``predicted_at`` (RFC 3339), ``eta_seconds`` and the fitted ``slope_per_hour``.

Sums of (x, y, x², xy, n) live in time buckets, so memory is fixed whatever the rate,
and x is measured from a per-series origin to keep the sums precise.
"""

from __future__ import annotations

import math

from pydantic import model_validator

from alertd.alerts.model import rfc3339
from alertd.detect.detectors.base import DetectorType, NoTick, Verdict, is_missing, register
from alertd.detect.detectors.windowed import LevelParams, WindowDuration

_RESOLUTION = 30


class TrendParams(LevelParams):
    window: WindowDuration = 3600.0
    horizon: WindowDuration = 14400.0
    min_points: int = 5

    @model_validator(mode="after")
    def _valid(self) -> TrendParams:
        if (self.above is None) == (self.below is None):
            raise ValueError("trend needs exactly one level: 'above' or 'below'")
        if self.window <= 0 or self.horizon <= 0:
            raise ValueError("window and horizon must be longer than 0s")
        if self.min_points < 2:
            raise ValueError("min_points must be at least 2 (a line needs two points)")
        return self


class TrendSeries(NoTick):
    __slots__ = ("_buckets", "_latest", "_origin", "_p", "_sign", "_width")

    def __init__(self, params: TrendParams) -> None:
        self._p = params
        self._sign = 1.0 if params.above is not None else -1.0
        self._width = params.window / _RESOLUTION
        self._buckets: dict[int, list[float]] = {}
        self._origin: float | None = None
        self._latest = -math.inf

    def observe(self, t: float, value: float | None) -> Verdict | None:
        if is_missing(value):
            return None
        y = float(value or 0.0)
        key = math.floor(t / self._width)
        if self._origin is not None and key <= self._top() - _RESOLUTION:
            return None  # older than the window
        if self._origin is None:
            self._origin = t
        x = t - self._origin
        sums = self._buckets.setdefault(key, [0.0, 0.0, 0.0, 0.0, 0.0])
        for i, part in enumerate((1.0, x, y, x * x, x * y)):
            sums[i] += part
        if t > self._latest:
            self._latest = t
            low = key - _RESOLUTION
            for old in [k for k in self._buckets if k <= low]:
                del self._buckets[old]
        return self._forecast()

    def _top(self) -> int:
        return math.floor(self._latest / self._width)

    def _forecast(self) -> Verdict | None:
        n, sx, sy, sxx, sxy = (sum(b[i] for b in self._buckets.values()) for i in range(5))
        if n < self._p.min_points:
            return None
        denominator = n * sxx - sx * sx
        if denominator <= 1e-12 * max(1.0, n * sxx):
            return None  # every point at the same instant: no slope to speak of
        assert self._origin is not None
        slope = (n * sxy - sx * sy) / denominator
        now_x = self._latest - self._origin
        fitted = (sy - slope * sx) / n + slope * now_x
        if not (math.isfinite(slope) and math.isfinite(fitted)):
            return None  # magnitudes beyond float range: no forecast until they leave
        level = self._p.above if self._p.above is not None else self._p.below
        assert level is not None
        gap = self._sign * (level - fitted)
        context: dict[str, object] = {"slope_per_hour": slope * 3600, "fitted": fitted}
        if gap <= 0:
            eta = 0.0
        elif self._sign * slope > 0:
            eta = gap / (self._sign * slope)
        else:
            return Verdict(False, fitted, context)
        context["eta_seconds"] = eta
        crossing = self._latest + eta
        if crossing < LAST_REPRESENTABLE:  # a far-off crossing has no calendar date
            context.update(predicted_at=rfc3339(crossing), predicted_at_epoch=crossing)
        return Verdict(eta <= self._p.horizon, fitted, context)


LAST_REPRESENTABLE = 253_402_300_799.0
"""9999-12-31T23:59:59Z, the last instant datetime can format."""


register(
    DetectorType(
        name="trend",
        params=TrendParams,
        build=lambda p: lambda: TrendSeries(p),
        doc="Least-squares forecast; fires when the line will cross a level within a horizon.",
    )
)
