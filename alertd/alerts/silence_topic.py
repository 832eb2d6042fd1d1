"""Silences persisted in a compacted Kafka topic, keyed by silence id.

Every change (create, expire) is written before it takes effect; on start the topic
is read from the beginning to its end and the newest record per id wins, which is
exactly what compaction keeps. The broker is always there, so no local files.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from alertd.alerts.silences import Silence, Silences

log = structlog.get_logger(__name__)
RESTORE_TIMEOUT = 30.0


class SilenceTopic:
    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self._producer = producer
        self.topic = topic

    async def save(self, silence: Silence) -> None:
        value = json.dumps(silence.to_record(), sort_keys=True).encode()
        await self._producer.send_and_wait(self.topic, value, key=silence.id.encode())

    async def restore(
        self,
        bootstrap_servers: str,
        silences: Silences,
        client_options: Mapping[str, Any] | None = None,
    ) -> int:
        """Load every silence in the topic; returns how many records were read."""
        consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            enable_auto_commit=False,
            **dict(client_options or {}),
        )
        await consumer.start()
        count = 0
        try:
            await consumer.topics()  # fetches metadata, so partitions are known
            partitions = consumer.partitions_for_topic(self.topic) or set()
            tps = [TopicPartition(self.topic, p) for p in sorted(partitions)]
            if not tps:
                return 0
            consumer.assign(tps)
            await consumer.seek_to_beginning(*tps)
            ends = await consumer.end_offsets(tps)
            remaining = {tp for tp in tps if ends[tp] > 0}
            deadline = time.monotonic() + RESTORE_TIMEOUT
            while remaining and time.monotonic() < deadline:
                batch = await consumer.getmany(*remaining, timeout_ms=500)
                for records in batch.values():
                    for record in records:
                        count += 1
                        self._load(record.value, silences)
                for tp in list(remaining):
                    # position, not the last offset seen: compaction leaves gaps
                    if await consumer.position(tp) >= ends[tp]:
                        remaining.discard(tp)
        finally:
            await consumer.stop()
        log.info("silences_restored", topic=self.topic, records=count)
        return count

    @staticmethod
    def _load(value: bytes | None, silences: Silences) -> None:
        if value is None:
            return
        try:
            silences.restore(Silence.from_record(json.loads(value)))
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("silence_record_skipped", error=str(exc))


async def attach_silence_topic(
    silences: Silences,
    producer: AIOKafkaProducer,
    bootstrap_servers: str,
    topic: str,
    client_options: Mapping[str, Any] | None = None,
) -> None:
    """Create the compacted topic if needed, load what it holds, persist from now on."""
    from alertd.ingest.topics import ensure_topics

    options = dict(client_options or {})
    await ensure_topics(bootstrap_servers, [topic], 1, compacted=[topic], client_options=options)
    store = SilenceTopic(producer, topic)
    await store.restore(bootstrap_servers, silences, options)
    silences.set_sink(store)
