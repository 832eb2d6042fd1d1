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

A rule that groups by one label and may take the quiet lane is filed in a
:class:`~alertd.detect._resting.RestingMap` where that compiled module was built (at
install, with a C++ compiler): its fresh series at rest are slots of a C++ map, not
Python detectors, until Python code asks for one. ``ALERTD_NATIVE_SERIES=0`` turns it
off, and with it the compiled quiet lane (alertd/detect/_lane.pyx), which works on
these maps; without the module every rule is filed in a dict.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from alertd.detect.detectors.base import SeriesDetector, SeriesFactory

try:
    from alertd.detect._resting import RestingMap
except ImportError:  # not built: no C++ compiler at install (pyproject.toml, ext-modules)
    NATIVE_BUILT = False
else:
    NATIVE_BUILT = True
    MutableMapping.register(RestingMap)

NATIVE_SERIES = NATIVE_BUILT and os.environ.get("ALERTD_NATIVE_SERIES", "1") != "0"
"""Whether engines file resting series natively unless told otherwise."""

SeriesKey = tuple[str, tuple[str, ...]]
"""(rule name, group label values)."""

GroupKey = str | tuple[str, ...]
"""A series within its rule: the one group value, or the tuple of them (0 or 2+)."""

RuleSeries = MutableMapping[GroupKey, "SeriesDetector"]
"""The series of one rule, by :func:`group_key`: a dict, or a RestingMap."""


def group_key(group: tuple[str, ...]) -> GroupKey:
    """How a rule's dict files ``group``: one value alone, any other count as the tuple."""
    return group[0] if len(group) == 1 else group


def _group(key: GroupKey) -> tuple[str, ...]:
    return (key,) if isinstance(key, str) else key


class SeriesTable:
    """The series of a fixed set of rules, addressed by :data:`SeriesKey`."""

    __slots__ = ("_by_rule", "native")

    def __init__(
        self,
        rules: Iterable[str],
        resting: Mapping[str, SeriesFactory] | None = None,
        native: bool | None = None,
    ) -> None:
        """``resting``: rules grouped by one label that may take the quiet lane, with
        the factory of their series; filed natively when ``native`` (default
        :data:`NATIVE_SERIES`; True where the module is not built still files dicts)."""
        # One mapping per rule for the engine's life: the lane's plans keep references.
        self._by_rule: dict[str, RuleSeries] = {name: {} for name in rules}
        self.native = NATIVE_BUILT and (NATIVE_SERIES if native is None else native)
        """Whether resting series are filed in compiled maps."""
        if self.native:
            for name, factory in (resting or {}).items():
                self._by_rule[name] = RestingMap(factory)

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
        # by key alone: a resting slot is not built into a detector to be listed
        return ((name, _group(key)) for name, series in self._by_rule.items() for key in series)

    def take(
        self, old: SeriesTable, rules: Iterable[str]
    ) -> list[tuple[SeriesKey, SeriesDetector]]:
        """Move the series of ``rules`` from ``old`` here; returns each one that has a
        detector. Resting slots move between compiled maps without being built."""
        moved: list[tuple[SeriesKey, SeriesDetector]] = []
        for name in rules:
            mine, theirs = self._by_rule[name], old._by_rule.get(name)
            if theirs is None:
                continue
            if isinstance(mine, dict) or isinstance(theirs, dict):
                for key, series in list(theirs.items()):
                    mine[key] = series
                    moved.append(((name, _group(key)), series))
            else:
                built = cast("RestingMap", mine).take(cast("RestingMap", theirs))
                moved.extend(((name, (key,)), mine[key]) for key in built)
        return moved

    def idle_since(self, cutoff: float) -> list[SeriesKey]:
        """The series last seen before ``cutoff`` (expiry reads every series: no keys
        are built for the ones that stay, and no resting slot is built)."""
        stale: list[SeriesKey] = []
        for name, series in self._by_rule.items():
            if isinstance(series, dict):
                stale.extend((name, _group(k)) for k, s in series.items() if s.last_seen < cutoff)
            else:
                resting = cast("RestingMap", series)
                stale.extend((name, (key,)) for key in resting.idle_since(cutoff))
        return stale

    def items(self) -> Iterator[tuple[SeriesKey, SeriesDetector]]:
        for name, series in self._by_rule.items():
            for key, detector in series.items():
                yield (name, _group(key)), detector
