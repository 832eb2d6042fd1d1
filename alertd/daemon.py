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

from alertd.alerts.store import AlertStore
from alertd.api.server import build_app
from alertd.config.schema import LoadedConfig
from alertd.embedded.tansu import EmbeddedBroker
from alertd.ingest.consumer import KafkaIngest
from alertd.ingest.dlq import DeadLetters
from alertd.ingest.topics import ensure_topics
from alertd.notify.dispatcher import Dispatcher
from alertd.notify.receivers import build_receivers
from alertd.notify.retry import Backoff
from alertd.observe.listener import PipelineListener
from alertd.observe.metrics import Metrics
from alertd.pipeline import Pipeline
from alertd.route.tree import Route
from alertd.templating import Templates

log = structlog.get_logger(__name__)


class Daemon:
    def __init__(
        self,
        loaded: LoadedConfig,
        listener: PipelineListener | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.loaded = loaded
        self.config = loaded.config
        self.metrics = metrics or Metrics()
        self.listener = listener or PipelineListener()
        templates_dir = (
            loaded.base_dir / self.config.templates_dir if self.config.templates_dir else None
        )
        self.templates = Templates(templates_dir)
        self.store = AlertStore(loaded.rules, self.templates)
        retry = self.config.notify.retry
        self.dispatcher = Dispatcher(
            build_receivers(self.config, self.templates),
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
        )
        self.broker: EmbeddedBroker | None = None
        self.bootstrap_servers = self.config.kafka.bootstrap_servers
        self.ingest: KafkaIngest | None = None
        self._producer: AIOKafkaProducer | None = None
        self._http: web.AppRunner | None = None
        self.http_port: int | None = None
        self._stopping = False

    def ready(self) -> bool:
        return not self._stopping and self.ingest is not None and self.ingest.ready

    async def start(self) -> None:
        kafka = self.config.kafka
        if kafka.bootstrap_servers == "embedded":
            self.broker = EmbeddedBroker()
            self.bootstrap_servers = await self.broker.start()
        await ensure_topics(
            self.bootstrap_servers,
            [*(t.name for t in kafka.topics), kafka.dlq_topic],
            kafka.partitions,
        )
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap_servers, client_id=kafka.client_id, acks="all"
        )
        await self._producer.start()
        self.dispatcher.start()
        self.ingest = KafkaIngest(
            kafka,
            self.bootstrap_servers,
            self.pipeline.handle,
            DeadLetters(self._producer, kafka.dlq_topic, self.metrics),
            self.metrics,
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
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Start, work until ``stop`` is set, then shut down gracefully."""
        await self.start()
        assert self.ingest is not None
        ticker = asyncio.create_task(self._tick(stop), name="clock")
        try:
            await self.ingest.run(stop)
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
            await self.shutdown()

    async def shutdown(self, deadline: float = 10.0) -> None:
        """Intake has stopped; finish queued notifications within ``deadline``, then close."""
        self._stopping = True
        log.info("alertd_stopping", deadline=deadline)
        await self.dispatcher.drain(deadline)
        await self.dispatcher.close()
        if self.ingest is not None:
            await self.ingest.stop()
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
                await self.pipeline.tick(time.time(), detect.idle_lag)
            except Exception:
                log.exception("clock_tick_failed")

    async def _start_http(self) -> None:
        host, port = self.config.http.host_port
        app = build_app(self.store, self.metrics, self.ready, self.loaded.api_token)
        self._http = web.AppRunner(app, access_log=None)
        await self._http.setup()
        site = web.TCPSite(self._http, host, port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.http_port = sockets[0].getsockname()[1] if sockets else port
