"""Feed the ledger from the pipeline's listener hooks, passing everything on.

Customer notices are recorded when the Dispatcher reports them delivered (the
customer has the email or the gateway accepted the webhook): that is when a customer
"heard first". Every other delivered notification is a page.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import structlog

from alertd.alerts.model import Transition
from alertd.ingest.event import Event
from alertd.notices.delivery import CustomerNotification
from alertd.notify.notification import Notification
from alertd.observe.listener import PipelineListener
from alertd.proof.ledger import ProofLedger

log = structlog.get_logger(__name__)


class ProofListener(PipelineListener):
    def __init__(
        self,
        ledger: ProofLedger,
        inner: PipelineListener | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.ledger = ledger
        self.inner = inner or PipelineListener()
        self._clock = clock

    def event(self, topic: str, event: Event) -> None:
        self.consumed(topic, (event,))

    def consumed(self, topic: str, events: Sequence[Event]) -> None:
        # Hot path (every consumed event): one call per batch, not per event.
        try:
            tickets = self.ledger.series.observe_many(events)
        except Exception:  # the proof report must never stop the pipeline
            log.exception("proof_ledger_failed", topic=topic)
            tickets = [event for event in events if event.kind == "ticket"]
        for ticket in tickets:
            try:
                self.ledger.observe(ticket)
            except Exception:
                log.exception("proof_ledger_failed", topic=topic, kind=ticket.kind)
        self.inner.consumed(topic, events)

    def transition(self, transition: Transition) -> None:
        try:
            self.ledger.series.alerting(transition)
        except Exception:  # the proof report must never stop the pipeline
            log.exception("proof_ledger_failed", rule=transition.rule)
        self.inner.transition(transition)

    def delivered(self, notification: Notification, channel: str) -> None:
        self.inner.delivered(notification, channel)
        try:
            self._record(notification, self._clock())
        except Exception:  # the proof report must never stop deliveries
            log.exception("proof_ledger_failed", notification=notification.id)

    def _record(self, notification: Notification, now: float) -> None:
        if isinstance(notification, CustomerNotification):
            for item in notification.items:
                if item.kind == "incident":
                    self.customer_notified(
                        item.source_id, notification.customer_id, notification.channel, now
                    )
        elif notification.status == "firing" and notification.action != "acknowledge":
            for alert in notification.changed or notification.all_alerts:
                self.ledger.paged(alert.fingerprint, now)

    def failed(self, notification: Notification, channel: str, reason: str) -> None:
        self.inner.failed(notification, channel, reason)

    def customer_notified(
        self, incident_id: str, customer_id: str, channel: str, at: float
    ) -> None:
        self.ledger.customer_notified(incident_id, customer_id, channel, at)
        self.inner.customer_notified(incident_id, customer_id, channel, at)
