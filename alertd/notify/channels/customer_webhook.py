"""Customer notices as JSON POSTs, for SMS and messenger gateways.

The body carries the rendered short text (per locale) and the structured items, so a
gateway can either forward the text or build its own message.
"""

from __future__ import annotations

import aiohttp

from alertd.notices.delivery import CustomerNotification
from alertd.notify.channels.base import DeliveryError
from alertd.notify.notification import Notification


class CustomerWebhookChannel:
    kind = "customer_webhook"

    def __init__(self, timeout: float = 10.0) -> None:
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    def wants(self, notification: Notification) -> bool:
        return isinstance(notification, CustomerNotification) and bool(notification.address)

    async def send(self, notification: Notification) -> None:
        assert isinstance(notification, CustomerNotification)
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._timeout)
            )
        headers = {"Idempotency-Key": notification.id, "User-Agent": "alertd"}
        try:
            async with self._session.post(
                notification.address, json=notification.payload(), headers=headers
            ) as response:
                await response.read()
                _check(response)
        except aiohttp.ClientError as exc:
            raise DeliveryError("connection", f"{notification.address}: {exc}") from exc

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def _check(response: aiohttp.ClientResponse) -> None:
    status = response.status
    if status < 300:
        return
    if status == 429:
        retry_after = _seconds(response.headers.get("Retry-After"))
        raise DeliveryError("rateLimited", "429 from gateway", retry_after=retry_after)
    if status >= 500:
        raise DeliveryError("serverError", f"HTTP {status}")
    if status in (401, 403):
        raise DeliveryError("authError", f"HTTP {status}", retryable=False)
    raise DeliveryError("clientError", f"HTTP {status}", retryable=False)


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None
