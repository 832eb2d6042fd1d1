"""Flap detection: an alert that starts firing too often is marked flapping.

Each new firing episode of a series is remembered (at most ``max_starts`` instants per
series, so memory is bounded). When ``max_starts`` episodes started within ``window``
of event time, the series is flapping: its transitions carry ``flapping=True`` so
notification can hold them instead of re-sending a page per flip. It stops flapping
once fewer episodes than that started within the window.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass

from alertd.detect.changes import change_set, drain


@dataclass(frozen=True, slots=True)
class FlapPolicy:
    window: float = 3600.0
    max_starts: int = 4


class FlapDetector:
    def __init__(self, policy: FlapPolicy | None = None, track_changes: bool = True) -> None:
        self.policy = policy or FlapPolicy()
        self._starts: dict[Hashable, deque[float]] = {}
        self._dirty: set[Hashable] = change_set(track_changes)
        """Series whose start history changed since :meth:`drain_dirty` (alertd/state)."""

    def started(self, key: Hashable, at: float) -> bool:
        """Record a firing start; True when the series is now flapping."""
        starts = self._starts.get(key)
        if starts is None:
            starts = self._starts[key] = deque(maxlen=self.policy.max_starts)
        starts.append(at)
        self._dirty.add(key)
        self._prune(at)
        return self.flapping(key, at)

    def flapping(self, key: Hashable, at: float) -> bool:
        starts = self._starts.get(key)
        if starts is None or len(starts) < self.policy.max_starts:
            return False
        return at - starts[0] <= self.policy.window

    def _prune(self, now: float) -> None:
        """Forget series whose last start left the window (keeps memory bounded)."""
        if len(self._starts) < 1024:
            return
        horizon = now - self.policy.window
        for key in [k for k, s in self._starts.items() if s[-1] < horizon]:
            del self._starts[key]
            self._dirty.add(key)

    def drain_dirty(self) -> list[tuple[Hashable, list[float] | None]]:
        """Start histories changed since the last call (None: forgotten)."""
        dirty = drain(self._dirty)
        return [(key, list(s) if (s := self._starts.get(key)) else None) for key in dirty]

    def install(self, key: Hashable, starts: list[float]) -> None:
        """Put back a start history restored from the changelog."""
        self._starts[key] = deque(starts[-self.policy.max_starts :], maxlen=self.policy.max_starts)
