"""Produce and read records on the real test broker."""

from __future__ import annotations

from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord

from alertd.ingest.decoders import encode_event
from alertd.ingest.event import Event


async def produce_raw(
    bootstrap: str, topic: str, values: Iterable[bytes], key: bytes | None = b"k"
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


async def produce_events(
    bootstrap: str, topic: str, events: Iterable[Event], key: bytes = b"k"
) -> None:
    await produce_raw(bootstrap, topic, (encode_event(e) for e in events), key=key)


async def produce_to_partitions(
    bootstrap: str, topic: str, by_partition: dict[int, list[Event]]
) -> None:
    """Events keyed by a label would hash anywhere: pin them to partitions instead."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for partition, events in by_partition.items():
            for event in events:
                await producer.send_and_wait(topic, encode_event(event), partition=partition)
    finally:
        await producer.stop()


async def read_all(
    bootstrap: str, topic: str, expect: int, timeout_ms: int = 10_000
) -> list[ConsumerRecord]:
    """Read ``expect`` records from the start of ``topic`` (no consumer group)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    records: list[ConsumerRecord] = []
    try:
        import time

        deadline = time.monotonic() + timeout_ms / 1000
        while len(records) < expect and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for rs in batch.values():
                records.extend(rs)
    finally:
        await consumer.stop()
    return records
