"""spike: the recent window differs from the baseline before it by a factor.

ElastAlert's "spike": ``spike: {}`` compares the event rate of the last 5 minutes with
the hour before it and fires when it is 3x higher. ``direction: down`` catches drops
(traffic falling off a cliff), ``both`` either way. ``of: mean`` compares the mean
value of metric points instead of counting events. No verdict until the baseline has
a full history and at least ``min_baseline_events`` points, so a fresh series stays
quiet instead of calling its first minute a spike.
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from alertd.detect.detectors.base import (
    DetectorParams,
    DetectorType,
    Verdict,
    is_missing,
    register,
)
from alertd.detect.detectors.windowed import WindowDuration, WindowedSeries
from alertd.detect.windows import BucketWindow


class SpikeParams(DetectorParams):
    window: WindowDuration = 300.0
    baseline: WindowDuration = 3600.0
    factor: float = 3.0
    direction: Literal["up", "down", "both"] = "up"
    of: Literal["count", "mean"] = "count"
    min_baseline_events: int = 5

    @model_validator(mode="after")
    def _valid(self) -> SpikeParams:
        if self.window <= 0 or self.baseline <= 0:
            raise ValueError("window and baseline must be longer than 0s")
        if self.factor <= 1:
            raise ValueError("factor must be greater than 1 (e.g. 3 for 3x)")
        return self


class SpikeSeries(WindowedSeries):
    __slots__ = ("_first", "_p")

    def __init__(self, params: SpikeParams) -> None:
        recent = BucketWindow(params.window, 30)
        whole = BucketWindow(
            params.window + params.baseline, 30 + round(30 * params.baseline / params.window)
        )
        super().__init__((recent, whole))
        self._p = params
        self._first: float | None = None

    def observe(self, t: float, value: float | None) -> Verdict | None:
        if self._p.of == "mean" and is_missing(value):
            return None
        amount = 0.0 if is_missing(value) else float(value or 0.0)
        if not self.windows[1].add(t, total=amount):
            return None
        self.windows[0].add(t, total=amount)
        self._first = t if self._first is None else min(self._first, t)
        return self._record(self._judge())

    def _judge(self) -> Verdict | None:
        recent_w, whole_w = self.windows
        p = self._p
        if self._first is None or whole_w.latest - self._first < p.window + p.baseline:
            return None
        recent, whole = recent_w.totals(), whole_w.totals()
        base_n = whole.count - recent.count
        if base_n < p.min_baseline_events:
            return None
        if p.of == "count":
            now, base = recent.count / p.window, base_n / p.baseline
        else:
            if not recent.count:
                return None
            now, base = recent.total / recent.count, (whole.total - recent.total) / base_n
        up = now > p.factor * base if base > 0 else now > 0
        down = now * p.factor < base
        active = {"up": up, "down": down, "both": up or down}[p.direction]
        ratio = now / base if base else None
        return Verdict(active, now, {"baseline": base, "current": now, "ratio": ratio})


register(
    DetectorType(
        name="spike",
        params=SpikeParams,
        build=lambda p: lambda: SpikeSeries(p),
        clock_driven=True,
        doc="Recent window vs the baseline before it: up/down by a factor (rate or mean).",
    )
)
