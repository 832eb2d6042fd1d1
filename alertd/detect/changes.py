"""Which series changed since the state changelog last looked, or nothing at all.

The daemon drains these sets at every changelog flush. Offline drivers (``alertd
backtest``, ``alertd test``, report replays) have no changelog and never drain them,
so there they must not record anything: over a long file with churning labels they
would hold every key ever seen.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

K = TypeVar("K")


class Unrecorded(set[Any]):
    """A set that stays empty: change tracking is off."""

    def add(self, item: Any) -> None:
        return None

    def update(self, *others: Iterable[Any]) -> None:
        return None


def change_set(track: bool) -> set[Any]:
    """A set for changed keys, or one that records nothing when ``track`` is off."""
    return set() if track else Unrecorded()


def drain(changes: set[K]) -> set[K]:
    """The keys recorded so far; ``changes`` is empty afterwards (and keeps its kind)."""
    drained = set(changes)
    changes.clear()
    return drained
