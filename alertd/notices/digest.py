"""Per-customer rate limit and digest: many items become one story, not a flood.

A customer gets at most one notice per ``min_gap``. Items arriving in between wait in
the customer's buffer, where items of the same story replace each other (only the
latest state of a story matters). A story the customer was never told about that ends
inside the buffer is dropped whole: telling someone "it broke" and "it is fixed" at
once helps nobody. When the gap has passed, the buffer goes out as one digest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from alertd.notices.journal import NoJournal, NoticeJournal
from alertd.notices.model import NoticeItem


@dataclass
class _Box:
    last_sent: float | None = None
    pending: dict[str, NoticeItem] = field(default_factory=dict)
    told: set[str] = field(default_factory=set)
    """Stories this customer has an open (not yet resolved) notice about."""


class Outbox:
    def __init__(self, min_gap: float, journal: NoticeJournal | None = None) -> None:
        self.min_gap = min_gap
        self.journal: NoticeJournal = journal or NoJournal()
        self._boxes: dict[str, _Box] = {}

    def offer(self, customer_id: str, item: NoticeItem, now: float) -> list[NoticeItem]:
        """Items to send right now (empty when the item was buffered or merged away)."""
        box = self._boxes.setdefault(customer_id, _Box())
        if not box.pending and (box.last_sent is None or now - box.last_sent >= self.min_gap):
            return self._sent(customer_id, box, [item], now)
        previous = box.pending.pop(item.story, None)
        if previous is not None:
            self.journal.unbuffered(customer_id, previous)
        if item.final and item.story not in box.told:
            return []  # never told, already over: say nothing
        if previous is not None and previous.final and not item.final:
            box.told.add(item.story)  # re-opened before the resolution went out: one story
        box.pending[item.story] = item
        self.journal.buffered(customer_id, item)
        return []

    def due(self, now: float) -> list[tuple[str, list[NoticeItem]]]:
        """Buffers whose gap has passed, each flushed as one digest."""
        out: list[tuple[str, list[NoticeItem]]] = []
        for customer_id, box in self._boxes.items():
            if not box.pending:
                continue
            if box.last_sent is not None and now - box.last_sent < self.min_gap:
                continue
            items = sorted(box.pending.values(), key=lambda i: (i.at, i.key))
            box.pending.clear()
            for item in items:
                self.journal.unbuffered(customer_id, item)
            out.append((customer_id, self._sent(customer_id, box, items, now)))
        return out

    def pending(self, customer_id: str) -> list[NoticeItem]:
        box = self._boxes.get(customer_id)
        return list(box.pending.values()) if box else []

    # -- restore (alertd/state) ----------------------------------------------------

    def restore_pending(self, customer_id: str, item: NoticeItem) -> None:
        """Put back an item that waited when the process stopped."""
        box = self._boxes.setdefault(customer_id, _Box())
        current = box.pending.get(item.story)
        if current is None or (current.at, current.key) < (item.at, item.key):
            box.pending[item.story] = item

    def restore_sent(self, customer_id: str, at: float) -> None:
        box = self._boxes.setdefault(customer_id, _Box())
        box.last_sent = at if box.last_sent is None else max(box.last_sent, at)

    def restore_told(self, customer_id: str, stories: Iterable[str]) -> None:
        self._boxes.setdefault(customer_id, _Box()).told.update(stories)

    def forget(self, belongs: Callable[[NoticeItem], bool]) -> None:
        """Drop waiting items another process now owns (it restores and sends them)."""
        for box in self._boxes.values():
            for story in [s for s, item in box.pending.items() if belongs(item)]:
                del box.pending[story]

    def _sent(
        self, customer_id: str, box: _Box, items: list[NoticeItem], now: float
    ) -> list[NoticeItem]:
        box.last_sent = now
        for item in items:
            if item.final:
                box.told.discard(item.story)
            else:
                box.told.add(item.story)
        self.journal.sent(customer_id, now, items)
        return items
