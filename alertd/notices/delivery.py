"""Hand rendered customer notices to the Dispatcher, so retries, metrics and the
delivery log (no duplicates on replay) work exactly as for pages.

Each (customer, channel, address) is one notification with a deterministic id; its
"alert" is a stand-in keyed by customer, so one customer's notices are delivered in
order by one worker.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import structlog

from alertd.alerts.model import AlertState
from alertd.alerts.store import Alert
from alertd.customers.directory import CustomerDirectory
from alertd.customers.model import Customer
from alertd.notices.composer import Composer
from alertd.notices.journal import NoJournal, NoticeJournal
from alertd.notices.model import NoticeItem, notice_id
from alertd.notify.notification import Notification
from alertd.state.origin import Origin, working_for

log = structlog.get_logger(__name__)
RECEIVERS = {"email": "customer-email", "webhook": "customer-webhook"}
"""Dispatcher receiver names under which the customer channels are registered."""


@dataclass(frozen=True, slots=True)
class CustomerNotification(Notification):
    customer_id: str = ""
    channel: str = ""
    address: str = ""
    locale: str = "en"
    parts: dict[str, str] = field(default_factory=dict)
    items: tuple[NoticeItem, ...] = ()

    def payload(self) -> dict[str, Any]:
        """The JSON a webhook (SMS/messenger gateway) receives."""
        return {
            "type": "customer_notice",
            "id": self.id,
            "customer": self.customer_id,
            "locale": self.locale,
            "text": self.parts.get("text", ""),
            "items": [item.as_json() for item in self.items],
        }


class Submitter(Protocol):
    """Where built notices go: the Dispatcher, or a report replay's recorder."""

    async def submit(self, notification: Notification) -> None: ...


class NoticeSender:
    def __init__(self, dispatcher: Submitter, composer: Composer) -> None:
        self._dispatcher = dispatcher
        self._composer = composer
        self._deferred: dict[str, dict[str, NoticeItem]] = {}
        """Webhook (SMS) items held during a customer's quiet hours, latest per story."""
        self.journal: NoticeJournal = NoJournal()
        self.origin_of: Callable[[NoticeItem], Origin | None] = lambda item: None
        """The input partition an item's incident belongs to: its notifications are
        filed in that partition's changelog outbox."""

    async def send(
        self,
        customer: Customer,
        items: Sequence[NoticeItem],
        now: float,
        channels: Sequence[str] = ("email", "webhook"),
    ) -> list[CustomerNotification]:
        """Queue the notice on every channel the customer can be reached on."""
        batch = tuple(items)
        if not batch:
            return []
        with working_for(self.origin_of(batch[0])):
            return await self._send(customer, batch, now, channels)

    async def _send(
        self,
        customer: Customer,
        batch: tuple[NoticeItem, ...],
        now: float,
        channels: Sequence[str],
    ) -> list[CustomerNotification]:
        queued: list[CustomerNotification] = []
        for channel in channels:
            addresses = list(getattr(customer.contacts, channel, []))
            if channel == "webhook" and addresses and customer.quiet_at(now):
                self._defer(customer, batch)
                continue
            for index, address in enumerate(addresses):
                note = self._build(customer, channel, address, index, batch, now)
                await self._dispatcher.submit(note)
                queued.append(note)
        return queued

    def _defer(self, customer: Customer, items: Sequence[NoticeItem]) -> None:
        held = self._deferred.setdefault(customer.id, {})
        for item in items:
            previous = held.get(item.story)
            if previous is not None:
                self.journal.undeferred(customer.id, previous)
            held[item.story] = item
            self.journal.deferred(customer.id, item)
        log.info("customer_notice_deferred", customer=customer.id, channel="webhook")

    async def release_deferred(
        self, directory: CustomerDirectory, now: float
    ) -> list[CustomerNotification]:
        """Send held webhook notices of customers whose quiet hours are over, as one
        digest with the latest state of each story."""
        sent: list[CustomerNotification] = []
        for customer_id in list(self._deferred):
            customer = directory.get(customer_id)
            if customer is None:  # gone from the directory: nobody to tell
                for item in self._deferred.pop(customer_id).values():
                    self.journal.undeferred(customer_id, item)
                continue
            if customer.quiet_at(now):
                continue
            items = sorted(self._deferred.pop(customer_id).values(), key=lambda i: (i.at, i.key))
            for item in items:
                self.journal.undeferred(customer_id, item)
            sent.extend(await self.send(customer, items, now, channels=("webhook",)))
        return sent

    def restore_deferred(self, customer_id: str, item: NoticeItem) -> None:
        """Put back an item that waited for quiet hours when the process stopped."""
        held = self._deferred.setdefault(customer_id, {})
        current = held.get(item.story)
        if current is None or (current.at, current.key) < (item.at, item.key):
            held[item.story] = item

    def forget(self, belongs: Callable[[NoticeItem], bool]) -> None:
        """Drop held items another process now owns (it restores and sends them)."""
        for customer_id, held in list(self._deferred.items()):
            for story in [s for s, item in held.items() if belongs(item)]:
                del held[story]
            if not held:
                del self._deferred[customer_id]

    def _build(
        self,
        customer: Customer,
        channel: str,
        address: str,
        index: int,
        items: tuple[NoticeItem, ...],
        now: float,
    ) -> CustomerNotification:
        nid = notice_id(customer.id, channel, items) + (f"-{index}" if index else "")
        rendered = self._composer.render(customer, channel, items, nid)
        final = all(i.final for i in items)
        stand_in = Alert(
            fingerprint=f"customer/{customer.id}",
            rule=items[0].source_id,
            state=AlertState.RESOLVED if final else AlertState.FIRING,
            labels={"customer": customer.id},
            annotations={},
            starts_at=min(i.started_at for i in items),
            ends_at=now if final else None,
            value=None,
        )
        return CustomerNotification(
            id=nid,
            receiver=RECEIVERS[channel],
            alert=stand_in,
            observed_at=now,
            customer_id=customer.id,
            channel=channel,
            address=address,
            locale=rendered.locale,
            parts=rendered.parts,
            items=items,
        )
