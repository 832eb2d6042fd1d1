"""Prometheus metrics of alertd itself.

Each daemon owns a registry (not the global one), so tests and the demo can run
several daemons in one process without metric clashes.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info

from alertd import __version__

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
LEAD_BUCKETS = (30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400)


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        Info("alertd_build", "alertd build information", registry=r).info({"version": __version__})
        self.events_consumed = Counter(
            "alertd_events_consumed_total", "Events decoded from Kafka", ["topic"], registry=r
        )
        self.events_rejected = Counter(
            "alertd_events_rejected_total",
            "Records that failed to decode and went to the dead-letter topic",
            ["topic", "reason"],
            registry=r,
        )
        self.consumer_lag = Gauge(
            "alertd_consumer_lag",
            "Records behind the partition end",
            ["topic", "partition"],
            registry=r,
        )
        self.commit_failures = Counter(
            "alertd_commit_failures_total",
            "Offset commits that did not happen because the state before them could not be "
            "written (the offsets stay uncommitted and are tried again)",
            registry=r,
        )
        self.alerts = Gauge("alertd_alerts", "Active alerts by state", ["state"], registry=r)
        self.transitions = Counter(
            "alertd_alert_transitions_total", "Alert state transitions", ["state"], registry=r
        )
        self.notifications = Counter(
            "alertd_notifications_total",
            "Notification attempts by channel and outcome (sent, failed, retried, duplicate)",
            ["channel", "outcome"],
            registry=r,
        )
        self.notification_failures = Counter(
            "alertd_notification_failures_total",
            "Failed delivery attempts by channel and reason",
            ["channel", "reason"],
            registry=r,
        )
        self.latency = Histogram(
            "alertd_event_to_notification_seconds",
            "From consuming the triggering event to a delivered notification",
            ["channel"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.queue_depth = Gauge(
            "alertd_notify_queue_depth", "Notifications waiting for a worker", registry=r
        )
        self.outbox = Gauge(
            "alertd_notify_outbox",
            "Notifications in the changelog outbox, not yet delivered on every channel",
            registry=r,
        )
        self.queue_overflow = Counter(
            "alertd_notify_queue_overflow_total",
            "Deliveries that found their worker queue full and waited in the overflow",
            registry=r,
        )
        self.series = Gauge("alertd_series", "Live detector series", registry=r)
        self.series_expired = Counter(
            "alertd_series_expired_total",
            "Series dropped after detect.series_ttl without events",
            registry=r,
        )
        self.detector_errors = Counter(
            "alertd_detector_errors_total",
            "Points a detector's arithmetic failed on (that series started over)",
            registry=r,
        )
        self.pages_suppressed = Counter(
            "alertd_notifications_suppressed_total",
            "Alerts left out of a page by reason (silenced, inhibited, muted)",
            ["reason"],
            registry=r,
        )
        self.escalations = Counter(
            "alertd_escalations_total",
            "Unacknowledged incidents paged to the next escalation level",
            ["policy"],
            registry=r,
        )
        self.reload_ok = Gauge(
            "alertd_config_last_reload_successful",
            "1 if the last configuration load succeeded",
            registry=r,
        )
        self.reload_time = Gauge(
            "alertd_config_last_reload_success_timestamp_seconds",
            "Time of the last successful configuration load",
            registry=r,
        )
        self.notice_lead = Histogram(
            "alertd_notice_lead_seconds",
            "Per incident: first customer notice to first support ticket (notice came first)",
            buckets=LEAD_BUCKETS,
            registry=r,
        )
        self.tickets = Counter(
            "alertd_tickets_total",
            "Support tickets about an incident, by whether the customer had been notified",
            ["notified"],
            registry=r,
        )
        self.ticket_first = Counter(
            "alertd_incidents_ticket_first_total",
            "Incidents where a support ticket came before any customer notice",
            registry=r,
        )
