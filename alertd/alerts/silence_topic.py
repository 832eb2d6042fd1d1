"""Silences persisted in a compacted Kafka topic, keyed by silence id.

Every change (create, expire) is written before it takes effect; on start the topic
is read from the beginning to its end and the newest record per id wins, which is
exactly what compaction keeps. Every process then keeps following the topic, so a
silence created through any process of a group mutes alerts on all of them. The
broker is always there, so no local files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import structlog
from aiokafka import AIOKafkaProducer

from alertd.alerts.silences import Silence, Silences
from alertd.ingest.compacted import CompactedTopic, JsonRecords

log = structlog.get_logger(__name__)


class SilenceTopic:
    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self._records = JsonRecords(producer, topic)

    async def save(self, silence: Silence) -> None:
        await self._records.put(silence.id, silence.to_record())

    @staticmethod
    def load(value: bytes | None, silences: Silences) -> None:
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
) -> CompactedTopic:
    """Create the compacted topic if needed, load what it holds, persist from now on,
    and follow silences other processes of the group write. Stop the result on exit."""
    from alertd.ingest.topics import ensure_topics

    options = dict(client_options or {})
    await ensure_topics(bootstrap_servers, [topic], 1, compacted=[topic], client_options=options)
    follower = CompactedTopic(
        bootstrap_servers, topic, lambda _, value: SilenceTopic.load(value, silences), options
    )
    read = await follower.start()
    log.info("silences_restored", topic=topic, records=read)
    silences.set_sink(SilenceTopic(producer, topic))
    return follower
