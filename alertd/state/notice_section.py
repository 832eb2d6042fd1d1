"""Customer-notice progress in the changelog of the incident's partition.

What customers were told (and what they were promised next) belongs to the process
that owns the incident's alert: it is written with the partition's other state, so a
restart resumes the confirmation window, promised updates and resolution notices, and
a failover hands them to the new owner. Items waiting in a digest buffer or for quiet
hours are journalled as they move, so they are sent after a crash rather than lost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import structlog

from alertd.notices.model import NoticeItem
from alertd.notices.service import NoticeService
from alertd.state import keys
from alertd.state.notice_records import decode_item, decode_notice, encode_item, encode_notice
from alertd.state.origin import Origin
from alertd.state.records import decode_number, encode_number
from alertd.state.section import Buffer

log = structlog.get_logger(__name__)


class NoticeSection:
    """Writes and restores :class:`~alertd.notices.service.NoticeService` state."""

    kinds = frozenset({keys.NOTICE, keys.DIGEST, keys.SENT, keys.QUIET})

    def __init__(self, service: NoticeService, buffer: Callable[[int], Buffer]) -> None:
        self._service = service
        self._buffer = buffer
        self._written: defaultdict[Origin, dict[bytes, int]] = defaultdict(dict)
        """Hash of the notice record last written, per partition and key."""
        self._settled: set[bytes] = set()
        """Finished notices already written: they do not change any more."""
        self._filed: dict[tuple[str, str, str], Origin] = {}
        """(kind, customer, story) of each waiting item -> the partition it is written in."""
        service.outbox.journal = self
        service.sender.journal = self

    # -- writing ---------------------------------------------------------------

    def collect(self, origin: Origin, buffer: Buffer) -> None:
        written = self._written[origin]
        live: set[bytes] = set()
        for state in self._service.tracker.of(origin):
            key = keys.key(keys.NOTICE, origin[0], state.incident_id)
            live.add(key)
            if key in self._settled:
                continue
            try:
                value = encode_notice(state)
            except TypeError as exc:
                log.warning("notice_not_persisted", incident=state.incident_id, error=str(exc))
                continue
            if written.get(key) != (digest := hash(value)):
                buffer[key] = value
                written[key] = digest
            if state.finished:
                self._settled.add(key)
        for key in [k for k in written if k not in live]:  # pruned from the tracker
            buffer[key] = None
            del written[key]
            self._settled.discard(key)

    def buffered(self, customer_id: str, item: NoticeItem) -> None:
        self._put(keys.DIGEST, customer_id, item, encode_item(item))

    def unbuffered(self, customer_id: str, item: NoticeItem) -> None:
        self._put(keys.DIGEST, customer_id, item, None)

    def deferred(self, customer_id: str, item: NoticeItem) -> None:
        self._put(keys.QUIET, customer_id, item, encode_item(item))

    def undeferred(self, customer_id: str, item: NoticeItem) -> None:
        self._put(keys.QUIET, customer_id, item, None)

    def sent(self, customer_id: str, at: float, items: list[NoticeItem]) -> None:
        origin = self._service.origin_of(items[0]) if items else None
        if origin is not None:
            key = keys.key(keys.SENT, origin[0], customer_id)
            self._buffer(origin[1])[key] = encode_number(at)

    def _put(self, kind: str, customer_id: str, item: NoticeItem, value: bytes | None) -> None:
        filed = (kind, customer_id, item.story)
        if value is None:  # where it was written, even if its incident was pruned since
            origin = self._filed.pop(filed, None) or self._service.origin_of(item)
        else:
            origin = self._service.origin_of(item)
            if origin is not None:
                self._filed[filed] = origin
        if origin is not None:
            key = keys.key(kind, origin[0], customer_id, item.story)
            self._buffer(origin[1])[key] = value

    # -- restoring -------------------------------------------------------------

    def restore(self, origin: Origin, parts: list[Any], raw: bytes) -> None:
        kind = parts[0]
        if kind == keys.NOTICE:
            self._restore_notice(origin, raw)
        elif kind == keys.DIGEST:
            item = decode_item(raw)
            self._filed[(kind, str(parts[2]), item.story)] = origin
            self._service.outbox.restore_pending(str(parts[2]), item)
        elif kind == keys.QUIET:
            item = decode_item(raw)
            self._filed[(kind, str(parts[2]), item.story)] = origin
            self._service.sender.restore_deferred(str(parts[2]), item)
        elif kind == keys.SENT:
            self._service.outbox.restore_sent(str(parts[2]), decode_number(raw))

    def _restore_notice(self, origin: Origin, raw: bytes) -> None:
        state = decode_notice(raw, self._service.directory)
        state.origin = origin
        self._service.restore(state)
        key = keys.key(keys.NOTICE, origin[0], state.incident_id)
        self._written[origin][key] = hash(raw)
        if state.finished:
            self._settled.add(key)

    def drop(self, origin: Origin) -> None:
        self._service.forget(origin)
        for filed in [f for f, o in self._filed.items() if o == origin]:
            del self._filed[filed]
        for key in self._written.pop(origin, {}):
            self._settled.discard(key)
