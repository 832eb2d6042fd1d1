"""rate: how many matching events (or how much value) arrived in a sliding window.

ElastAlert's "frequency": ``rate: {window: 5m, above: 20}`` fires when more than 20
matching events arrived within 5 minutes. With no level it fires on any matching
event in the window (``above: 0``), the right default for error logs. The window drains
on the clock, so the alert clears when traffic stops.
"""

from __future__ import annotations

from pydantic import model_validator

from alertd.detect.detectors.base import DetectorType, Verdict, is_missing, register
from alertd.detect.detectors.windowed import (
    LevelParams,
    Measure,
    WindowDuration,
    WindowedSeries,
    level_of,
)
from alertd.detect.windows import BucketWindow


class RateParams(LevelParams):
    window: WindowDuration = 300.0
    of: Measure = "count"
    """count: number of events; sum: sum of their values (e.g. bytes, request counts)."""

    @model_validator(mode="after")
    def _valid(self) -> RateParams:
        level_of(self, 0.0)
        if self.window <= 0:
            raise ValueError("window must be longer than 0s")
        return self


class RateSeries(WindowedSeries):
    __slots__ = ("_level", "_of", "_sign")

    def __init__(self, params: RateParams, default_above: float | None = 0.0) -> None:
        super().__init__((BucketWindow(params.window),))
        self._sign, self._level = level_of(params, default_above)
        self._of = params.of

    def observe(self, t: float, value: float | None) -> Verdict | None:
        if self._of == "sum" and is_missing(value):
            return None
        amount = 0.0 if is_missing(value) else float(value or 0.0)
        if not self.windows[0].add(t, total=amount):
            return None
        return self._record(self._judge())

    def _judge(self) -> Verdict:
        window = self.windows[0]
        totals = window.totals()
        measured = totals.count if self._of == "count" else totals.total
        active = self._sign * measured > self._level
        context = {
            "count": totals.count,
            "sum": totals.total,
            "window_seconds": window.window,
            "per_second": measured / window.window,
        }
        return Verdict(active, measured, context)


register(
    DetectorType(
        name="rate",
        params=RateParams,
        build=lambda p: lambda: RateSeries(p),
        clock_driven=True,
        doc="Count (or sum) of matching events in a sliding window, above/below a level.",
    )
)
