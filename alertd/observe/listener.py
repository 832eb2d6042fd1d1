"""Hooks into the pipeline for people watching it (the demo's timeline, tests)."""

from __future__ import annotations

from collections.abc import Sequence

from alertd.alerts.model import Transition
from alertd.ingest.event import Event
from alertd.notify.notification import Notification


class PipelineListener:
    """No-op base; override what you want to see."""

    def event(self, topic: str, event: Event) -> None: ...

    def consumed(self, topic: str, events: Sequence[Event]) -> None:
        """A run of consumed events, in order; override for one call per batch."""
        event = self.event
        for item in events:
            event(topic, item)

    def transition(self, transition: Transition) -> None: ...

    def delivered(self, notification: Notification, channel: str) -> None: ...

    def failed(self, notification: Notification, channel: str, reason: str) -> None: ...

    def customer_notified(
        self, incident_id: str, customer_id: str, channel: str, at: float
    ) -> None:
        """A notice about ``incident_id`` reached ``customer_id`` (see alertd/proof)."""
