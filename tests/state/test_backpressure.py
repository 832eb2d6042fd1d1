"""A slow channel never blocks ``submit``: full queues overflow, counted, in order."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from alertd.alerts.model import AlertState
from alertd.alerts.store import Alert
from alertd.notify.dispatcher import Dispatcher
from alertd.notify.notification import Notification
from alertd.notify.retry import Backoff
from alertd.observe.metrics import Metrics


@dataclass
class GatedChannel:
    """Holds every send until ``gate`` opens, like a receiver that stalls."""

    kind: str = "gated"
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    sent: list[str] = field(default_factory=list)

    def wants(self, notification: Notification) -> bool:
        return True

    async def send(self, notification: Notification) -> None:
        await self.gate.wait()
        self.sent.append(notification.id)

    async def close(self) -> None:
        pass


def _notification(n: int) -> Notification:
    alert = Alert(f"fp-{n % 2}", "r", AlertState.FIRING, {}, {}, float(n), None, None)
    return Notification.create("ops", alert, observed_at=float(n))


async def test_full_queue_overflows_instead_of_blocking_and_everything_is_sent() -> None:
    channel, metrics = GatedChannel(), Metrics()
    dispatcher = Dispatcher(
        {"ops": [channel]}, metrics, Backoff(0.01, 0.01, 1), queue_size=2, workers=1
    )
    dispatcher.start()
    notifications = [_notification(n) for n in range(10)]
    async with asyncio.timeout(1):  # would hang on the stalled channel if submit waited
        for notification in notifications:
            await dispatcher.submit(notification)
    assert dispatcher.queued() >= 8  # one in the worker's hands, the rest waiting
    assert metrics.queue_overflow._value.get() >= 7
    channel.gate.set()
    assert await dispatcher.drain(5.0)
    assert channel.sent == [n.id for n in notifications]  # one shard: submission order
    assert dispatcher.queued() == 0
    await dispatcher.close()
