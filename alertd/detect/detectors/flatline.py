"""flatline: too few matching events in a sliding window (ElastAlert "flatline").

``flatline: {window: 5m, below: 1}`` (the defaults) fires when a stream that used to
flow went silent for 5 minutes; raise ``below`` to catch a trickle. Evaluated on the
clock, so it fires on a quiet partition too. Unlike ``absent`` it needs the series to
have existed (it counts; ``absent`` also watches a stream that never started).
"""

from __future__ import annotations

from pydantic import model_validator

from alertd.detect.detectors.base import DetectorParams, DetectorType, register
from alertd.detect.detectors.rate import RateParams, RateSeries
from alertd.detect.detectors.windowed import Measure, WindowDuration


class FlatlineParams(DetectorParams):
    window: WindowDuration = 300.0
    below: float = 1.0
    of: Measure = "count"

    @model_validator(mode="after")
    def _valid(self) -> FlatlineParams:
        if self.window <= 0:
            raise ValueError("window must be longer than 0s")
        return self


def _series(params: FlatlineParams) -> RateSeries:
    # strictly below ``below`` events: sign -1 means active while -count > -below
    return RateSeries(RateParams(window=params.window, below=params.below, of=params.of))


register(
    DetectorType(
        name="flatline",
        params=FlatlineParams,
        build=lambda p: lambda: _series(p),
        clock_driven=True,
        doc="Fewer than `below` matching events in a sliding window (a stream went quiet).",
    )
)
