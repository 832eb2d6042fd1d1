"""The directory follows a real compacted topic: latest record per id wins, tombstones
delete, bad records are skipped."""

from __future__ import annotations

import asyncio
import json

from alertd.customers.directory import CustomerDirectory
from alertd.customers.feed import CustomerFeed
from alertd.ingest.topics import ensure_topics
from tests.support.daemon import unique
from tests.support.kafka import produce_raw


def upsert(**attributes: object) -> bytes:
    return json.dumps(
        {"time": 1_800_000_000, "kind": "customer", "name": "upsert", "attributes": attributes}
    ).encode()


async def test_feed_has_the_whole_topic_when_start_returns_then_follows_it(kafka: str) -> None:
    topic = unique("customers")
    await ensure_topics(kafka, [topic], 1, compacted=[topic])
    await produce_raw(kafka, topic, [upsert(plan="pro")], key=b"acme")
    await produce_raw(kafka, topic, [b"{broken", upsert(plan="enterprise")], key=b"acme")
    await produce_raw(kafka, topic, [upsert(plan="pro")], key=b"globex")
    await produce_raw(kafka, topic, [None], key=b"globex")  # type: ignore[list-item]
    directory = CustomerDirectory()
    feed = CustomerFeed(kafka, topic, directory)
    await feed.start()
    try:
        assert feed.records == 5  # read to the end before start returned
        acme = directory.get("acme")
        assert acme is not None
        assert acme.plan == "enterprise"
        assert directory.get("globex") is None
        await produce_raw(kafka, topic, [upsert(regions=["eu-west"])], key=b"initech")
        async with asyncio.timeout(15):
            while directory.get("initech") is None:
                await asyncio.sleep(0.05)
    finally:
        await feed.stop()
