"""Generic webhook with Alertmanager's payload (version 4), so existing receivers work.

Anything written for Alertmanager webhooks (alert bridges, chat bots, ticket
creators) can be pointed at alertd unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from alertd.alerts.model import AlertState, rfc3339
from alertd.alerts.store import Alert
from alertd.config.paging import WebhookConfig
from alertd.notify.channels.http import HttpClient
from alertd.notify.channels.json_post import JsonPostChannel
from alertd.notify.notification import Notification

ZERO_TIME = "0001-01-01T00:00:00Z"
"""Alertmanager's endsAt for a firing alert."""


class WebhookChannel(JsonPostChannel):
    kind = "webhook"

    def __init__(self, config: WebhookConfig, http: HttpClient, external_url: str) -> None:
        super().__init__(config, config.url, http)
        self._webhook = config
        self._external_url = external_url

    def payload(self, notification: Notification) -> dict[str, Any]:
        alerts = list(notification.all_alerts)
        if not self._webhook.send_resolved:
            alerts = [a for a in alerts if a.state is not AlertState.RESOLVED]
        limit = self._webhook.max_alerts
        shown = alerts[:limit] if limit else alerts
        return {
            "version": "4",
            "groupKey": notification.group_key or notification.alert.fingerprint,
            "truncatedAlerts": len(alerts) - len(shown),
            "status": notification.status,
            "receiver": notification.receiver,
            "groupLabels": dict(notification.group_labels),
            "commonLabels": common([a.labels for a in alerts]),
            "commonAnnotations": common([a.annotations for a in alerts]),
            "externalURL": self._external_url,
            "alerts": [alert_json(a, self._external_url) for a in shown],
        }


def alert_json(alert: Alert, external_url: str) -> dict[str, Any]:
    resolved = alert.state is AlertState.RESOLVED
    return {
        "status": "resolved" if resolved else "firing",
        "labels": dict(alert.labels),
        "annotations": dict(alert.annotations),
        "startsAt": rfc3339(alert.starts_at),
        "endsAt": rfc3339(alert.ends_at) if alert.ends_at is not None else ZERO_TIME,
        "generatorURL": f"{external_url.rstrip('/')}/api/v1/alerts",
        "fingerprint": alert.fingerprint,
    }


def common(maps: Sequence[Mapping[str, str]]) -> dict[str, str]:
    """Pairs every map has with the same value."""
    if not maps:
        return {}
    first = dict(maps[0])
    return {k: v for k, v in first.items() if all(m.get(k) == v for m in maps[1:])}
