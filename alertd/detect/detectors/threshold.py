"""threshold: fire while the value is above (or below) a level.

``reset`` adds hysteresis: once active, the condition clears only when the value
crosses back past ``reset``, which stops an alert from chattering around the level.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from pydantic import model_validator

from alertd.detect.detectors.base import DetectorParams, DetectorType, NoTick, Verdict, register


class ThresholdParams(DetectorParams):
    above: float | None = None
    below: float | None = None
    reset: float | None = None

    @model_validator(mode="after")
    def _one_direction(self) -> ThresholdParams:
        if (self.above is None) == (self.below is None):
            raise ValueError("threshold needs exactly one of 'above' or 'below'")
        if self.reset is not None:
            if self.above is not None and self.reset > self.above:
                raise ValueError("reset must not be higher than 'above'")
            if self.below is not None and self.reset < self.below:
                raise ValueError("reset must not be lower than 'below'")
        return self


class ThresholdSeries(NoTick):
    __slots__ = ("_active", "_level", "_reset", "_sign")

    def __init__(self, params: ThresholdParams) -> None:
        self._sign, self._level, self._reset = _levels(params)
        self._active = False

    @classmethod
    def factory(cls, params: ThresholdParams) -> Callable[[], ThresholdSeries]:
        """New series for one rule: the levels worked out once, not per series (a rule
        may make a new series for every host it sees)."""
        sign, level, reset = _levels(params)

        def fresh() -> ThresholdSeries:
            series = cls.__new__(cls)
            series._sign, series._level, series._reset = sign, level, reset
            series._active = False
            return series

        return fresh

    @property
    def at_rest(self) -> bool:
        return not self._active

    def observe(self, t: float, value: float | None) -> Verdict | None:
        if value is None or math.isnan(value):
            return None
        signed = self._sign * value
        self._active = signed > (self._reset if self._active else self._level)
        return Verdict(self._active, value)


def _levels(params: ThresholdParams) -> tuple[float, float, float]:
    """(sign, level, reset), signed so that "above" and "below" compare the same way."""
    sign = 1.0 if params.above is not None else -1.0
    level = params.above if params.above is not None else params.below
    assert level is not None
    reset = level if params.reset is None else params.reset
    return sign, sign * level, sign * reset


register(
    DetectorType(
        name="threshold",
        params=ThresholdParams,
        build=ThresholdSeries.factory,
        rest_range=lambda p: (-math.inf, p.above) if p.above is not None else (p.below, math.inf),
        doc="Value above/below a level, with optional reset level (hysteresis).",
    )
)
