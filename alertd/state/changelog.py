"""A compacted changelog topic, co-partitioned with the input.

State for input partition ``p`` lives in changelog partition ``p``: the owner of an
input partition writes it and, after a rebalance, the new owner reads it back. Only
changed keys are written; a deleted key is a tombstone (value ``None``), which
compaction eventually removes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.producer.message_accumulator import BatchBuilder

log = structlog.get_logger(__name__)

Record = tuple[bytes, bytes | None]

PRODUCER_OPTIONS: dict[str, object] = {"acks": "all", "max_batch_size": 256 * 1024}
"""Settings for the producer that writes the changelog. ``acks=all``: a flush is done
only when the broker has the records for good. One flush of a busy partition is tens
of kilobytes; with aiokafka's 16 KiB default it is cut into several batches, and the
producer has one request in flight per broker, so each extra batch is a round trip."""


class Changelog:
    def __init__(
        self,
        producer: AIOKafkaProducer,
        topic: str,
        bootstrap_servers: str,
        client_options: dict[str, object] | None = None,
    ) -> None:
        self.topic = topic
        self._producer = producer
        self._bootstrap = bootstrap_servers
        self._client_options = client_options or {}

    async def write(self, partition: int, records: Iterable[Record]) -> int:
        """Send records in order and wait until the broker has them all.

        Records go into producer batches built here, one future per batch instead of
        one ``send`` (and one future) per record: per-record producer overhead was
        the largest cost of a flush. Batches of one partition reach the broker in the
        order they were queued, so the applied offset, written last, still lands last.
        """
        futures: list[asyncio.Future[object]] = []
        batch = self._producer.create_batch()
        count = 0
        for key, value in records:
            if batch.append(key=key, value=value, timestamp=None) is None:
                futures.append(await self._send(batch, partition))
                batch = self._producer.create_batch()
                batch.append(key=key, value=value, timestamp=None)  # an empty batch takes any
            count += 1
        if batch.record_count():
            futures.append(await self._send(batch, partition))
        if futures:
            await asyncio.gather(*futures)
        return count

    async def _send(self, batch: BatchBuilder, partition: int) -> asyncio.Future[object]:
        future: asyncio.Future[object] = await self._producer.send_batch(
            batch, self.topic, partition=partition
        )
        return future

    async def read(self, partition: int) -> dict[bytes, bytes]:
        """Latest value per key in ``partition`` (tombstoned keys left out)."""
        tp = TopicPartition(self.topic, partition)
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            **self._client_options,
        )
        await consumer.start()
        state: dict[bytes, bytes] = {}
        try:
            consumer.assign([tp])
            await consumer.seek_to_beginning(tp)
            end = (await consumer.end_offsets([tp]))[tp]
            while await consumer.position(tp) < end:
                batch = await consumer.getmany(tp, timeout_ms=500, max_records=10_000)
                for record in batch.get(tp, []):
                    if record.key is None:
                        continue
                    if record.value is None:
                        state.pop(record.key, None)
                    else:
                        state[record.key] = record.value
        finally:
            await consumer.stop()
        log.info("changelog_restored", topic=self.topic, partition=partition, keys=len(state))
        return state
