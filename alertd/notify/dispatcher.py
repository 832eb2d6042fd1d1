"""Deliver notifications without ever blocking event consumption.

``submit`` only enqueues (bounded queues). Workers send each (notification, channel)
pair once, retrying with backoff; every outcome is counted. The delivery log skips
pairs already delivered, which is what makes replays safe.

Deliveries are sharded by alert fingerprint and channel, one queue per worker, so the
firing and the resolved notice of one alert always arrive on a channel in that order,
and a channel that is down does not hold up the alert's other channels.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import structlog

from alertd.notify.channels.base import Channel, DeliveryError
from alertd.notify.delivery_log import DeliveryLog
from alertd.notify.notification import Notification
from alertd.notify.retry import Backoff
from alertd.observe.listener import PipelineListener
from alertd.observe.metrics import Metrics

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class _Delivery:
    notification: Notification
    channel: Channel
    key: str


class DeliveryHooks(Protocol):
    """Persistence of what is submitted and delivered (the outbox in alertd/state)."""

    def submitted(self, notification: Notification, delivery_keys: Sequence[str]) -> None: ...

    async def delivered(self, notification: Notification, delivery_key: str) -> None: ...


class Dispatcher:
    def __init__(
        self,
        receivers: Mapping[str, Sequence[Channel]],
        metrics: Metrics,
        backoff: Backoff,
        *,
        timeout: float = 10.0,
        queue_size: int = 10_000,
        workers: int = 4,
        delivery_log: DeliveryLog | None = None,
        listener: PipelineListener | None = None,
    ) -> None:
        self._receivers = receivers
        self._metrics = metrics
        self._backoff = backoff
        self._timeout = timeout
        per_worker = max(1, queue_size // workers)
        self._queues: list[asyncio.Queue[_Delivery]] = [
            asyncio.Queue(maxsize=per_worker) for _ in range(workers)
        ]
        self._workers: list[asyncio.Task[None]] = []
        self.delivery_log = delivery_log or DeliveryLog()
        self._listener = listener or PipelineListener()
        self._in_flight: set[str] = set()
        self._overflow: list[deque[_Delivery]] = [deque() for _ in range(workers)]
        """Deliveries that found their queue full: fed in as workers free up, so a
        slow channel never blocks ``submit`` (and with it event consumption)."""
        self.hooks: DeliveryHooks | None = None

    def start(self) -> None:
        self._workers = [
            asyncio.create_task(self._work(i), name=f"notify-worker-{i}")
            for i in range(len(self._queues))
        ]

    def queued(self) -> int:
        return sum(q.qsize() for q in self._queues) + sum(len(o) for o in self._overflow)

    async def submit(self, notification: Notification) -> None:
        """Queue every channel of the receiver; never waits (a full queue overflows)."""
        deliveries = []
        for index, channel in enumerate(self._receivers.get(notification.receiver, ())):
            if not channel.wants(notification):
                continue
            key = f"{notification.id}/{index}"
            if key in self.delivery_log or key in self._in_flight:
                self._metrics.notifications.labels(channel.kind, "duplicate").inc()
                continue
            shard = hash((notification.alert.fingerprint, index)) % len(self._queues)
            deliveries.append((shard, _Delivery(notification, channel, key)))
        if self.hooks is not None:
            self.hooks.submitted(notification, [d.key for _, d in deliveries])
        for shard, delivery in deliveries:
            self._in_flight.add(delivery.key)
            self._enqueue(shard, delivery)
        self._metrics.queue_depth.set(self.queued())

    def _enqueue(self, shard: int, delivery: _Delivery) -> None:
        queue, overflow = self._queues[shard], self._overflow[shard]
        if overflow or queue.full():
            overflow.append(delivery)  # behind earlier overflow: per-alert order holds
            self._metrics.queue_overflow.inc()
        else:
            queue.put_nowait(delivery)

    def _refill(self, shard: int) -> None:
        queue, overflow = self._queues[shard], self._overflow[shard]
        while overflow and not queue.full():
            queue.put_nowait(overflow.popleft())

    async def drain(self, deadline: float) -> bool:
        """Wait until every queued delivery finished or ``deadline`` seconds passed."""
        try:
            await asyncio.wait_for(asyncio.gather(*(q.join() for q in self._queues)), deadline)
            return True
        except TimeoutError:
            log.warning("notify_drain_timeout", pending=self.queued())
            return False

    async def close(self) -> None:
        for task in self._workers:
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        channels = {id(c): c for chans in self._receivers.values() for c in chans}
        await asyncio.gather(*(c.close() for c in channels.values()), return_exceptions=True)

    async def _work(self, shard: int) -> None:
        queue = self._queues[shard]
        while True:
            delivery = await queue.get()
            self._metrics.queue_depth.set(self.queued())
            try:
                await self._deliver(delivery)
            except Exception:  # a bug in one channel must not kill the worker
                log.exception("notify_worker_error", channel=delivery.channel.kind)
            finally:
                self._in_flight.discard(delivery.key)
                self._refill(shard)  # before task_done: drain() sees the overflow too
                queue.task_done()

    async def _deliver(self, delivery: _Delivery) -> None:
        notification, channel = delivery.notification, delivery.channel
        for attempt in range(1, self._backoff.attempts + 1):
            try:
                async with asyncio.timeout(self._timeout):
                    await channel.send(notification)
            except (DeliveryError, TimeoutError) as exc:
                error = (
                    exc
                    if isinstance(exc, DeliveryError)
                    else DeliveryError("timeout", "send timed out")
                )
                self._metrics.notification_failures.labels(channel.kind, error.reason).inc()
                last = attempt == self._backoff.attempts or not error.retryable
                log.warning(
                    "notification_failed",
                    channel=channel.kind,
                    receiver=notification.receiver,
                    notification=notification.id,
                    reason=error.reason,
                    error=str(error),
                    attempt=attempt,
                    final=last,
                )
                if last:
                    self._metrics.notifications.labels(channel.kind, "failed").inc()
                    self._listener.failed(notification, channel.kind, error.reason)
                    return
                self._metrics.notifications.labels(channel.kind, "retried").inc()
                await asyncio.sleep(self._backoff.delay(attempt, error.retry_after))
                continue
            self._record_success(delivery)
            if self.hooks is not None:
                await self.hooks.delivered(notification, delivery.key)
            return

    def _record_success(self, delivery: _Delivery) -> None:
        notification, channel = delivery.notification, delivery.channel
        now = time.time()
        self.delivery_log.record(delivery.key, now)
        self._metrics.notifications.labels(channel.kind, "sent").inc()
        self._metrics.latency.labels(channel.kind).observe(max(0.0, now - notification.observed_at))
        log.info(
            "notification_sent",
            channel=channel.kind,
            receiver=notification.receiver,
            notification=notification.id,
            alert=notification.alert.rule,
            status=notification.status,
        )
        self._listener.delivered(notification, channel.kind)
