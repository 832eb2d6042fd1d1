"""Follow a whole compacted topic in every process: shared tables (silences, windows).

Each process of a consumer group handles a share of the input partitions, but a
silence or a maintenance window declared on any of them must hold on all. So every
process reads such a topic whole (no consumer group), from the beginning to its end
before it starts work, and then keeps following it: a record written through one
process reaches the others within a poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError

log = structlog.get_logger(__name__)
Apply = Callable[[bytes | None, bytes | None], object]
"""Called with each record's key and value (None: a tombstone), in topic order."""
CATCH_UP_TIMEOUT = 30.0


class CompactedTopic:
    def __init__(
        self,
        bootstrap_servers: str,
        topic: str,
        apply: Apply,
        client_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.topic = topic
        self.records = 0
        self._apply = apply
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            **dict(client_options or {}),
        )
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> int:
        """Read the topic to its end (what exists now applies before work starts), then
        follow it in the background. Returns the number of records read."""
        await self._consumer.start()
        await self._consumer.topics()  # fetches metadata, so partitions are known
        partitions = self._consumer.partitions_for_topic(self.topic) or set()
        tps = [TopicPartition(self.topic, p) for p in sorted(partitions)]
        if tps:
            self._consumer.assign(tps)
            await self._consumer.seek_to_beginning(*tps)
            await self._catch_up(tps)
        read = self.records
        self._task = asyncio.create_task(self._follow(), name=f"follow-{self.topic}")
        return read

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._consumer.stop()

    async def _catch_up(self, tps: list[TopicPartition]) -> None:
        ends = await self._consumer.end_offsets(tps)
        remaining = {tp for tp in tps if ends[tp] > 0}
        deadline = time.monotonic() + CATCH_UP_TIMEOUT
        while remaining and time.monotonic() < deadline:
            await self._poll(remaining)
            for tp in list(remaining):
                # position, not the last offset seen: compaction leaves gaps
                if await self._consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
        if remaining:
            log.warning("compacted_topic_partly_read", topic=self.topic)

    async def _follow(self) -> None:
        while True:
            try:
                await self._poll(self._consumer.assignment())
            except KafkaError as exc:
                log.warning("compacted_topic_fetch_failed", topic=self.topic, error=str(exc))
                await asyncio.sleep(1.0)

    async def _poll(self, tps: Any) -> None:
        if not tps:
            await asyncio.sleep(0.5)
            return
        batch = await self._consumer.getmany(*tps, timeout_ms=500)
        for records in batch.values():
            for record in records:
                self.records += 1
                try:
                    self._apply(record.key, record.value)
                except Exception:  # one bad record must not stop the table from updating
                    log.exception("compacted_record_failed", topic=self.topic)


class JsonRecords:
    """Writes one JSON record per key to a compacted topic and waits for the broker:
    a change is stored before it takes effect (the newest record per key wins)."""

    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self._producer = producer
        self.topic = topic

    async def put(self, key: str, record: Mapping[str, Any]) -> None:
        value = json.dumps(record, sort_keys=True).encode()
        await self._producer.send_and_wait(self.topic, value, key=key.encode())
