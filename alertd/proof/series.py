"""Recent values of the series rules watch, so a report can draw the signal.

A report charts an incident's signal: the rule's ``match.name`` narrowed to the
alert's ``group_by`` labels. So a point is filed under its name and the values of the
labels the rules on that name group by, not under every label it carries: that is the
series a chart asks for, and it costs one small tuple per event instead of one per
label.

Bounded in both directions (series count and points per series; at most about 50 MB
with the defaults): the daemon keeps only what a timeline chart needs, never the
whole stream. Which series it keeps matters once there are more than it can hold: the
first ones seen take the free room, and a series that starts alerting takes the place
of one that is not (the oldest), so an incident is charted from the moment it
started at the latest, however many series there are.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence

from alertd.alerts.model import AlertState, Transition
from alertd.config.rules import RuleSpec
from alertd.ingest.event import Event

SeriesKey = tuple[str, tuple[str, ...]]
"""(event name, values of the name's chart labels in order)."""

Member = str | tuple[str, ...]
"""A kept series among its name's: the one chart label's value, or the tuple of them."""

_ALERTING = (AlertState.PENDING, AlertState.FIRING)


class SeriesBuffer:
    def __init__(
        self, rules: Iterable[RuleSpec] = (), max_series: int = 500, max_points: int = 1440
    ) -> None:
        self._max_series = max_series
        self._max_points = max_points
        self._chart_labels: dict[str, tuple[str, ...]] = {}
        """Watched event name -> the labels its rules group by (sorted)."""
        self._names: dict[str, str] = {}
        """Rule -> the event name it matches on."""
        self._series: dict[SeriesKey, deque[tuple[float, float]]] = {}
        self._alerting: dict[SeriesKey, None] = {}
        """Kept series that alerted, least recently first: the last to give up their place."""
        self._kept: dict[str, tuple[tuple[str, ...], set[Member]]] = {}
        """Names with a kept series: their chart labels, and the members (:func:`_member`)
        of their kept series. Once the buffer is full, no other series can gain a point,
        so an event of another series costs a lookup, and no key is built for it."""
        self.watch(rules)

    def watch(self, rules: Iterable[RuleSpec]) -> None:
        """Chart the series these rules match on (a config reload calls it again).

        Series of names no longer watched, or now grouped by other labels, are dropped.
        """
        labels: dict[str, set[str]] = {}
        self._names = {}
        for rule in rules:
            if rule.match.name:
                labels.setdefault(rule.match.name, set()).update(rule.group_by)
                self._names[rule.name] = rule.match.name
        new = {name: tuple(sorted(group)) for name, group in labels.items()}
        same = {name for name, group in new.items() if self._chart_labels.get(name) == group}
        self._chart_labels = new
        self._series = {k: v for k, v in self._series.items() if k[0] in same}
        self._alerting = {k: None for k in self._alerting if k in self._series}
        self._kept = {}
        for key in self._series:
            self._keep(key)

    def observe(self, event: Event) -> None:
        self.observe_many((event,))

    def observe_many(self, events: Sequence[Event]) -> list[Event]:
        """Buffer the points of watched series; return the tickets among ``events``.

        Hot path (every consumed event), hence one loop for both jobs. Once the buffer
        is full, only a kept series can gain a point, so the loop looks events up
        among those (:func:`observe_kept`).
        """
        if len(self._series) >= self._max_series:
            return observe_kept(events, self._kept, self._series)
        tickets: list[Event] = []
        series, names = self._series, self._chart_labels
        for event in events:
            if event.kind == "ticket":
                tickets.append(event)
                continue
            group = names.get(event.name)
            value = event.value
            if group is None or value is None:
                continue
            key = (event.name, tuple([event.labels.get(label, "") for label in group]))
            points = series.get(key)
            if points is None:
                if len(series) >= self._max_series:
                    continue
                points = series[key] = deque(maxlen=self._max_points)
                self._keep(key)
            points.append((event.time, value))
        return tickets

    def alerting(self, transition: Transition) -> None:
        """Keep the series of a pending or firing alert, in place of another if full."""
        name = self._names.get(transition.rule)
        if transition.state not in _ALERTING or name is None or self._max_series < 1:
            return
        group = self._chart_labels[name]
        if any(label not in transition.labels for label in group):
            return  # grouped by fewer labels than the name's chart: no one series
        key = (name, tuple(transition.labels[label] for label in group))
        if key not in self._series:
            if len(self._series) >= self._max_series:
                self._drop(self._give_way())
            points = self._series[key] = deque(maxlen=self._max_points)
            if transition.value is not None:  # the point that crossed came before this
                points.append((transition.at, transition.value))
            self._keep(key)
        self._alerting.pop(key, None)
        self._alerting[key] = None

    def _give_way(self) -> SeriesKey:
        """The series to drop for an alerting one: the oldest that never alerted, or
        else the one that alerted longest ago."""
        never = next((k for k in self._series if k not in self._alerting), None)
        return never if never is not None else next(iter(self._alerting))

    def _keep(self, key: SeriesKey) -> None:
        name, values = key
        group = self._chart_labels[name]
        self._kept.setdefault(name, (group, set()))[1].add(_member(values))

    def _drop(self, key: SeriesKey) -> None:
        del self._series[key]
        self._alerting.pop(key, None)
        name, values = key
        members = self._kept[name][1]
        members.discard(_member(values))
        if not members:
            del self._kept[name]

    def points(
        self, name: str, labels: Mapping[str, str], start: float, end: float
    ) -> list[tuple[float, float]]:
        """Points in [start, end] of the first series named ``name`` carrying ``labels``."""
        group = self._chart_labels.get(name, ())
        wanted = labels.items()
        for (series_name, values), points in self._series.items():
            if series_name == name and wanted <= dict(zip(group, values, strict=True)).items():
                return [(t, v) for t, v in points if start <= t <= end]
        return []


def _member(values: tuple[str, ...]) -> Member:
    return values[0] if len(values) == 1 else values


def observe_kept(
    events: Sequence[Event],
    kept: dict[str, tuple[tuple[str, ...], set[Member]]],
    series: dict[SeriesKey, deque[tuple[float, float]]],
) -> list[Event]:
    """A full buffer's loop: only a kept series gains a point, and an event of any
    other costs a lookup. (Compiled, it took half the time, a fiftieth of alertd's
    per event: not worth a module; bench/RESULTS.md, ninth pass.)"""
    tickets: list[Event] = []
    for event in events:
        if event.kind == "ticket":
            tickets.append(event)
            continue
        found = kept.get(event.name)
        value = event.value
        if found is None or value is None:
            continue
        group, members = found
        labels = event.labels
        if len(group) == 1:
            one = labels.get(group[0], "")
            if one in members:
                series[(event.name, (one,))].append((event.time, value))
        else:
            values = tuple([labels.get(label, "") for label in group])
            if values in members:
                series[(event.name, values)].append((event.time, value))
    return tickets
