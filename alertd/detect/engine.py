"""The detection engine: events in, per-series verdicts out.

One engine holds the series of one input partition. It is pure: no I/O and no wall
clock, so feeding it the same events always yields the same observations.

Clock-driven series (absent, windows that drain) sit in a heap keyed by the event time
they next need the clock, so ``tick`` costs only the series that are due. Rules fed by
other rules (all_of / any_of) receive the verdicts of their members as they are made.
"""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import cast

from alertd.detect.changes import change_set, drain
from alertd.detect.detectors.base import SeriesDetector, StreamDetector, Verdict
from alertd.detect.index import RuleIndex
from alertd.detect.quiet import QuietLane
from alertd.detect.rule import CompiledRule
from alertd.detect.table import SeriesKey, SeriesTable
from alertd.ingest.event import Event

MEMBER_SEP = "\x1f"
"""Separates rule name and group values in the stream id a composite series receives."""

_MAX_TICKS_PER_SERIES = 64
"""A series can flip at most this often within one tick (guards against a bad detector)."""


@dataclass(frozen=True, slots=True)
class Observation:
    rule: CompiledRule
    group: tuple[str, ...]
    at: float
    verdict: Verdict

    @property
    def key(self) -> SeriesKey:
        return (self.rule.name, self.group)

    @property
    def labels(self) -> Mapping[str, str]:
        return dict(zip(self.rule.group_by, self.group, strict=True))


