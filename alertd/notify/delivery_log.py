"""Which (notification, channel) pairs were delivered, so a replay sends nothing twice.

This in-memory log covers one process lifetime; the state layer persists it to a
changelog topic so it survives restarts.
"""

from __future__ import annotations

from collections import OrderedDict


class DeliveryLog:
    def __init__(self, capacity: int = 200_000) -> None:
        self._delivered: OrderedDict[str, float] = OrderedDict()
        self._capacity = capacity

    def __contains__(self, key: str) -> bool:
        return key in self._delivered

    def record(self, key: str, at: float) -> None:
        self._delivered[key] = at
        self._delivered.move_to_end(key)
        while len(self._delivered) > self._capacity:
            self._delivered.popitem(last=False)

    def __len__(self) -> int:
        return len(self._delivered)
