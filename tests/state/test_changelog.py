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
