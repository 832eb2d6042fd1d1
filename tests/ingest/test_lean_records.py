"""Lean records (alertd/ingest/lean.py), on the real broker.

The event consumer reads the broker's record objects instead of aiokafka's
``ConsumerRecord``; every other consumer in the process must still get
``ConsumerRecord``, and the daemon must consume, reject and dead-letter the same
with the setting on or off.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from aiokafka.consumer import fetcher

from alertd.ingest import lean
from alertd.ingest.decoders import encode_event
from alertd.ingest.event import Event
from tests.ingest.test_bad_records_at_scale import Seen, produce_keyed
from tests.support.daemon import kafka_yaml, running_daemon, unique, write_config
from tests.support.kafka import read_all

RECORDS = [(b"k0", b"zero"), (None, b"one"), (b"k2", None)]


async def _read(consumer: AIOKafkaConsumer, count: int) -> list[object]:
    await consumer.start()
    try:
        records: list[object] = []
        async with asyncio.timeout(15):
            while len(records) < count:
                batch = await consumer.getmany(timeout_ms=200)
                for part in batch.values():
                    records.extend(part)
        return records
    finally:
        await consumer.stop()


def _consumer(kafka: str, topic: str, **options: object) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka,
        group_id=unique("lean-group"),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **options,
    )


async def test_only_the_consumer_marked_lean_gets_broker_records(kafka: str) -> None:
    assert lean.install(), "the pinned aiokafka is the shape lean records expect"
    topic = unique("lean")
    producer = AIOKafkaProducer(bootstrap_servers=kafka)
    await producer.start()
    try:  # one partition, so the offsets are 0, 1, 2
        for key, value in RECORDS:
            await producer.send_and_wait(topic, value, key=key, partition=0)
    finally:
        await producer.stop()

    leaned = await _read(_consumer(kafka, topic, value_deserializer=lean.keep_record), 3)
    plain = await _read(_consumer(kafka, topic), 3)

    assert not any(isinstance(record, ConsumerRecord) for record in leaned)
    assert all(isinstance(record, ConsumerRecord) for record in plain)
    fields = [[(r.offset, r.key, r.value) for r in rs] for rs in (leaned, plain)]  # type: ignore[attr-defined]
    assert fields[0] == fields[1] == [(i, key, value) for i, (key, value) in enumerate(RECORDS)]


@pytest.mark.parametrize("lean_records", [True, False])
async def test_the_daemon_consumes_and_dead_letters_the_same_either_way(
    kafka: str, tmp_path: Path, lean_records: bool
) -> None:
    topic = unique("lean-daemon")
    setting = f"  lean_records: {str(lean_records).lower()}\n"
    config = kafka_yaml(kafka, topic, partitions=1) + setting
    path = write_config(tmp_path, config + 'http: {listen: "127.0.0.1:0"}\n')
    good = [Event(time=1_790_000_000.0 + i, kind="metric", name=f"m{i}") for i in range(3)]
    records = [(f"good-{i}".encode(), encode_event(e)) for i, e in enumerate(good)]
    records.insert(1, (b"bad", b"{not json"))
    seen = Seen()

    async with running_daemon(path, listener=seen) as daemon:
        await produce_keyed(kafka, topic, records)
        assert await seen.wait_for(3) == ["m0", "m1", "m2"]
        dead = await read_all(kafka, f"{topic}.dlq", expect=1, timeout_ms=10_000)
        assert daemon.ingest is not None
        assert daemon.ingest.lean_records is lean_records

    assert [(record.key, record.value) for record in dead] == [(b"bad", b"{not json")]
    assert dict(dead[0].headers)["alertd.source.offset"] == b"1"


async def test_an_aiokafka_of_another_shape_gets_ordinary_records(
    kafka: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard: where the record builder is not the expected shape, nothing is
    wrapped and the consumer is built as usual."""
    builder = fetcher.PartitionRecords._consumer_record
    monkeypatch.setattr(
        fetcher.PartitionRecords, "_consumer_record", getattr(builder, "__wrapped__", builder)
    )
    monkeypatch.setattr(lean, "SUPPORTED", False)
    topic = unique("lean-unsupported")
    path = write_config(tmp_path, kafka_yaml(kafka, topic) + 'http: {listen: "127.0.0.1:0"}\n')
    event = Event(time=1_790_000_000.0, kind="metric", name="m0")
    seen = Seen()

    async with running_daemon(path, listener=seen) as daemon:
        await produce_keyed(kafka, topic, [(b"k", encode_event(event))])
        assert await seen.wait_for(1) == ["m0"]
        assert daemon.ingest is not None
        assert daemon.ingest.lean_records is False
    assert not getattr(fetcher.PartitionRecords._consumer_record, "_alertd_lean", False)
