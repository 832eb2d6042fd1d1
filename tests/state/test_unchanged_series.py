"""A series whose state an event leaves as it was is not written to the changelog again;
a series at rest (a fresh one, below its level) is not written at all."""

from __future__ import annotations

from alertd.state import keys
from tests.state.stack import build, changelog, close, disk
from tests.support.daemon import unique


async def test_unchanged_series_is_not_rewritten_and_a_changed_one_is(kafka: str) -> None:
    log, producer = await changelog(kafka, unique("state"))
    series_key = keys.key(keys.SERIES, "events", "disk_full", ["db-1"])
    try:
        stack = build(log, "events")
        await stack.state.assigned([("events", 0)])
        await stack.feed(1, disk(0, 0.5))  # at rest: nothing a restore would miss
        await stack.feed(2, disk(10, 0.6))  # still below the level: same detector state
        await stack.feed(3, disk(20, 0.95))  # crosses it: the state changes
        await stack.feed(4, disk(30, 0.96))  # above it again: same detector state
        await stack.settle()
        await close(stack)
    finally:
        await producer.stop()

    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, auto_offset_reset="earliest")
    await consumer.start()
    try:
        tp = TopicPartition(log.topic, 0)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        batch = await consumer.getmany(tp, timeout_ms=2000)
        writes = [r for r in batch.get(tp, []) if r.key == series_key]
    finally:
        await consumer.stop()
    assert len(writes) == 1  # the crossing; not the series at rest, not the unchanged event
    assert b"_active\xc3" in writes[0].value  # msgpack True: the firing state
