"""Find the rules an event feeds without scanning every rule.

Rules whose match names an exact ``kind`` and ``name`` sit in a hash index; only rules
with a glob name or no name are scanned for each event.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from alertd.detect.rule import CompiledRule
from alertd.ingest.event import Event

_GLOB = frozenset("*?[")


class RuleIndex:
    def __init__(self, rules: Iterable[CompiledRule]) -> None:
        self._by_name: dict[str, list[CompiledRule]] = defaultdict(list)
        self._scan: list[CompiledRule] = []
        for rule in rules:
            name = rule.spec.match.name
            if name is not None and not (_GLOB & set(name)):
                self._by_name[name].append(rule)
            else:
                self._scan.append(rule)

    def rules_for(self, event: Event) -> list[CompiledRule]:
        candidates = self._by_name.get(event.name, ())
        hits = [r for r in candidates if r.accepts(event)]
        if self._scan:
            hits.extend(r for r in self._scan if r.accepts(event))
        return hits
