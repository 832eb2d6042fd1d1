"""Wire the stages together and run them until asked to stop.

Signals are not handled here: the entry point (``alertd run``, the demo, tests) owns
the stop event, so the daemon can run embedded in other programs.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

import structlog
from aiohttp import web
from aiokafka import AIOKafkaProducer

from alertd.alerts.silence_topic import attach_silence_topic
from alertd.alerts.store import AlertStore
from alertd.api.alertmanager import AlertmanagerFeed, add_alertmanager_route
from alertd.api.reload import add_reload_route
from alertd.api.report import register as add_report_routes
from alertd.api.server import build_app
from alertd.config.reload import Reloader, rebase_store, swap_receivers, watch_files
from alertd.config.schema import LoadedConfig
from alertd.embedded.tansu import EmbeddedBroker
from alertd.heap import HeapPolicy
from alertd.ingest.compacted import CompactedTopic
from alertd.ingest.consumer import KafkaIngest
from alertd.ingest.dlq import DeadLetters
from alertd.ingest.security import describe, kafka_client_options
from alertd.ingest.topics import ensure_changelog, ensure_topics
from alertd.notices.wiring import (
    CustomerNotices,
    owns_first_partition,
    with_customer_channels,
)
from alertd.notify.channels.http import HttpClient
from alertd.notify.dispatcher import Dispatcher
from alertd.notify.receivers import build_receivers
from alertd.notify.retry import Backoff
from alertd.observe.listener import PipelineListener
from alertd.observe.metrics import Metrics
from alertd.observe.systemd import SystemdNotifier
from alertd.pipeline import Pipeline
from alertd.proof.journal import ProofTopic, attach_proof_topic
from alertd.proof.sources import facts_source
from alertd.proof.wiring import build_proof
from alertd.route.paging import PagingOptions
from alertd.route.tree import Route
from alertd.state.changelog import PRODUCER_OPTIONS as CHANGELOG_PRODUCER
from alertd.state.changelog import Changelog
from alertd.state.partitions import PartitionState
from alertd.templating import Templates

log = structlog.get_logger(__name__)


class Daemon:
    def __init__(
        self,
        loaded: LoadedConfig,
        listener: PipelineListener | None = None,
        metrics: Metrics | None = None,
        heap: HeapPolicy | None = None,
    ) -> None:
        self.loaded = loaded
        self.heap = heap
        """Garbage-collector policy of the process (``alertd run``); None when embedded."""
        self.config = loaded.config
        self.metrics = metrics or Metrics()
        self.proof, self.listener = build_proof(self.metrics, loaded.rules, listener)
        """Tickets, notices and pages for ``/report`` (alertd/proof)."""
        templates_dir = (
            loaded.base_dir / self.config.templates_dir if self.config.templates_dir else None
        )
        self.templates = Templates(templates_dir)
        self.store = AlertStore(loaded.rules, self.templates)
        retry = self.config.notify.retry
        self.http_client = HttpClient()
        """One HTTP session for all HTTP channels, closed on shutdown."""
        self.dispatcher = Dispatcher(
            with_customer_channels(
                build_receivers(self.config, self.templates, self.http_client),
                self.config,
                self.http_client,
            ),
            self.metrics,
            Backoff.from_config(retry),
            timeout=retry.timeout,
            queue_size=self.config.notify.queue_size,
            workers=self.config.notify.workers,
            listener=self.listener,
        )
        self.pipeline = Pipeline(
            loaded.rules,
            self.store,
            Route.build(self.config.route),
            self.dispatcher,
            self.metrics,
            self.listener,
            paging=PagingOptions.from_config(self.config),
        )
        self.notices = CustomerNotices(
            loaded, self.templates, self.dispatcher, Route.build(self.config.route), self.metrics
        )
        self.pipeline.notices = self.notices.service
        self.proof.source = facts_source(
            self.pipeline.incidents, lambda: self.notices.service.tracker, lambda: self.loaded.rules
        )
        self.broker: EmbeddedBroker | None = None
        self.bootstrap_servers = self.config.kafka.bootstrap_servers
        self.ingest: KafkaIngest | None = None
        self.state: PartitionState | None = None
        """Per-partition state on the changelog topic (alertd/state), set in ``start``."""
        self._producer: AIOKafkaProducer | None = None
        self._silence_feed: CompactedTopic | None = None
        self._proof_topic: ProofTopic | None = None
        self._http: web.AppRunner | None = None
        self.http_port: int | None = None
        self._stopping = False
        self.client_options = kafka_client_options(self.config.kafka, loaded.base_dir)
        self.reloader = Reloader(self)
        self.notifier = SystemdNotifier.from_env()

    def ready(self) -> bool:
        if self._stopping or (self.state is not None and self.state.restoring):
            return False
        return self.ingest is not None and self.ingest.ready

    async def start(self) -> None:
        kafka = self.config.kafka
        if kafka.bootstrap_servers == "embedded":
            self.broker = EmbeddedBroker()
            self.bootstrap_servers = await self.broker.start()
        changelog_topic = kafka.changelog_topic or f"{kafka.group_id}.changelog"
        inputs = [t.name for t in kafka.topics]
        await ensure_topics(
            self.bootstrap_servers,
            [*inputs, kafka.dlq_topic],
            kafka.partitions,
            client_options=self.client_options,
        )
        await ensure_changelog(self.bootstrap_servers, changelog_topic, inputs, self.client_options)
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap_servers,
            client_id=kafka.client_id,
            **{**CHANGELOG_PRODUCER, **self.client_options},
        )
        await self._producer.start()
        self._silence_feed = await attach_silence_topic(
            self.pipeline.paging.silences,
            self._producer,
            self.bootstrap_servers,
            self.config.silences.topic,
            self.client_options,
        )
        self._proof_topic = await attach_proof_topic(
            self.proof,
            self._producer,
            self.bootstrap_servers,
            self.config.proof.topic or f"{kafka.group_id}.proof",
            self.client_options,
        )
        self.state = PartitionState(
            Changelog(self._producer, changelog_topic, self.bootstrap_servers, self.client_options),
            self.pipeline,
            self.store,
            self.dispatcher,
            self.metrics,
        )
        self.pipeline.state = self.state
        self.dispatcher.hooks = self.state
        if kafka.topics:
            self.notices.persist_in(self.state, self.store, kafka.topics[0].name)
        self.dispatcher.start()
        self.ingest = KafkaIngest(
            kafka,
            self.bootstrap_servers,
            self.pipeline.handle,
            DeadLetters(self._producer, kafka.dlq_topic, self.metrics),
            self.metrics,
            client_options=self.client_options,
            state=self.state,
        )
        await self.notices.start(
            self.bootstrap_servers,
            kafka.partitions,
            self.client_options,
            leader=lambda: owns_first_partition(self.ingest, kafka),
            producer=self._producer,
        )
        await self.ingest.start()
        await self._start_http()
        self.metrics.reload_ok.set(1)
        self.metrics.reload_time.set(time.time())
        log.info(
            "alertd_started",
            bootstrap_servers=self.bootstrap_servers,
            rules=len(self.loaded.rules),
            http_port=self.http_port,
            **describe(kafka),
        )
        if self.heap is not None:
            self.heap.apply()
        self.notifier.ready()

    async def run(self, stop: asyncio.Event) -> None:
        """Start, work until ``stop`` is set, then shut down gracefully."""
        await self.start()
        assert self.ingest is not None
        ticker = asyncio.create_task(self._tick(stop), name="clock")
        helpers = self._start_helpers(stop)
        try:
            await self.ingest.run(stop)
        finally:
            for task in (ticker, *helpers):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await self.shutdown()

    def _start_helpers(self, stop: asyncio.Event) -> list[asyncio.Task[None]]:
        """systemd watchdog pings and, if configured, the config file watcher."""
        helpers = [asyncio.create_task(self.notifier.watchdog(stop), name="watchdog")]
        if self.config.reload.watch:
            watch = watch_files(
                lambda: self.loaded, self.reloader.reload, stop, self.config.reload.watch_interval
            )
            helpers.append(asyncio.create_task(watch, name="config-watch"))
        return helpers

    async def reload(self, loaded: LoadedConfig) -> None:
        """Swap in a validated config: rules, routing tree, receivers and templates.

        Everything new is built before anything is swapped, so a failure leaves the
        running config intact. Series of unchanged rules keep their state
        (alertd/config/reload.py).
        """
        self.notifier.reloading()
        config = loaded.config
        templates = Templates(
            loaded.base_dir / config.templates_dir if config.templates_dir else None
        )
        receivers = with_customer_channels(
            build_receivers(config, templates, self.http_client), config, self.http_client
        )
        route = Route.build(config.route)
        paging = PagingOptions.from_config(config, self.pipeline.paging.silences)
        rebase_store(self.store, loaded.rules, templates)
        swap_receivers(self.dispatcher, receivers)
        self.pipeline.replace_rules(loaded.rules, route)
        self.proof.series.watch(loaded.rules)
        self.pipeline.paging.reconfigure(paging)
        self.notices.reload(loaded, templates)
        self.loaded, self.config, self.templates = loaded, config, templates
        self.notifier.ready()

    async def shutdown(self, deadline: float = 10.0) -> None:
        """Intake has stopped; finish queued notifications within ``deadline``, then close."""
        self._stopping = True
        self.notifier.stopping()
        log.info("alertd_stopping", deadline=deadline)
        await self.notices.stop()
        await self.dispatcher.drain(deadline)
        await self.dispatcher.close()
        await self.http_client.close()
        if self.ingest is not None:
            await self.ingest.stop()
        if self._proof_topic is not None:
            await self._proof_topic.stop()
        if self._silence_feed is not None:
            await self._silence_feed.stop()
        if self._producer is not None:
            await self._producer.stop()
        if self._http is not None:
            await self._http.cleanup()
        if self.broker is not None:
            await self.broker.stop()
        log.info("alertd_stopped")

    async def _tick(self, stop: asyncio.Event) -> None:
        detect = self.config.detect
        while not stop.is_set():
            await asyncio.sleep(detect.clock_tick)
            try:
                await self.pipeline.tick(time.time(), detect.idle_lag, detect.series_ttl)
            except Exception:
                log.exception("clock_tick_failed")
            if self.heap is not None:
                self.heap.tick()

    async def _start_http(self) -> None:
        host, port = self.config.http.host_port
        app = build_app(
            self.store, self.metrics, self.ready, self.loaded.api_token, self.pipeline.paging
        )
        assert self._producer is not None
        add_alertmanager_route(app, AlertmanagerFeed(self._producer, self.config.kafka.topics))
        add_reload_route(app, self.reloader)
        self.notices.register_http(app)
        add_report_routes(app, self.proof)
        self._http = web.AppRunner(app, access_log=None)
        await self._http.setup()
        site = web.TCPSite(self._http, host, port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.http_port = sockets[0].getsockname()[1] if sockets else port
