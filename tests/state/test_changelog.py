"""The changelog topic on a real broker: latest value per key, tombstones delete."""

from __future__ import annotations

from aiokafka import AIOKafkaProducer

from alertd.ingest.topics import ensure_topics
from alertd.state.changelog import Changelog
from tests.support.daemon import unique


async def test_restore_reads_latest_value_per_key_and_honours_tombstones(kafka: str) -> None:
    topic = unique("changelog")
    await ensure_topics(kafka, [topic], 2, compacted=[topic])
    producer = AIOKafkaProducer(bootstrap_servers=kafka, acks="all")
    await producer.start()
    try:
        log = Changelog(producer, topic, kafka)
        await log.write(1, [(b"a", b"1"), (b"b", b"1"), (b"a", b"2")])
        await log.write(1, [(b"b", None), (b"c", b"3")])
        await log.write(0, [(b"other-partition", b"x")])
        assert await log.read(1) == {b"a": b"2", b"c": b"3"}
        assert await log.read(0) == {b"other-partition": b"x"}
    finally:
        await producer.stop()


async def test_a_write_of_many_batches_lands_whole_and_in_order(kafka: str) -> None:
    topic = unique("changelog")
    await ensure_topics(kafka, [topic], 1, compacted=[topic])
    producer = AIOKafkaProducer(bootstrap_servers=kafka, acks="all", max_batch_size=1024)
    await producer.start()
    try:
        log = Changelog(producer, topic, kafka)
        records = [(f"k{i % 500}".encode(), f"v{i}".encode()) for i in range(2000)]
        assert await log.write(0, [*records, (b"k7", None), (b"last", b"!")]) == 2002
        state = await log.read(0)
    finally:
        await producer.stop()
    assert state.pop(b"last") == b"!"
    assert b"k7" not in state
    assert state == {f"k{i}".encode(): f"v{1500 + i}".encode() for i in range(500) if i != 7}
