"""absent: no matching event for a while (heartbeat, dead man's switch).

``absent: {after: 5m}`` fires 5 minutes of event time after the last matching event.
It is driven by the clock, so it fires on a quiet partition too (the daemon advances
idle partitions with the wall clock). A rule without ``group_by`` watches from the
first clock tick, so a heartbeat that never started is caught as well; with
``group_by`` a series is watched once it has been seen.
"""

from __future__ import annotations

from alertd.alerts.model import rfc3339
from alertd.config.durations import Duration
from alertd.detect.detectors.base import (
    DetectorParams,
    DetectorType,
    LastSeen,
    Verdict,
    register,
)


class AbsentParams(DetectorParams):
    after: Duration = 300.0


class AbsentSeries(LastSeen):
    __slots__ = ("_active", "_after", "_last")

    def __init__(self, params: AbsentParams) -> None:
        self._after = params.after
        self._last: float | None = None
        self._active = False

    def observe(self, t: float, value: float | None) -> Verdict | None:
        if self._last is None or t > self._last:
            self._last = t  # a late (older) point says nothing about the silence now
            self._active = False
        return Verdict(self._active, None, self._context())

    def tick(self, now: float) -> Verdict | None:
        if self._last is None:
            self._last = now  # a heartbeat that never started counts from the first tick
            return None
        due = self._last + self._after
        if self._active or now < due:
            return None
        self._active = True
        return Verdict(True, None, self._context(), at=due)

    def next_due(self) -> float | None:
        return None if self._active or self._last is None else self._last + self._after

    def _context(self) -> dict[str, object]:
        assert self._last is not None
        return {"last_seen": rfc3339(self._last), "silent_seconds": self._after}


register(
    DetectorType(
        name="absent",
        params=AbsentParams,
        build=lambda p: lambda: AbsentSeries(p),
        clock_driven=True,
        doc="No matching event for `after` (default 5m); fires on the clock.",
    )
)
