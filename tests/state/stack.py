"""A pipeline with its changelog state, built from real parts, for state tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiokafka import AIOKafkaProducer

from alertd.alerts.store import AlertStore
from alertd.config.schema import RouteConfig
from alertd.ingest.event import Event
from alertd.ingest.topics import ensure_topics
from alertd.notify.channels.base import DeliveryError
from alertd.notify.dispatcher import Dispatcher
from alertd.notify.notification import Notification
from alertd.notify.retry import Backoff
from alertd.observe.metrics import Metrics
from alertd.pipeline import Pipeline
from alertd.route.paging import PagingOptions
from alertd.route.tree import Route
from alertd.state.changelog import Changelog
from alertd.state.partitions import PartitionState
from alertd.templating import Templates
from tests.detect.rules import rules

T0 = 1_790_000_000.0
RULES = rules(
    """
rules:
  - name: disk_full
    match: {kind: metric, name: disk_used_ratio}
    group_by: [host]
    detect: {threshold: {above: 0.9}}
    keep_firing_for: 30s
    severity: critical
"""
)


def disk(at: float, value: float, host: str = "db-1") -> Event:
    return Event(
        time=T0 + at, kind="metric", name="disk_used_ratio", value=value, labels={"host": host}
    )


@dataclass
class RecordingChannel:
    """A channel that keeps what it was sent; ``down`` makes every send fail."""

    kind: str = "test"
    sent: list[Notification] = field(default_factory=list)
    down: bool = False

    def wants(self, notification: Notification) -> bool:
        return True

    async def send(self, notification: Notification) -> None:
        if self.down:
            raise DeliveryError("unavailable", "receiver down")
        self.sent.append(notification)

    async def close(self) -> None:
        pass


@dataclass
class Stack:
    pipeline: Pipeline
    state: PartitionState
    dispatcher: Dispatcher
    channel: RecordingChannel
    topic: str

    async def feed(self, offset: int, *events: Event) -> None:
        """Apply a batch whose last record has ``offset`` and commit it, as the consumer
        does (it persists the state before every commit)."""
        await self.pipeline.handle(self.topic, 0, events, 0.0)
        await self.state.applied(self.topic, 0, offset)
        await self.state.persist([(self.topic, 0)])

    async def settle(self) -> None:
        await self.dispatcher.drain(5.0)


async def changelog(kafka: str, name: str) -> tuple[Changelog, AIOKafkaProducer]:
    await ensure_topics(kafka, [name], 1, compacted=[name])
    producer = AIOKafkaProducer(bootstrap_servers=kafka, acks="all")
    await producer.start()
    return Changelog(producer, name, kafka), producer


def build(
    log: Changelog,
    topic: str,
    channel: RecordingChannel | None = None,
    route: RouteConfig | None = None,
    paging: PagingOptions | None = None,
) -> Stack:
    channel = channel or RecordingChannel()
    metrics = Metrics()
    dispatcher = Dispatcher(
        {"ops": [channel], "boss": [channel]},
        metrics,
        Backoff(0.01, 0.05, 1000),
        workers=1,
        queue_size=100,
    )
    store = AlertStore(RULES, Templates(None))
    tree = Route.build(route or RouteConfig(receiver="ops"))
    pipeline = Pipeline(RULES, store, tree, dispatcher, metrics, paging=paging)
    state = PartitionState(log, pipeline, store, dispatcher, metrics)
    pipeline.state = state
    dispatcher.hooks = state
    dispatcher.start()
    return Stack(pipeline, state, dispatcher, channel, topic)


async def close(stack: Stack) -> None:
    await stack.dispatcher.close()
    await asyncio.sleep(0)
