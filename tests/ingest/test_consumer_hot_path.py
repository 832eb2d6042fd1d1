"""The consumer's hot-path choices, on the real broker: prompt pickup, periodic commits."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from alertd.ingest.consumer import COMMIT_INTERVAL
from alertd.ingest.event import Event
from alertd.observe.listener import PipelineListener
from tests.support.daemon import kafka_yaml, running_daemon, unique, write_config
from tests.support.kafka import produce_events


class Arrivals(PipelineListener):
    def __init__(self) -> None:
        self.at: list[float] = []

    def event(self, topic: str, event: Event) -> None:
        self.at.append(time.monotonic())

    async def wait_for(self, count: int, timeout: float = 15.0) -> None:
        async with asyncio.timeout(timeout):
            while len(self.at) < count:
                await asyncio.sleep(0.005)


def _config(kafka: str, topic: str, group: str) -> str:
    return f"""\
{kafka_yaml(kafka, topic, group, partitions=1)}http: {{listen: "127.0.0.1:0"}}
"""


def _event(i: int) -> Event:
    return Event(time=1_790_000_000.0 + i, kind="metric", name="m", value=1.0)


async def _committed(kafka: str, group: str, topic: str) -> int:
    """The group's committed offset, read without joining the group."""
    reader = AIOKafkaConsumer(bootstrap_servers=kafka, group_id=group, enable_auto_commit=False)
    await reader.start()
    try:
        offset = await reader.committed(TopicPartition(topic, 0))
    finally:
        await reader.stop()
    return -1 if offset is None else int(offset)


async def test_an_event_on_a_quiet_topic_is_picked_up_within_a_short_fetch_wait(
    kafka: str, tmp_path: Path
) -> None:
    topic, group = unique("quiet"), unique("quiet-group")
    arrivals = Arrivals()
    path = write_config(tmp_path, _config(kafka, topic, group))
    async with running_daemon(path, listener=arrivals):
        await produce_events(kafka, topic, [_event(0)])  # the group is joined once this lands
        await arrivals.wait_for(1)
        delays = []
        for i in range(1, 6):
            await asyncio.sleep(0.3)  # let the topic go quiet so the fetch waits
            sent = time.monotonic()
            await produce_events(kafka, topic, [_event(i)])
            await arrivals.wait_for(i + 1)
            delays.append(arrivals.at[-1] - sent)
    # aiokafka's default 500 ms fetch wait made this ~200 ms on Tansu
    assert sorted(delays)[len(delays) // 2] < 0.15, delays


async def test_offsets_are_committed_while_running_not_only_at_shutdown(
    kafka: str, tmp_path: Path
) -> None:
    topic, group = unique("commits"), unique("commits-group")
    arrivals = Arrivals()
    path = write_config(tmp_path, _config(kafka, topic, group))
    async with running_daemon(path, listener=arrivals):
        await produce_events(kafka, topic, [_event(i) for i in range(20)])
        await arrivals.wait_for(20)
        deadline = time.monotonic() + COMMIT_INTERVAL + 5.0
        committed = -1
        while time.monotonic() < deadline and committed < 20:
            await asyncio.sleep(0.2)
            committed = await _committed(kafka, group, topic)
        assert committed == 20


pytestmark = pytest.mark.asyncio
