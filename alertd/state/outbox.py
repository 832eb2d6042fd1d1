"""The notification outbox and delivery markers, kept in the partitions' changelog.

A notification a batch produced is written with the batch's state, so a crash before
it went out cannot lose it: a restore submits pending entries again. When every
channel has delivered it, the entry is tombstoned, and one marker per delivered
channel rebuilds the dispatcher's delivery log on restore, so a replay does not send
it twice. See docs/guarantees.md for where a duplicate or a loss can still happen.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

import structlog

from alertd.notify.delivery_log import DeliveryLog
from alertd.notify.notification import Notification
from alertd.observe.metrics import Metrics
from alertd.state import keys
from alertd.state.codec import StateCodecError, decode_object, encode_object
from alertd.state.records import decode_number, encode_number
from alertd.state.writer import BufferedWriter

log = structlog.get_logger(__name__)

MARKER_TTL = 24 * 3600.0
"""Seconds a delivery marker is kept. A replay reaches back only to the last persisted
offset (well under a second of input), so markers older than this guard nothing."""


@dataclass(slots=True)
class _Pending:
    """An outbox entry: which channels of the notification are still to deliver."""

    partition: int
    keys: set[str] = field(default_factory=set)


class Outbox:
    """Outbox entries and delivery markers, written through the partitions' buffers."""

    def __init__(self, writer: BufferedWriter, delivery_log: DeliveryLog, metrics: Metrics):
        self._writer = writer
        self._delivery_log = delivery_log
        self._metrics = metrics
        self._pending: dict[str, _Pending] = {}
        self._markers: deque[tuple[float, int, str]] = deque()
        """(written at, partition, delivery key), oldest first, for expiry."""

    def __len__(self) -> int:
        return len(self._pending)

    def partition_of(self, notification_id: str) -> int | None:
        pending = self._pending.get(notification_id)
        return None if pending is None else pending.partition

    def file(
        self, notification: Notification, partition: int, delivery_keys: Sequence[str]
    ) -> bool:
        """Write ``notification`` to ``partition``'s outbox with the channels still to
        deliver; none left tombstones it. False if it was not filed."""
        buffer = self._writer.buffer(partition)
        entry_key = keys.key(keys.OUTBOX, notification.id)
        if not delivery_keys:
            if self._pending.pop(notification.id, None) is not None:
                buffer[entry_key] = None
                self._metrics.outbox.set(len(self._pending))
            return False
        try:
            value = encode_object(notification)
        except TypeError as exc:
            log.warning("outbox_unencodable", notification=notification.id, error=str(exc))
            return False
        pending = self._pending.setdefault(notification.id, _Pending(partition))
        pending.keys.update(delivery_keys)
        self._metrics.outbox.set(len(self._pending))
        buffer[entry_key] = value
        return True

    def delivered(self, notification_id: str, delivery_key: str, partition: int, at: float) -> None:
        """One channel delivered: write its marker, and tombstone the entry when all did."""
        buffer = self._writer.buffer(partition)
        buffer[keys.key(keys.DELIVERED, delivery_key)] = encode_number(at)
        self._markers.append((at, partition, delivery_key))
        pending = self._pending.get(notification_id)
        if pending is not None:
            pending.keys.discard(delivery_key)
            if not pending.keys:
                del self._pending[notification_id]
                buffer[keys.key(keys.OUTBOX, notification_id)] = None
                self._metrics.outbox.set(len(self._pending))

    def expire_markers(self, before: float) -> None:
        """Tombstone the markers written before ``before``."""
        while self._markers and self._markers[0][0] < before:
            _, partition, delivery_key = self._markers.popleft()
            self._writer.buffer(partition)[keys.key(keys.DELIVERED, delivery_key)] = None

    def restore_marker(self, partition: int, delivery_key: str, raw: bytes, now: float) -> None:
        """A marker read back: the delivery log holds the channel as done again."""
        try:
            at = decode_number(raw)
        except StateCodecError:
            at = now  # a marker without a time: keep it for a full TTL
        self._delivery_log.record(delivery_key, at)
        self._markers.append((at, partition, delivery_key))

    @staticmethod
    def restore_entry(raw: bytes) -> Notification | None:
        """An entry read back: the notification to submit again."""
        notification = decode_object(raw)
        return notification if isinstance(notification, Notification) else None

    def restored(self) -> None:
        """Markers of several partitions came back out of order: expiry needs them sorted."""
        self._markers = deque(sorted(self._markers))
