"""What the digest buffers and quiet-hour holds tell their persistence.

Items waiting for a customer (rate limit, digest, quiet hours) are promises not yet
kept; the daemon journals them to the changelog of the partition whose incident they
describe, so a restart or a failover sends them instead of forgetting them. Tests and
``alertd backtest`` use :class:`NoJournal`.
"""

from __future__ import annotations

from typing import Protocol

from alertd.notices.model import NoticeItem


class NoticeJournal(Protocol):
    def buffered(self, customer_id: str, item: NoticeItem) -> None:
        """``item`` waits in the customer's digest buffer."""

    def unbuffered(self, customer_id: str, item: NoticeItem) -> None:
        """``item`` left the digest buffer (sent, replaced or merged away)."""

    def sent(self, customer_id: str, at: float, items: list[NoticeItem]) -> None:
        """The customer was sent ``items`` at ``at`` (starts the rate-limit gap)."""

    def deferred(self, customer_id: str, item: NoticeItem) -> None:
        """``item`` waits for the end of the customer's quiet hours."""

    def undeferred(self, customer_id: str, item: NoticeItem) -> None:
        """``item`` no longer waits for quiet hours (sent or replaced)."""


class NoJournal:
    """Keeps nothing: state lives and dies with the process."""

    def buffered(self, customer_id: str, item: NoticeItem) -> None:
        pass

    def unbuffered(self, customer_id: str, item: NoticeItem) -> None:
        pass

    def sent(self, customer_id: str, at: float, items: list[NoticeItem]) -> None:
        pass

    def deferred(self, customer_id: str, item: NoticeItem) -> None:
        pass

    def undeferred(self, customer_id: str, item: NoticeItem) -> None:
        pass
