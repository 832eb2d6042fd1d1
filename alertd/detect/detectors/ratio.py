"""ratio: one event stream over another within a sliding window (errors / requests).

```yaml
match: {kind: log, labels: {service: checkout}}   # common to both streams
detect:
  ratio:
    numerator: {name: http_request, labels: {status: "5*"}}
    denominator: {name: http_request}
    window: 5m
    above: 0.05
```
Each stream is a ``match`` block ANDed with the rule's ``match``; an event may feed
both (an error is also a request). ``of: sum`` adds event values instead of counting
events (for pre-aggregated counters). Below ``min_denominator`` there is too little
traffic to judge and the detector says nothing.
"""

from __future__ import annotations

from pydantic import model_validator

from alertd.config.rules import EventMatch
from alertd.detect.detectors.base import DetectorType, Verdict, register, stream_amount
from alertd.detect.detectors.windowed import (
    LevelParams,
    Measure,
    WindowDuration,
    WindowedSeries,
    level_of,
)
from alertd.detect.windows import BucketWindow


class RatioParams(LevelParams):
    numerator: EventMatch
    denominator: EventMatch
    window: WindowDuration = 300.0
    of: Measure = "count"
    min_denominator: float = 10.0

    @model_validator(mode="after")
    def _valid(self) -> RatioParams:
        level_of(self, 0.05)
        if self.window <= 0:
            raise ValueError("window must be longer than 0s")
        return self


class RatioSeries(WindowedSeries):
    __slots__ = ("_level", "_p", "_sign")

    def __init__(self, params: RatioParams) -> None:
        super().__init__((BucketWindow(params.window),))
        self._p = params
        self._sign, self._level = level_of(params, 0.05)

    def observe(self, t: float, value: float | None) -> Verdict | None:
        return self.observe_stream("denominator", t, value)

    def observe_stream(self, stream: str, t: float, value: float | None) -> Verdict | None:
        amount = stream_amount(self._p.of, value)
        if amount is None:
            return None
        if stream == "numerator":
            added = self.windows[0].add(t, total=amount, count=0.0)
        else:
            added = self.windows[0].add(t, extra=amount, count=0.0)
        return self._record(self._judge()) if added else None

    def _judge(self) -> Verdict | None:
        totals = self.windows[0].totals()
        ratio = totals.total / totals.extra if totals.extra > 0 else 0.0
        context = {"numerator": totals.total, "denominator": totals.extra}
        if totals.extra < self._p.min_denominator:
            return Verdict(False, ratio, context)  # too little traffic to judge
        return Verdict(self._sign * ratio > self._level, ratio, context)


register(
    DetectorType(
        name="ratio",
        params=RatioParams,
        build=lambda p: lambda: RatioSeries(p),
        clock_driven=True,
        streams=lambda p: {"numerator": p.numerator, "denominator": p.denominator},
        doc="numerator/denominator event streams over a sliding window, above/below a level.",
    )
)
