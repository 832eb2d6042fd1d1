"""The dead-letter topic: a bad record is kept with its reason, never dropped.

The DLQ record carries the original key and bytes untouched; headers say where it
came from and why it was rejected, so it can be fixed and replayed.
"""

from __future__ import annotations

import asyncio

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError, MessageSizeTooLargeError

from alertd.observe.metrics import Metrics

log = structlog.get_logger(__name__)

MAX_REASON = 1000
TRUNCATED_SIZE = 512 * 1024
"""A record too large for the DLQ once headers are added keeps this many bytes."""
RETRY_DELAY = 1.0


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
        payload = value or b""
        while True:
            try:
                await self._producer.send_and_wait(
                    self._topic, value=payload, key=key, headers=headers
                )
                break
            except MessageSizeTooLargeError:
                # Keep the evidence rather than stall the partition on one record.
                headers.append(("alertd.truncated_from", str(len(payload)).encode()))
                payload = payload[:TRUNCATED_SIZE]
            except KafkaError as exc:
                # Never commit past a bad record that is not safely in the DLQ.
                log.warning("dlq_publish_failed", error=str(exc), retry_in=RETRY_DELAY)
                await asyncio.sleep(RETRY_DELAY)
        self._metrics.events_rejected.labels(topic, reason_kind).inc()
