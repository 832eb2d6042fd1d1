"""The engine's live series, filed by rule.

Every consumed event looks up the series it feeds. With one flat table keyed by
``(rule name, group values)``, each lookup built two tuples, hashed them, and compared
them against the stored key, which lies in memory of its own: with 100k series, that
was most of the quiet lane's time (bench/RESULTS.md, seventh pass). Filed by rule, the
lookup is one small dict keyed by the group's value as the event carries it: a plain
string for a rule that groups by one label (the common case), the tuple of values for
any other.

Outside, a key is still a :data:`SeriesKey`; only the quiet lane reads a rule's dict
itself (:meth:`SeriesTable.of_rule`), to skip the tuples on its hot path.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alertd.detect.detectors.base import SeriesDetector

SeriesKey = tuple[str, tuple[str, ...]]
"""(rule name, group label values)."""

GroupKey = str | tuple[str, ...]
"""A series within its rule: the one group value, or the tuple of them (0 or 2+)."""

RuleSeries = dict[GroupKey, "SeriesDetector"]
"""The series of one rule, by :func:`group_key`."""


def group_key(group: tuple[str, ...]) -> GroupKey:
    """How a rule's dict files ``group``: one value alone, any other count as the tuple."""
    return group[0] if len(group) == 1 else group


def _group(key: GroupKey) -> tuple[str, ...]:
    return (key,) if isinstance(key, str) else key


class SeriesTable:
    """The series of a fixed set of rules, addressed by :data:`SeriesKey`."""

    __slots__ = ("_by_rule",)

    def __init__(self, rules: Iterable[str]) -> None:
        # One dict per rule for the engine's life: the lane's plans keep references.
        self._by_rule: dict[str, RuleSeries] = {name: {} for name in rules}

    def of_rule(self, name: str) -> RuleSeries:
        """The dict of ``name``'s series (the quiet lane reads and fills it directly)."""
        return self._by_rule[name]

    def get(self, key: SeriesKey) -> SeriesDetector | None:
        found = self._by_rule.get(key[0])
        return None if found is None else found.get(group_key(key[1]))

    def __getitem__(self, key: SeriesKey) -> SeriesDetector:
        return self._by_rule[key[0]][group_key(key[1])]

    def __setitem__(self, key: SeriesKey, series: SeriesDetector) -> None:
        """File a series; KeyError for a rule this table was not made for."""
        self._by_rule[key[0]][group_key(key[1])] = series

    def __delitem__(self, key: SeriesKey) -> None:
        del self._by_rule[key[0]][group_key(key[1])]

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, tuple) or len(key) != 2:
            return False
        found = self._by_rule.get(key[0])
        return found is not None and group_key(key[1]) in found

    def __len__(self) -> int:
        return sum(map(len, self._by_rule.values()))

    def __iter__(self) -> Iterator[SeriesKey]:
        return (key for key, _ in self.items())

    def idle_since(self, cutoff: float) -> list[SeriesKey]:
        """The series last seen before ``cutoff`` (expiry reads every series: no keys
        are built for the ones that stay)."""
        return [
            (name, _group(key))
            for name, series in self._by_rule.items()
            for key, detector in series.items()
            if detector.last_seen < cutoff
        ]

    def items(self) -> Iterator[tuple[SeriesKey, SeriesDetector]]:
        for name, series in self._by_rule.items():
            for key, detector in series.items():
                yield (name, _group(key)), detector
