"""PagerDuty Events API v2: trigger, acknowledge and resolve, one event per alert.

``dedup_key`` is the alert fingerprint, so PagerDuty folds repeats and replays of the
same alert into one incident and the resolve closes exactly that incident. The
routing key is a secret: it is only ever put in the request body.
"""

from __future__ import annotations

from typing import Any

from alertd.alerts.model import AlertState, rfc3339
from alertd.alerts.store import Alert
from alertd.config.paging import PagerDutyConfig
from alertd.notify.channels.http import HttpClient, post_json
from alertd.notify.notification import Notification

SEVERITIES = {"critical": "critical", "error": "error", "warning": "warning", "info": "info"}
SUMMARY_LIMIT = 1024


class PagerDutyChannel:
    kind = "pagerduty"

    def __init__(self, config: PagerDutyConfig, http: HttpClient) -> None:
        if config.routing_key is None:
            raise ValueError("pagerduty: routing_key (or routing_key_env/_file) is required")
        self._config = config
        self._routing_key = config.routing_key
        self._http = http

    def wants(self, notification: Notification) -> bool:
        return notification.status == "firing" or self._config.send_resolved

    async def send(self, notification: Notification) -> None:
        for event in self.events(notification):
            await post_json(self._http, self._config.url, event, timeout=self._config.timeout)

    def events(self, notification: Notification) -> list[dict[str, Any]]:
        """The Events API v2 bodies for this notification, in sending order."""
        out = []
        for alert in notification.all_alerts:
            if alert.state is AlertState.RESOLVED:
                if self._config.send_resolved:
                    out.append(self._event("resolve", alert))
            elif notification.action == "acknowledge":
                out.append(self._event("acknowledge", alert))
            else:
                out.append(self._trigger(alert))
        return out

    def _event(self, action: str, alert: Alert) -> dict[str, Any]:
        return {
            "routing_key": self._routing_key.get_secret_value(),
            "event_action": action,
            "dedup_key": alert.fingerprint,
        }

    def _trigger(self, alert: Alert) -> dict[str, Any]:
        event = self._event("trigger", alert)
        labels = dict(alert.labels)
        severity = self._config.severity or SEVERITIES.get(labels.get("severity", ""), "error")
        event["payload"] = {
            "summary": summary(alert)[:SUMMARY_LIMIT],
            "source": labels.get("instance") or labels.get("service") or self._config.source,
            "severity": severity,
            "timestamp": rfc3339(alert.starts_at),
            "component": labels.get("service") or labels.get("component"),
            "group": labels.get("team"),
            "class": alert.rule,
            "custom_details": {
                "labels": labels,
                "annotations": dict(alert.annotations),
                "value": alert.value,
            },
        }
        event["client"] = self._config.client
        runbook = alert.annotations.get("runbook_url")
        if runbook:
            event["links"] = [{"href": runbook, "text": "Runbook"}]
        if self._config.client_url:
            event["client_url"] = self._config.client_url
        return event

    async def close(self) -> None:
        return None  # the HTTP session is the daemon's


def summary(alert: Alert) -> str:
    """The annotation ``summary`` if the rule has one, else rule and labels."""
    if alert.annotations.get("summary"):
        return alert.annotations["summary"]
    shown = ", ".join(
        f"{k}={v}" for k, v in sorted(alert.labels.items()) if k not in ("alertname", "severity")
    )
    return f"{alert.rule} ({shown})" if shown else alert.rule
