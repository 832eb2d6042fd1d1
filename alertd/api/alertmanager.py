"""``POST /api/v1/alertmanager``: Alertmanager's webhook receiver.

Point an Alertmanager ``webhook_config`` here (with ``http_config.authorization``
carrying alertd's API token). The payload is validated with the ``alertmanager``
decoder and then produced to Kafka, so it follows the normal path (partitioning,
offsets, DLQ, replays) like any other input:

- to the first topic whose decoder is ``alertmanager``, as the payload itself;
- otherwise to the first topic whose decoder is ``alertd``, as canonical events.

A payload that does not decode is answered 400 with the reason, so Alertmanager logs
it; a Kafka failure is 503, so Alertmanager retries.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog
from aiohttp import web
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from alertd.config.schema import TopicConfig
from alertd.ingest.decoders import DecodeError, encode_event
from alertd.ingest.event import Event
from alertd.ingest.formats.alertmanager import decode_alertmanager

log = structlog.get_logger(__name__)
PATH = "/api/v1/alertmanager"


class AlertmanagerFeed:
    """Where webhook payloads go: one topic, raw or as canonical events."""

    def __init__(self, producer: AIOKafkaProducer, topics: Sequence[TopicConfig]) -> None:
        self._producer = producer
        raw = [t.name for t in topics if t.decoder == "alertmanager"]
        canonical = [t.name for t in topics if t.decoder == "alertd"]
        self.topic = raw[0] if raw else canonical[0] if canonical else None
        self.raw = bool(raw)

    async def feed(self, body: bytes, events: Sequence[Event]) -> None:
        assert self.topic is not None
        if self.raw:
            await self._producer.send_and_wait(self.topic, body, key=_key(events))
            return
        for event in events:
            await self._producer.send_and_wait(
                self.topic, encode_event(event), key=event.name.encode()
            )


def _key(events: Sequence[Event]) -> bytes | None:
    """Alerts of one alertname land on one partition, so their series has one owner."""
    return events[0].name.encode() if events else None


FEED_KEY = web.AppKey("alertmanager_feed", AlertmanagerFeed)


def add_alertmanager_route(app: web.Application, feed: AlertmanagerFeed) -> None:
    app[FEED_KEY] = feed
    app.router.add_post(PATH, _receive)


async def _receive(request: web.Request) -> web.Response:
    feed = request.app[FEED_KEY]
    if feed.topic is None:
        raise web.HTTPServiceUnavailable(
            text="no topic to feed: add a kafka topic with decoder 'alertmanager' or 'alertd'\n"
        )
    body = await request.read()
    try:
        events = decode_alertmanager(body)
    except DecodeError as exc:
        raise web.HTTPBadRequest(text=f"{exc}\n") from None
    try:
        await feed.feed(body, events)
    except KafkaError as exc:
        log.warning("alertmanager_feed_failed", error=str(exc))
        raise web.HTTPServiceUnavailable(text="kafka unavailable, retry later\n") from None
    return web.json_response({"accepted": len(events), "topic": feed.topic})
