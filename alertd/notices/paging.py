"""Page the incident owner through the normal route and dispatcher.

Used when a promised customer update is overdue: the page is the alert itself with a
summary saying what is late, under an id of its own so the delivery log does not take
it for the original page.
"""

from __future__ import annotations

import hashlib
import time

from alertd.alerts.store import Alert
from alertd.notify.dispatcher import Dispatcher
from alertd.notify.notification import Notification
from alertd.route.tree import Route


class OwnerPager:
    def __init__(self, route: Route, dispatcher: Dispatcher) -> None:
        self._route = route
        self._dispatcher = dispatcher

    async def page(self, alert: Alert, summary: str, key: str) -> list[str]:
        """Page every receiver the alert routes to; returns their names."""
        paged = Alert(
            fingerprint=alert.fingerprint,
            rule=alert.rule,
            state=alert.state,
            labels=alert.labels,
            annotations={**alert.annotations, "summary": summary, "description": summary},
            starts_at=alert.starts_at,
            ends_at=alert.ends_at,
            value=alert.value,
            context=alert.context,
        )
        receivers = self._route.receivers_for(alert.labels)
        for receiver in receivers:
            raw = f"{receiver}\x00{key}"
            nid = hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()
            await self._dispatcher.submit(Notification(nid, receiver, paged, time.time()))
        return receivers
