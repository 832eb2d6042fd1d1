"""The detection engine: events in, per-series verdicts out.

One engine holds the series of one input partition. It is pure: no I/O and no wall
clock, so feeding it the same events always yields the same observations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from alertd.detect.detectors.base import SeriesDetector, Verdict
from alertd.detect.index import RuleIndex
from alertd.detect.rule import CompiledRule
from alertd.ingest.event import Event

SeriesKey = tuple[str, tuple[str, ...]]
"""(rule name, group label values)."""


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
    def __init__(self, rules: Iterable[CompiledRule]) -> None:
        self.rules = {rule.name: rule for rule in rules}
        self._index = RuleIndex(self.rules.values())
        self._series: dict[SeriesKey, SeriesDetector] = {}
        self._clocked: dict[SeriesKey, SeriesDetector] = {}

    @property
    def series_count(self) -> int:
        return len(self._series)

    def process(self, event: Event) -> list[Observation]:
        observations = []
        for rule in self._index.rules_for(event):
            group = rule.group_labels(event.labels)
            series = self._series_for(rule, group)
            verdict = series.observe(event.time, event.value)
            if verdict is not None:
                observations.append(Observation(rule, group, event.time, verdict))
        return observations

    def tick(self, now: float) -> list[Observation]:
        """Let clock-driven detectors speak for quiet series."""
        observations = []
        for (name, group), series in self._clocked.items():
            verdict = series.tick(now)
            if verdict is not None:
                observations.append(Observation(self.rules[name], group, now, verdict))
        return observations

    def _series_for(self, rule: CompiledRule, group: tuple[str, ...]) -> SeriesDetector:
        key = (rule.name, group)
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = rule.new_series()
            if rule.clock_driven:
                self._clocked[key] = series
        return series
