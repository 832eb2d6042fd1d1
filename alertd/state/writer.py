"""Per-partition write buffers for the changelog, flushed in order with retries.

Records wait in their partition's buffer (a later value for the same key replaces the
earlier one) until :meth:`BufferedWriter.flush` writes them and the broker acks. A
flush that cannot write for :data:`WRITE_GIVE_UP` seconds puts its records back and
raises :class:`StateWriteError`, so the caller does not commit the input offsets.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict

import structlog
from aiokafka.errors import KafkaError

from alertd.state.changelog import Changelog
from alertd.state.section import Buffer

log = structlog.get_logger(__name__)

WRITE_GIVE_UP = 30.0
"""Seconds a changelog write is retried before the batch fails (and is not committed)."""

WRITE_ATTEMPT = 5.0
"""Seconds one write attempt may take (a producer with stale metadata can hang longer)."""


class StateWriteError(RuntimeError):
    """The changelog could not be written: the batch must not be committed."""


class BufferedWriter:
    def __init__(self, changelog: Changelog) -> None:
        self.changelog = changelog
        self._buffers: defaultdict[int, Buffer] = defaultdict(dict)
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    def buffer(self, partition: int) -> Buffer:
        """The partition's pending records, written by the next :meth:`flush`."""
        return self._buffers[partition]

    def partitions(self) -> list[int]:
        """Partitions with a buffer (possibly empty)."""
        return list(self._buffers)

    async def flush(self, partition: int) -> None:
        """Write the partition's buffered records in order and wait for the acks.

        Serialised per partition, so a flush that returns has everything buffered
        before it on the broker (another flush may have written it).
        """
        async with self._locks[partition]:
            records = self._buffers.pop(partition, None)
            if not records:
                return
            deadline = time.monotonic() + WRITE_GIVE_UP
            delay = 0.1
            while True:
                try:
                    async with asyncio.timeout(WRITE_ATTEMPT):
                        await self.changelog.write(partition, list(records.items()))
                    return
                except (KafkaError, TimeoutError) as exc:
                    if time.monotonic() > deadline:
                        self._requeue(partition, records)
                        raise StateWriteError(
                            f"changelog {self.changelog.topic} partition {partition} not "
                            f"writable: {exc}; check the broker"
                        ) from exc
                    log.warning("changelog_write_failed", partition=partition, error=repr(exc))
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 2.0)

    def _requeue(self, partition: int, records: Buffer) -> None:
        """Put unwritten records back before anything buffered since (newer wins)."""
        newer = self._buffers.pop(partition, {})
        merged = dict(records)
        for key, value in newer.items():
            merged.pop(key, None)
            merged[key] = value
        self._buffers[partition] = merged
