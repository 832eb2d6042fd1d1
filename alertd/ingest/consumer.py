"""The Kafka consumer loop: decode, hand events on, commit only after their effects.

Offsets are committed manually once the batch's events have been applied (state
updated, notifications queued) and bad records are safely in the DLQ. A record that
cannot be decoded never stops the loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError

from alertd.config.schema import KafkaConfig
from alertd.ingest.decoders import DecodeError, Decoder, get_decoder
from alertd.ingest.dlq import DeadLetters
from alertd.ingest.event import Event
from alertd.observe.metrics import Metrics

log = structlog.get_logger(__name__)

EventHandler = Callable[[str, int, Sequence[Event], float], Awaitable[None]]
"""(topic, partition, events, wall time received) -> applied."""


class KafkaIngest:
    def __init__(
        self,
        config: KafkaConfig,
        bootstrap_servers: str,
        handler: EventHandler,
        dead_letters: DeadLetters,
        metrics: Metrics,
        client_options: dict[str, object] | None = None,
    ) -> None:
        self._config = config
        self._decoders: dict[str, Decoder] = {t.name: get_decoder(t.decoder) for t in config.topics}
        self._handler = handler
        self._dlq = dead_letters
        self._metrics = metrics
        self.consumer = AIOKafkaConsumer(
            *self._decoders,
            bootstrap_servers=bootstrap_servers,
            group_id=config.group_id,
            client_id=config.client_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=int(config.session_timeout * 1000),
            heartbeat_interval_ms=int(config.heartbeat_interval * 1000),
            **(client_options or {}),
        )
        self.ready = False

    async def start(self) -> None:
        await self.consumer.start()

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until ``stop`` is set; the batch in hand is finished and committed."""
        while not stop.is_set():
            try:
                batch = await self.consumer.getmany(
                    timeout_ms=200, max_records=self._config.max_batch
                )
                self.ready = True
            except KafkaError as exc:
                self.ready = False
                log.warning("kafka_fetch_failed", error=str(exc))
                await asyncio.sleep(1.0)
                continue
            if batch:
                await self._process(batch)
                await self._commit(batch)

    async def _process(self, batch: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        received = time.time()
        for tp, records in batch.items():
            events: list[Event] = []
            for record in records:
                events.extend(await self._decode(tp, record))
            if events:
                self._metrics.events_consumed.labels(tp.topic).inc(len(events))
                await self._handler(tp.topic, tp.partition, events, received)
            self._update_lag(tp, records[-1].offset)

    async def _decode(self, tp: TopicPartition, record: ConsumerRecord) -> list[Event]:
        try:
            return self._decoders[tp.topic](record.value or b"")
        except DecodeError as exc:
            reason, kind = str(exc), exc.kind
        except Exception as exc:  # a decoder bug is still a bad record, not a crash
            reason, kind = f"decoder error: {exc!r}", "decoder_error"
        log.warning(
            "event_rejected",
            topic=tp.topic,
            partition=tp.partition,
            offset=record.offset,
            reason=reason,
        )
        await self._dlq.reject(
            tp.topic, tp.partition, record.offset, record.key, record.value, reason, kind
        )
        return []

    async def _commit(self, batch: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        offsets = {tp: records[-1].offset + 1 for tp, records in batch.items()}
        try:
            await self.consumer.commit(offsets)
        except KafkaError as exc:
            # The events were applied; after a rebalance they may be redelivered and
            # the delivery log keeps notifications from going out twice.
            log.warning("kafka_commit_failed", error=str(exc))

    def _update_lag(self, tp: TopicPartition, offset: int) -> None:
        highwater = self.consumer.highwater(tp)
        if highwater is not None:
            self._metrics.consumer_lag.labels(tp.topic, str(tp.partition)).set(
                max(0, highwater - offset - 1)
            )

    async def stop(self) -> None:
        self.ready = False
        await self.consumer.stop()
