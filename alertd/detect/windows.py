"""Sliding windows of fixed memory: time buckets keyed by event time.

An exact sliding window keeps every point, so memory grows with traffic. A window
split into ``resolution`` buckets keeps at most ``resolution + 1`` small records per
series whatever the rate, at the cost of an edge granularity of ``window/resolution``.
Buckets are keyed by event time, so out-of-order points land where they belong and
the totals are the same whatever order the points arrived in (as long as they are
still inside the window).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(slots=True)
class Totals:
    """Sums over some span of time."""

    count: float = 0.0
    total: float = 0.0
    extra: float = 0.0
    """A second sum, e.g. the denominator of a ratio."""

    def add(self, other: Totals) -> None:
        self.count += other.count
        self.total += other.total
        self.extra += other.extra

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None


class BucketWindow:
    """Sums of points over the last ``window`` seconds of event time."""

    __slots__ = (
        "_buckets",
        "_first",
        "_latest",
        "_oldest",
        "_sum",
        "_top",
        "resolution",
        "width",
        "window",
    )

    def __init__(self, window: float, resolution: int = 60) -> None:
        self.window = window
        self.resolution = max(1, resolution)
        self.width = window / self.resolution
        self._buckets: dict[int, Totals] = {}
        self._latest = -math.inf
        self._first = math.inf
        self._top: int | None = None
        self._oldest: int | None = None
        self._sum = Totals()

    @property
    def latest(self) -> float:
        """Highest event time seen (the window's own clock)."""
        return self._latest

    def add(self, t: float, total: float = 0.0, extra: float = 0.0, count: float = 1.0) -> bool:
        """Add a point; False if it is older than the window and was dropped."""
        key = self._key(t)
        if self._top is not None and key <= self._top - self.resolution:
            return False
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = Totals()
            if self._oldest is None or key < self._oldest:
                self._oldest = key
        point = Totals(count, total, extra)
        bucket.add(point)
        self._sum.add(point)
        self._first = min(self._first, t)
        self.advance(t)
        return True

    def advance(self, now: float) -> None:
        """Move the window's clock without a point (drains old buckets)."""
        if now <= self._latest:
            return
        self._latest = now
        key = self._key(now)
        if self._top is not None and key == self._top:
            return
        self._top = key
        low = key - self.resolution
        if self._oldest is None or self._oldest > low:
            return
        if low - self._oldest < len(self._buckets):
            stale = [k for k in range(self._oldest, low + 1) if k in self._buckets]
        else:  # after a long gap: fewer buckets than skipped keys
            stale = [k for k in self._buckets if k <= low]
        for k in stale:
            gone = self._buckets.pop(k)
            self._sum.count -= gone.count
            self._sum.total -= gone.total
            self._sum.extra -= gone.extra
        if self._buckets:
            self._oldest = min(self._buckets)
        else:  # exact zero: no float residue from the subtractions
            self._oldest, self._sum = None, Totals()

    def totals(self) -> Totals:
        """Sums of the points inside the window ending at the latest time seen."""
        return Totals(self._sum.count, self._sum.total, self._sum.extra)

    def covered(self) -> float:
        """How much of the window has history behind it (seconds, up to ``window``)."""
        if self._first == math.inf:
            return 0.0
        return min(self.window, self._latest - self._first)

    def drains_at(self) -> float | None:
        """Event time at which the oldest bucket leaves the window (None when empty)."""
        if self._oldest is None:
            return None
        return (self._oldest + self.resolution) * self.width

    def _key(self, t: float) -> int:
        # the epsilon keeps a drain instant computed as key * width inside its own bucket
        return math.floor(t / self.width + 1e-9)