class Engine:
    def __init__(
        self,
        rules: Iterable[CompiledRule],
        track_changes: bool = True,
        native_series: bool | None = None,
    ) -> None:
        """``native_series``: file resting series in the compiled map where it is built
        (default :data:`alertd.detect.table.NATIVE_SERIES`); False keeps every rule in
        a dict."""
        self.rules = {rule.name: rule for rule in rules}
        self._index = RuleIndex(self.rules.values())
        self._dirty: set[SeriesKey] = change_set(track_changes)
        """Series changed since the last :meth:`drain_dirty` (the state changelog)."""
        self._due: dict[SeriesKey, float] = {}
        self._heap: list[tuple[float, int, SeriesKey]] = []
        self._seq = itertools.count()
        self._dependents: dict[str, list[CompiledRule]] = defaultdict(list)
        for rule in self.rules.values():
            for member in rule.members:
                self._dependents[member].append(rule)
        self.detector_errors = 0
        """Points a detector failed on (its series was reset); exposed for metrics."""
        self._unstarted = [
            r for r in self.rules.values() if r.clock_driven and not r.group_by and not r.members
        ]
        """Clock-driven rules without groups (a global heartbeat) start on the first tick."""
        eligible = frozenset(
            rule.name
            for rule in self.rules.values()
            if rule.rest_range is not None
            and not rule.clock_driven
            and rule.name not in self._dependents
        )
        self._series = SeriesTable(
            self.rules,
            resting={
                name: self.rules[name].new_series
                for name in eligible
                if len(self.rules[name].group_by) == 1
            },
            native=native_series,
        )
        """Every live series; each keeps when it last saw a point (``last_seen``)."""
        self.quiet = QuietLane(self._index, eligible, self._series)
        """Where events that change nothing are applied (alertd/detect/quiet.py)."""

    def take_errors(self) -> int:
        """Points detectors failed on since the last call (for the metric)."""
        errors, self.detector_errors = self.detector_errors, 0
        return errors

    @property
    def series_count(self) -> int:
        return len(self._series)

    def process(self, event: Event) -> list[Observation]:
        observations = []
        for rule, stream in self._index.inputs_for(event):
            group = rule.group_labels(event.labels)
            key = (rule.name, group)
            series = self._series_for(rule, key, event.time)
            try:
                if stream.name is None:
                    verdict = series.observe(event.time, event.value)
                else:
                    multi = cast(StreamDetector, series)
                    verdict = multi.observe_stream(stream.name, event.time, event.value)
            except ArithmeticError:
                # a detector's arithmetic broke on an absurd value: that series starts over
                # rather than the partition's consumer loop dying
                self.detector_errors += 1
                self._series[key] = _fresh(rule, event.time)
                self._dirty.add(key)
                continue
            self._touch(rule, key, event.time)
            if verdict is not None:
                observations.append(Observation(rule, group, _at(verdict, event.time), verdict))
        return self._with_composites(observations)

    def next_due(self) -> float:
        """The earliest event time at which :meth:`tick` may have work (-inf: now)."""
        if self._unstarted:
            return -float("inf")
        return self._heap[0][0] if self._heap else float("inf")

    def tick(self, now: float) -> list[Observation]:
        """Let clock-driven detectors speak for quiet series; sorted by event time."""
        observations = []
        for rule in self._unstarted:
            key: SeriesKey = (rule.name, ())
            if key not in self._series:
                series = self._series_for(rule, key, now)
                series.tick(now)
                self._touch(rule, key, now)
        self._unstarted = []
        while self._heap and self._heap[0][0] <= now:
            due, _, key = heapq.heappop(self._heap)
            if self._due.get(key) != due:
                continue
            del self._due[key]
            self._dirty.add(key)
            rule, series = self.rules[key[0]], self._series[key]
            try:
                for _ in range(_MAX_TICKS_PER_SERIES):
                    verdict = series.tick(now)
                    if verdict is None:
                        break
                    observations.append(Observation(rule, key[1], _at(verdict, now), verdict))
            except ArithmeticError:
                self.detector_errors += 1
                series = self._series[key] = _fresh(rule, series.last_seen)
            self._schedule(key, series)
        observations.sort(key=lambda o: o.at)
        return self._with_composites(observations)

    def expire_idle(self, now: float, ttl: float) -> int:
        """Drop series that saw nothing for ``ttl`` seconds of event time; return how many.

        Keeps memory bounded when label values churn (pods, request ids). A dropped
        series starts fresh if its labels come back.
        """
        cutoff = now - ttl
        stale = self._series.idle_since(cutoff)
        for key in stale:
            del self._series[key]
            self._due.pop(key, None)
            self._dirty.add(key)
        self._compact()
        return len(stale)

    def adopt(self, old: Engine, rules: Iterable[str]) -> None:
        """Take over the series of ``rules`` from ``old`` (config reload keeps state).

        Every series with a detector is marked for the changelog; a resting slot moves
        as it is, never recorded, as it was not before the reload.
        """
        keep = set(rules) & set(self.rules)
        for key, series in self._series.take(old._series, keep):
            self._touch(self.rules[key[0]], key, series.last_seen)

    def drain_dirty(self) -> list[tuple[SeriesKey, SeriesDetector | None, float]]:
        """Series changed since the last call: (key, series or None if dropped, last seen)."""
        out: list[tuple[SeriesKey, SeriesDetector | None, float]] = []
        for key in drain(self._dirty):
            series = self._series.get(key)
            out.append((key, series, _NEVER if series is None else series.last_seen))
        return out

    def series_keys(self) -> set[SeriesKey]:
        return set(self._series)

    def mark_gone(self, keys: Iterable[SeriesKey]) -> None:
        """Report these series at the next :meth:`drain_dirty` (dropped by a reload)."""
        self._dirty.update(k for k in keys if k not in self._series)

    def install(self, key: SeriesKey, series: SeriesDetector, touched: float) -> None:
        """Put back a series restored from the changelog (clock-driven ones rescheduled)."""
        series.last_seen = touched
        self._series[key] = series
        self._touch(self.rules[key[0]], key, touched)
        self._dirty.discard(key)

    def _with_composites(self, observations: list[Observation]) -> list[Observation]:
        """Feed member verdicts to all_of/any_of rules (which may feed others in turn)."""
        if not self._dependents:
            return observations
        i = 0
        while i < len(observations):
            obs = observations[i]
            i += 1
            for rule in self._dependents.get(obs.rule.name, ()):
                group = rule.group_labels(obs.labels)
                key = (rule.name, group)
                series = cast(StreamDetector, self._series_for(rule, key, obs.at))
                member = MEMBER_SEP.join((obs.rule.name, *obs.group))
                value = 1.0 if obs.verdict.active else 0.0
                verdict = series.observe_stream(member, obs.at, value)
                self._touch(rule, key, obs.at)
                if verdict is not None:
                    observations.append(Observation(rule, group, _at(verdict, obs.at), verdict))
        return observations

    def _series_for(self, rule: CompiledRule, key: SeriesKey, at: float) -> SeriesDetector:
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = _fresh(rule, at)
        return series

    def _touch(self, rule: CompiledRule, key: SeriesKey, at: float) -> None:
        self._dirty.add(key)
        series = self._series[key]
        if at > series.last_seen:
            series.last_seen = at
        if rule.clock_driven:
            self._schedule(key, series)

    def _schedule(self, key: SeriesKey, series: SeriesDetector) -> None:
        due = series.next_due()
        if due is None:
            self._due.pop(key, None)
        elif self._due.get(key) != due:
            self._due[key] = due
            heapq.heappush(self._heap, (due, next(self._seq), key))
            self._compact()

    def _compact(self) -> None:
        """Drop superseded heap entries once they outnumber live ones (bounded memory)."""
        if len(self._heap) > 2 * len(self._due) + 64:
            self._heap = [(d, s, k) for d, s, k in self._heap if self._due.get(k) == d]
            heapq.heapify(self._heap)


def _fresh(rule: CompiledRule, at: float) -> SeriesDetector:
    """A new series of ``rule``, seen first at ``at``."""
    series = rule.new_series()
    series.last_seen = at
    return series


_NEVER = -float("inf")


def _at(verdict: Verdict, default: float) -> float:
    return default if verdict.at is None else verdict.at
