"""The dead-letter topic: a bad record is kept with its reason, never dropped.

The DLQ record carries the original key and bytes untouched; headers say where it
came from and why it was rejected, so it can be fixed and replayed.
"""

from __future__ import annotations

from aiokafka import AIOKafkaProducer

from alertd.observe.metrics import Metrics

MAX_REASON = 1000


class DeadLetters:
    def __init__(self, producer: AIOKafkaProducer, topic: str, metrics: Metrics) -> None:
        self._producer = producer
        self._topic = topic
        self._metrics = metrics

    async def reject(
        self,
        topic: str,
        partition: int,
        offset: int,
        key: bytes | None,
        value: bytes | None,
        reason: str,
        reason_kind: str,
    ) -> None:
        """Publish and wait for the broker's ack, so the offset may be committed after."""
        headers = [
            ("alertd.reason", reason[:MAX_REASON].encode()),
            ("alertd.source.topic", topic.encode()),
            ("alertd.source.partition", str(partition).encode()),
            ("alertd.source.offset", str(offset).encode()),
        ]
        await self._producer.send_and_wait(
            self._topic, value=value or b"", key=key, headers=headers
        )
        self._metrics.events_rejected.labels(topic, reason_kind).inc()
