"""Recent values of the series rules watch, so a report can draw the signal.

Bounded in both directions (series count and points per series; at most about 50 MB
with the defaults): the daemon keeps only what a timeline chart needs, never the
whole stream. Series beyond the limit are simply not charted.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Mapping, Sequence

from alertd.ingest.event import Event

SeriesKey = tuple[str, tuple[tuple[str, str], ...]]


class SeriesBuffer:
    def __init__(
        self, names: Collection[str] = (), max_series: int = 500, max_points: int = 1440
    ) -> None:
        self.names = set(names)
        """Event names worth keeping (the rules' ``match.name``); empty keeps none."""
        self._max_series = max_series
        self._max_points = max_points
        self._series: dict[SeriesKey, deque[tuple[float, float]]] = {}
        self._kept_names: set[str] = set()
        """Names with a kept series: once the buffer is full, no other name can gain one."""

    def observe(self, event: Event) -> None:
        self.observe_many((event,))

    def observe_many(self, events: Sequence[Event]) -> list[Event]:
        """Buffer the points of watched series; return the tickets among ``events``.

        Hot path (every consumed event), hence one loop for both jobs. Labels are keyed
        in the order they arrived: one producer writes them the same way every time.
        """
        tickets: list[Event] = []
        names, series, kept = self.names, self._series, self._kept_names
        for event in events:
            if event.kind == "ticket":
                tickets.append(event)
            elif event.value is not None and event.name in names:
                full = len(series) >= self._max_series
                if full and event.name not in kept:
                    continue
                key = (event.name, tuple(event.labels.items()))
                points = series.get(key)
                if points is None:
                    if full:
                        continue
                    points = series[key] = deque(maxlen=self._max_points)
                    kept.add(event.name)
                points.append((event.time, event.value))
        return tickets

    def points(
        self, name: str, labels: Mapping[str, str], start: float, end: float
    ) -> list[tuple[float, float]]:
        """Points in [start, end] of the first series named ``name`` carrying ``labels``."""
        wanted = set(labels.items())
        for (series_name, series_labels), points in self._series.items():
            if series_name == name and wanted <= set(series_labels):
                return [(t, v) for t, v in points if start <= t <= end]
        return []
