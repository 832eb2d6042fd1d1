"""Shared behaviour of detectors over sliding windows (rate, spike, ratio, burn_rate).

A windowed verdict changes for two reasons: a point arrives, or old points drain out
of the window as event time moves on. The second makes these detectors clock-driven:
``next_due`` is when the oldest bucket drains, and ``tick`` replays each drain up to
``now`` so a flip is stamped with the exact event time it happened, whatever the tick
cadence (daemon) or event spacing (backtest).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from alertd.config.durations import Duration
from alertd.detect.detectors.base import DetectorParams, LastSeen, Verdict
from alertd.detect.windows import BucketWindow


class LevelParams(DetectorParams):
    """``above`` / ``below`` a level; subclasses set which default applies."""

    above: float | None = None
    below: float | None = None


def level_of(params: LevelParams, default_above: float | None) -> tuple[float, float]:
    """(sign, signed level): active while ``sign * value > signed level``."""
    if params.above is not None and params.below is not None:
        raise ValueError("give only one of 'above' or 'below'")
    if params.below is not None:
        return -1.0, -params.below
    above = params.above if params.above is not None else default_above
    if above is None:
        raise ValueError("needs 'above' or 'below'")
    return 1.0, above


Measure = Literal["count", "sum"]
WindowDuration = Duration


class WindowedSeries(LastSeen):
    """Base: subclasses add points to ``windows`` and judge them in ``_judge``."""

    __slots__ = ("_active", "windows")

    def __init__(self, windows: tuple[BucketWindow, ...]) -> None:
        self.windows = windows
        self._active = False

    def _judge(self) -> Verdict | None:
        raise NotImplementedError

    def _record(self, verdict: Verdict | None) -> Verdict | None:
        if verdict is not None:
            self._active = verdict.active
        return verdict

    def tick(self, now: float) -> Verdict | None:
        while (due := self.next_due()) is not None and due <= now:
            for window in self.windows:
                window.advance(due)
            if self.next_due() == due:
                break
            verdict = self._judge()
            if verdict is not None and verdict.active != self._active:
                self._active = verdict.active
                return replace(verdict, at=due)
        for window in self.windows:
            window.advance(now)
        return None

    def next_due(self) -> float | None:
        dues = [d for w in self.windows if (d := w.drains_at()) is not None]
        return min(dues) if dues else None
