"""Find the rule inputs an event feeds without scanning every rule.

Inputs whose selection names an exact event ``name`` sit in a hash index; only inputs
with a glob name or no name are scanned for each event. A rule with several streams
(ratio's numerator and denominator) has one entry per stream, so one event may feed
both streams of the same rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from alertd.detect.rule import CompiledRule, Stream
from alertd.ingest.event import Event

Input = tuple[CompiledRule, Stream]


class RuleIndex:
    def __init__(self, rules: Iterable[CompiledRule]) -> None:
        self._by_name: dict[str, list[Input]] = defaultdict(list)
        self._scan: list[Input] = []
        for rule in rules:
            for stream in rule.streams:
                name = stream.exact_name
                if name is not None:
                    self._by_name[name].append((rule, stream))
                else:
                    self._scan.append((rule, stream))

    def inputs_for(self, event: Event) -> list[Input]:
        """Every (rule, stream) the event feeds, in rule order."""
        candidates = self._by_name.get(event.name, ())
        hits = [i for i in candidates if i[1].accepts(event)]
        if self._scan:
            hits.extend(i for i in self._scan if i[1].accepts(event))
        return hits

    def rules_for(self, event: Event) -> list[CompiledRule]:
        seen: dict[str, CompiledRule] = {}
        for rule, _ in self.inputs_for(event):
            seen.setdefault(rule.name, rule)
        return list(seen.values())
