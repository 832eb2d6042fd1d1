"""burn_rate: SLO error-budget burn over multiple windows (Google SRE workbook ch. 5).

``burn_rate: {objective: 99.9}`` leaves 0.1% of requests as error budget. A burn rate
of 1 spends it exactly over the SLO period; 14.4 spends 2% of a 30-day budget in an
hour. A window pair fires when both its long and short window burn faster than its
factor: the long window proves it matters, the short one that it is still happening
(so the alert resets quickly once fixed). Defaults are the workbook's:

=========  ======  =====  ======  ========
 windows    long   short  factor  severity
=========  ======  =====  ======  ========
 page       1h      5m     14.4    page
 page       6h      30m    6       page
 ticket     1d      2h     3       ticket
 ticket     3d      6h     1       ticket
=========  ======  =====  ======  ========

Input: either two streams (``bad`` and ``total`` match blocks, counted like ``ratio``)
or, without them, each event's value is an error-ratio sample (0..1) and a window's
ratio is the mean of its samples. Memory is fixed: every window has 30 time buckets.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from alertd.config.rules import EventMatch
from alertd.detect.detectors.base import (
    DetectorParams,
    DetectorType,
    Verdict,
    is_missing,
    register,
    stream_amount,
)
from alertd.detect.detectors.windowed import Measure, WindowDuration, WindowedSeries
from alertd.detect.windows import BucketWindow

_RESOLUTION = 30


class BurnWindow(DetectorParams):
    long: WindowDuration
    short: WindowDuration
    factor: float = Field(gt=0)
    severity: str = "page"

    @model_validator(mode="after")
    def _short_inside_long(self) -> BurnWindow:
        if not 0 < self.short <= self.long:
            raise ValueError("short must be longer than 0s and not longer than long")
        return self


WORKBOOK = {
    "page": (
        BurnWindow(long=3600, short=300, factor=14.4, severity="page"),
        BurnWindow(long=21600, short=1800, factor=6, severity="page"),
    ),
    "ticket": (
        BurnWindow(long=86400, short=7200, factor=3, severity="ticket"),
        BurnWindow(long=259200, short=21600, factor=1, severity="ticket"),
    ),
}


class BurnRateParams(DetectorParams):
    objective: float = Field(default=99.9, gt=0, lt=100)
    """SLO target in percent, e.g. 99.9."""
    windows: Literal["page", "ticket", "all"] | list[BurnWindow] = "all"
    bad: EventMatch | None = None
    total: EventMatch | None = None
    of: Measure = "count"

    @model_validator(mode="after")
    def _streams_pair(self) -> BurnRateParams:
        if (self.bad is None) != (self.total is None):
            raise ValueError("give both 'bad' and 'total' streams, or neither")
        if isinstance(self.windows, list) and not self.windows:
            raise ValueError("windows needs at least one long/short/factor entry")
        return self

    def pairs(self) -> tuple[BurnWindow, ...]:
        if isinstance(self.windows, list):
            return tuple(self.windows)
        if self.windows == "all":
            return WORKBOOK["page"] + WORKBOOK["ticket"]
        return WORKBOOK[self.windows]


class BurnRateSeries(WindowedSeries):
    __slots__ = ("_budget", "_p", "_pairs")

    def __init__(self, params: BurnRateParams) -> None:
        self._p = params
        self._pairs = params.pairs()
        self._budget = 1.0 - params.objective / 100.0
        windows = []
        for pair in self._pairs:
            windows += [BucketWindow(pair.long, _RESOLUTION), BucketWindow(pair.short, _RESOLUTION)]
        super().__init__(tuple(windows))

    def observe(self, t: float, value: float | None) -> Verdict | None:
        if is_missing(value):
            return None
        return self._add(t, float(value or 0.0), 1.0)

    def observe_stream(self, stream: str, t: float, value: float | None) -> Verdict | None:
        amount = stream_amount(self._p.of, value)
        if amount is None:
            return None
        return self._add(t, amount, 0.0) if stream == "bad" else self._add(t, 0.0, amount)

    def _add(self, t: float, bad: float, total: float) -> Verdict | None:
        added = [w.add(t, total=bad, extra=total, count=0.0) for w in self.windows]
        return self._record(self._judge()) if any(added) else None

    def _burn(self, window: BucketWindow) -> float:
        totals = window.totals()
        return (totals.total / totals.extra) / self._budget if totals.extra > 0 else 0.0

    def _judge(self) -> Verdict:
        best: tuple[float, BurnWindow] | None = None
        highest = 0.0
        for i, pair in enumerate(self._pairs):
            long_burn = self._burn(self.windows[2 * i])
            short_burn = self._burn(self.windows[2 * i + 1])
            highest = max(highest, long_burn)
            if best is None and long_burn >= pair.factor and short_burn >= pair.factor:
                best = (long_burn, pair)  # pairs are listed most urgent first
        if best is None:
            return Verdict(False, highest, {"burn_rate": highest})
        burn, pair = best
        context = {
            "burn_rate": burn,
            "factor": pair.factor,
            "long_window_seconds": pair.long,
            "short_window_seconds": pair.short,
            "budget_severity": pair.severity,
            "error_budget": self._budget,
        }
        return Verdict(True, burn, context)


def _streams(params: BurnRateParams) -> dict[str, EventMatch]:
    if params.bad is None or params.total is None:
        return {}
    return {"bad": params.bad, "total": params.total}


register(
    DetectorType(
        name="burn_rate",
        params=BurnRateParams,
        build=lambda p: lambda: BurnRateSeries(p),
        clock_driven=True,
        streams=_streams,
        doc="SLO multiwindow multi-burn-rate (SRE workbook defaults) from an objective.",
    )
)
