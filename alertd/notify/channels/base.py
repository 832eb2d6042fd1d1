"""The interface every channel implements, and how a channel reports failure."""

from __future__ import annotations

from typing import Protocol

from alertd.notify.notification import Notification


class DeliveryError(Exception):
    """A send failed. ``reason`` becomes a metric label, so keep it to a small set.

    Reasons: ``timeout``, ``connection``, ``serverError``, ``rateLimited``,
    ``authError``, ``clientError``, ``rejected``.
    """

    def __init__(
        self, reason: str, detail: str, *, retryable: bool = True, retry_after: float | None = None
    ) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after


class Channel(Protocol):
    kind: str
    """Metric label, e.g. ``email``, ``pagerduty``."""

    def wants(self, notification: Notification) -> bool:
        """False to skip, e.g. a resolve on a channel with ``send_resolved: false``."""

    async def send(self, notification: Notification) -> None:
        """Deliver once or raise DeliveryError."""

    async def close(self) -> None: ...
