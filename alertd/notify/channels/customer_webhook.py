"""Customer notices as JSON POSTs, for SMS and messenger gateways.

The body carries the rendered short text (per locale) and the structured items, so a
gateway can either forward the text or build its own message. The daemon's shared
HTTP session is used; errors show the gateway URL redacted (it may hold a secret).
"""

from __future__ import annotations

from alertd.notices.delivery import CustomerNotification
from alertd.notify.channels.http import HttpClient, post_json
from alertd.notify.notification import Notification


class CustomerWebhookChannel:
    kind = "customer_webhook"

    def __init__(self, http: HttpClient, timeout: float = 10.0) -> None:
        self._http = http
        self._timeout = timeout

    def wants(self, notification: Notification) -> bool:
        return isinstance(notification, CustomerNotification) and bool(notification.address)

    async def send(self, notification: Notification) -> None:
        assert isinstance(notification, CustomerNotification)
        await post_json(
            self._http,
            notification.address,
            notification.payload(),
            timeout=self._timeout,
            headers={"Idempotency-Key": notification.id},
        )

    async def close(self) -> None:
        return None  # the shared session belongs to the daemon
