"""Build customer notices from the config and run them beside the daemon.

Kept out of daemon.py so the daemon only needs a handful of lines: build, start,
stop, register HTTP routes, reload.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Mapping

import structlog
from aiohttp import web
from aiokafka import AIOKafkaProducer, TopicPartition

from alertd.alerts.store import AlertStore
from alertd.config.schema import Config, KafkaConfig, LoadedConfig
from alertd.customers.directory import CustomerDirectory
from alertd.customers.feed import CustomerFeed
from alertd.customers.sources import load_customer_file
from alertd.ingest.compacted import CompactedTopic
from alertd.ingest.consumer import KafkaIngest
from alertd.ingest.topics import ensure_topics
from alertd.notices.composer import Composer
from alertd.notices.delivery import RECEIVERS, NoticeSender
from alertd.notices.maintenance_topic import MaintenanceTopic, apply_record
from alertd.notices.metrics import NoticeMetrics
from alertd.notices.paging import OwnerPager
from alertd.notices.service import NoticeService
from alertd.notify.channels.base import Channel
from alertd.notify.channels.customer_email import CustomerEmailChannel
from alertd.notify.channels.customer_webhook import CustomerWebhookChannel
from alertd.notify.channels.http import HttpClient
from alertd.notify.dispatcher import Dispatcher
from alertd.observe.metrics import Metrics
from alertd.route.tree import Route
from alertd.state.notice_section import NoticeSection
from alertd.state.partitions import PartitionState
from alertd.templating import Templates

log = structlog.get_logger(__name__)
TICK = 1.0
"""Seconds between checks of confirmation windows, promised updates, digests, maintenance."""


def with_customer_channels(
    receivers: dict[str, list[Channel]], config: Config, http: HttpClient
) -> dict[str, list[Channel]]:
    """Add the customer email/webhook channels as two receivers of the Dispatcher."""
    receivers[RECEIVERS["email"]] = [CustomerEmailChannel(config.smtp, config.notices.from_)]
    receivers[RECEIVERS["webhook"]] = [CustomerWebhookChannel(http, config.notify.retry.timeout)]
    return receivers


def build_directory(loaded: LoadedConfig) -> CustomerDirectory:
    """Customers and segments from the file (already validated by the loader)."""
    settings = loaded.config.customers
    if settings is None:
        return CustomerDirectory()
    segments: dict[str, Mapping[str, str]] = dict(settings.segments)
    customers = []
    if settings.file is not None:
        parsed = load_customer_file(loaded.base_dir / settings.file)
        segments = {**parsed.segments, **segments}
        customers = parsed.customers
    return CustomerDirectory(customers, segments)


def owns_first_partition(ingest: KafkaIngest | None, kafka: KafkaConfig) -> bool:
    """One process of a consumer group: the owner of partition 0 of the first topic.

    Before the first assignment nobody leads, so a starting process sends nothing twice.
    """
    if ingest is None or not kafka.topics:
        return False
    return TopicPartition(kafka.topics[0].name, 0) in ingest.consumer.assignment()


class CustomerNotices:
    def __init__(
        self,
        loaded: LoadedConfig,
        templates: Templates,
        dispatcher: Dispatcher,
        route: Route,
        metrics: Metrics,
    ) -> None:
        config = loaded.config
        self.directory = build_directory(loaded)
        composer = Composer(templates, config.notices.default_locale, config.notices.public_url)
        self.service = NoticeService(
            config.notices,
            loaded.rules,
            self.directory,
            NoticeSender(dispatcher, composer),
            templates,
            NoticeMetrics(metrics.registry),
            OwnerPager(route, dispatcher),
        )
        self._topic = config.customers.topic if config.customers else None
        self._feed: CustomerFeed | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._persist: Callable[[], Awaitable[None]] | None = None
        self._maintenance_feed: CompactedTopic | None = None

    def persist_in(self, state: PartitionState, store: AlertStore, first_topic: str) -> None:
        """Keep notice progress in the changelog of each incident's partition, and
        write what a notice tick changed right after it."""
        state.sections.append(NoticeSection(self.service, state.buffer))
        self.service.maintenance_origin = lambda: (first_topic, 0)
        self.service.alert_of = store.get
        self._persist = state.after_tick

    async def start(
        self,
        bootstrap_servers: str,
        partitions: int,
        client_options: dict[str, object],
        leader: Callable[[], bool] | None = None,
        producer: AIOKafkaProducer | None = None,
    ) -> None:
        """``leader``: does this process send maintenance notices (see owns_first_partition).
        ``producer``: keep windows declared over HTTP in the shared maintenance topic."""
        if leader is not None:
            self.service.leader = leader
        if producer is not None:
            await self._follow_maintenance(bootstrap_servers, producer, client_options)
        if self._topic is not None:
            await ensure_topics(
                bootstrap_servers,
                [self._topic],
                partitions,
                compacted=[self._topic],
                client_options=client_options,
            )
            self._feed = CustomerFeed(
                bootstrap_servers, self._topic, self.directory, client_options=client_options
            )
            await self._feed.start()
        self._ticker = asyncio.create_task(self._tick(), name="customer-notices")
        log.info("customer_notices_started", customers=len(self.directory), topic=self._topic)

    async def _follow_maintenance(
        self, bootstrap_servers: str, producer: AIOKafkaProducer, options: dict[str, object]
    ) -> None:
        topic = self.service.config.maintenance_topic
        await ensure_topics(
            bootstrap_servers, [topic], 1, compacted=[topic], client_options=options
        )
        book = self.service.maintenance
        self._maintenance_feed = CompactedTopic(
            bootstrap_servers, topic, lambda _, value: apply_record(book, value), options
        )
        read = await self._maintenance_feed.start()
        self.service.maintenance.sink = MaintenanceTopic(producer, topic)
        log.info("maintenance_windows_restored", topic=topic, records=read)

    async def stop(self) -> None:
        if self._maintenance_feed is not None:
            await self._maintenance_feed.stop()
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        if self._feed is not None:
            await self._feed.stop()

    def register_http(self, app: web.Application) -> None:
        from alertd.api import maintenance, notices, status

        notices.register(app, self.service)
        maintenance.register(app)
        status.register(app, self.service)

    def reload(self, loaded: LoadedConfig, templates: Templates) -> None:
        """New rules' ``customers:`` blocks and file customers apply to new incidents."""
        self.service.replace_rules(loaded.rules, templates)
        for customer in build_directory(loaded).all():
            self.directory.upsert(customer)

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(TICK)
            try:
                await self.service.tick(time.time())
                if self._persist is not None:
                    await self._persist()
            except Exception:
                log.exception("customer_notice_tick_failed")
