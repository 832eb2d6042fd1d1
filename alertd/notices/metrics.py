"""Metrics of customer notices, registered on the daemon's own registry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge


class NoticeMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.audience = Gauge(
            "alertd_customer_notice_audience",
            "Customers affected by incidents not yet closed, by segment and channel",
            ["segment", "channel"],
            registry=registry,
        )
        self.notices = Counter(
            "alertd_customer_notices_total",
            "Customer notices queued for delivery, by channel and stage",
            ["channel", "stage"],
            registry=registry,
        )
        self.awaiting_approval = Gauge(
            "alertd_customer_notices_awaiting_approval",
            "Incidents whose customer notice waits for on-call approval (audience too large)",
            registry=registry,
        )
        self.held = Gauge(
            "alertd_customer_notices_held",
            "Incidents whose customer notice is in the confirmation window or held",
            registry=registry,
        )
        self.overdue = Counter(
            "alertd_customer_updates_overdue_total",
            "Promised customer updates that became overdue (owner paged)",
            registry=registry,
        )
        self.digested = Counter(
            "alertd_customer_notice_items_deferred_total",
            "Notice items deferred by the per-customer rate limit into a digest",
            registry=registry,
        )

    def set_audience(self, rows: Iterable[Mapping[str, Mapping[str, int]]]) -> None:
        totals: dict[tuple[str, str], int] = {}
        for sizes in rows:
            for segment, channels in sizes.items():
                for channel, count in channels.items():
                    totals[(segment, channel)] = totals.get((segment, channel), 0) + count
        self.audience.clear()
        for (segment, channel), count in totals.items():
            self.audience.labels(segment, channel).set(count)
