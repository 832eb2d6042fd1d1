"""The Kafka consumer loop: decode, hand events on, commit only after their effects.

Offsets are committed manually once the batch's events have been applied (state
updated, notifications queued) and bad records are safely in the DLQ. A record that
cannot be decoded never stops the loop.

The loop is the hot path of the daemon, so it avoids per-record work it does not need:
records decode synchronously (only a bad record takes the slow path to the DLQ), and
offsets are committed at most every ``COMMIT_INTERVAL`` seconds instead of after every
batch, plus on shutdown and when partitions are revoked. Committing later never commits
an effect that has not happened; after a crash a few more records are replayed, which
the delivery log makes harmless.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import KafkaError

from alertd.config.schema import KafkaConfig
from alertd.ingest.batch import BatchDecoder, batch_decoder
from alertd.ingest.decoders import DecodeError, get_decoder
from alertd.ingest.dlq import DeadLetters
from alertd.ingest.event import Event
from alertd.ingest.lean import FetchedRecord, install, keep_record
from alertd.observe.metrics import Metrics

log = structlog.get_logger(__name__)

EventHandler = Callable[[str, int, Sequence[Event], float], Awaitable[None]]
"""(topic, partition, events, wall time received) -> applied."""


class PartitionHooks(Protocol):
    """Per-partition state (alertd/state): restore on assign, persist before commit."""

    async def assigned(self, partitions: Sequence[tuple[str, int]]) -> None: ...

    async def revoked(self, partitions: Sequence[tuple[str, int]]) -> None: ...

    def owns(self, origin: tuple[str, int]) -> bool: ...

    def applied_offset(self, topic: str, partition: int) -> int: ...

    async def applied(self, topic: str, partition: int, offset: int) -> None: ...

    async def persist(self, partitions: Sequence[tuple[str, int]]) -> None: ...

    def log_end(
        self, topic: str, partition: int, end_offset: int, committed: int | None
    ) -> None: ...


COMMIT_INTERVAL = 0.5
"""Seconds between offset commits while records keep arriving."""

FETCH_MAX_WAIT_MS = 25
"""How long the broker may hold a fetch with no data. aiokafka's 500 ms default puts up
to that much delay on an event that arrives on a quiet topic (some brokers, Tansu among
them, do not answer a waiting fetch as soon as data arrives)."""


class KafkaIngest:
    def __init__(
        self,
        config: KafkaConfig,
        bootstrap_servers: str,
        handler: EventHandler,
        dead_letters: DeadLetters,
        metrics: Metrics,
        client_options: dict[str, object] | None = None,
        state: PartitionHooks | None = None,
    ) -> None:
        self._config = config
        self.state = state
        self._decoders: dict[str, BatchDecoder] = {
            t.name: batch_decoder(t.decoder, get_decoder(t.decoder)) for t in config.topics
        }
        self._handler = handler
        self._dlq = dead_letters
        self._metrics = metrics
        options: dict[str, object] = {"fetch_max_wait_ms": FETCH_MAX_WAIT_MS}
        if config.lean_records and install():
            options["value_deserializer"] = keep_record
        options.update(client_options or {})
        # a deserializer of the operator's own (client_options) wins, records and all
        self.lean_records = options.get("value_deserializer") is keep_record
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id=config.group_id,
            client_id=config.client_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=int(config.session_timeout * 1000),
            heartbeat_interval_ms=int(config.heartbeat_interval * 1000),
            **options,
        )
        self.consumer.subscribe(list(self._decoders), listener=_CommitOnRevoke(self))
        self.ready = False
        self._uncommitted: dict[TopicPartition, int] = {}
        self._last_commit = 0.0
        self._committing: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.consumer.start()
        log.info("kafka_consumer_started", lean_records=self.lean_records)

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until ``stop`` is set; the batch in hand is finished and committed."""
        while not stop.is_set():
            try:
                batch = await self.consumer.getmany(
                    timeout_ms=200, max_records=self._config.max_batch
                )
                self.ready = self._coordinator_known()
            except KafkaError as exc:
                self.ready = False
                log.warning("kafka_fetch_failed", error=str(exc))
                await asyncio.sleep(1.0)
                continue
            if batch:
                await self._process(batch)
                for tp, records in batch.items():
                    self._uncommitted[tp] = records[-1].offset + 1
                # A turn for the other tasks after every batch: getmany hands out
                # buffered records without yielding, and nothing else in a quiet
                # batch waits, so deliveries, heartbeats and the fetcher (which asks
                # for the next records of a drained partition) would wait until the
                # whole fetch is processed.
                await asyncio.sleep(0)
            if self._uncommitted and time.monotonic() - self._last_commit >= COMMIT_INTERVAL:
                self._commit_in_background()
        if self._committing is not None:
            await self._committing
        await self.commit()

    def _commit_in_background(self) -> None:
        """Commit without holding up consumption: writing the state first may wait for
        the broker (up to the changelog's give-up time while it is away), and the loop
        must go on fetching meanwhile (readiness, heartbeats, fresh records)."""
        if self._committing is None or self._committing.done():
            self._last_commit = time.monotonic()
            self._committing = asyncio.create_task(self._commit_or_log(), name="commit")

    async def _commit_or_log(self) -> None:
        try:
            await self.commit()
        except Exception as exc:  # retried at the next interval; offsets stay uncommitted
            self._metrics.commit_failures.inc()
            log.error("commit_failed", error=str(exc), uncommitted=len(self._uncommitted))

    def _coordinator_known(self) -> bool:
        """False while the broker is away: aiokafka then returns empty batches rather
        than failing, but marks the group coordinator dead until it reconnects."""
        coordinator = getattr(self.consumer, "_coordinator", None)
        return getattr(coordinator, "coordinator_id", 0) is not None

    async def _process(self, batch: dict[TopicPartition, list[FetchedRecord]]) -> None:
        received = time.time()
        for tp, records in batch.items():
            decode = self._decoders[tp.topic]
            last = records[-1].offset
            if self.state is not None and not self.state.owns((tp.topic, tp.partition)):
                # Fetched while its state is still being restored: applying it to an
                # empty evaluator would lose it once the restored one takes over.
                self.consumer.seek(tp, records[0].offset)
                continue
            if self.state is not None:
                done = self.state.applied_offset(tp.topic, tp.partition)
                if records[0].offset <= done:  # applied before a crash, not yet committed
                    log.info(
                        "records_already_applied",
                        topic=tp.topic,
                        partition=tp.partition,
                        first=records[0].offset,
                        applied=done,
                    )
                    records = [r for r in records if r.offset > done]
            events, failed = decode(records)
            for index, exc in failed:
                await self._reject(tp, records[index], exc)
            if events:
                self._metrics.events_consumed.labels(tp.topic).inc(len(events))
                await self._handler(tp.topic, tp.partition, events, received)
            if self.state is not None and records:
                await self.state.applied(tp.topic, tp.partition, last)
            self._update_lag(tp, last)

    async def _reject(self, tp: TopicPartition, record: FetchedRecord, exc: Exception) -> None:
        if isinstance(exc, DecodeError):
            reason, kind = str(exc), exc.kind
        else:
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

    async def commit(self, partitions: Sequence[TopicPartition] | None = None) -> None:
        """Commit the offsets of applied records (of ``partitions``, or of all)."""
        keys = list(self._uncommitted) if partitions is None else partitions
        offsets = {tp: self._uncommitted[tp] for tp in keys if tp in self._uncommitted}
        self._last_commit = time.monotonic()
        if not offsets:
            return
        if self.state is not None:  # the state those offsets include goes first
            await self.state.persist([(tp.topic, tp.partition) for tp in offsets])
        for tp, offset in offsets.items():
            if self._uncommitted.get(tp) == offset:
                del self._uncommitted[tp]
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
        await self.commit()
        await self.consumer.stop()


class _CommitOnRevoke(ConsumerRebalanceListener):  # type: ignore[misc]
    """Commit what was applied before a partition moves to another group member."""

    def __init__(self, ingest: KafkaIngest) -> None:
        self._ingest = ingest

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        state = self._ingest.state
        if state is not None:
            await state.revoked([(tp.topic, tp.partition) for tp in revoked])
        await self._ingest.commit(revoked)

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        state = self._ingest.state
        if state is None:
            return
        consumer = self._ingest.consumer
        # Paused while their state is read back: records fetched meanwhile could not
        # be applied, and fetching them again and again would only load the broker.
        consumer.pause(*assigned)
        try:
            await state.assigned([(tp.topic, tp.partition) for tp in assigned])
        finally:
            consumer.resume(*assigned)
        try:
            ends = await consumer.end_offsets(list(assigned))
            for tp, end in ends.items():
                state.log_end(tp.topic, tp.partition, end, await consumer.committed(tp))
        except KafkaError as exc:
            log.warning("end_offsets_failed", error=str(exc))
