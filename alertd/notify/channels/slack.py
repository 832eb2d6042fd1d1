"""Slack incoming webhook: one message per page, coloured by status.

The webhook URL is the credential (anyone holding it can post), so it is a secret
like a password and never appears in logs or errors. ``title`` and ``text`` are
optional Jinja templates over the same context as the default message.
"""

from __future__ import annotations

from typing import Any

from alertd.alerts.model import AlertState
from alertd.config.paging import SlackConfig
from alertd.notify.channels.http import HttpClient
from alertd.notify.channels.json_post import JsonPostChannel
from alertd.notify.channels.pagerduty import summary
from alertd.notify.notification import Notification
from alertd.templating import Templates

COLORS = {"firing": "danger", "resolved": "good"}


class SlackChannel(JsonPostChannel):
    kind = "slack"

    def __init__(self, config: SlackConfig, http: HttpClient, templates: Templates) -> None:
        super().__init__(config, config.api_url, http)
        self._slack = config
        self._templates = templates

    def payload(self, notification: Notification) -> dict[str, Any]:
        context = slack_context(notification)
        title = self._render(self._slack.title, default_title(context), context)
        text = self._render(self._slack.text, default_text(notification), context)
        body: dict[str, Any] = {
            "text": title,
            "attachments": [{"color": COLORS[notification.status], "title": title, "text": text}],
        }
        if self._slack.channel:
            body["channel"] = self._slack.channel
        if self._slack.username:
            body["username"] = self._slack.username
        return body

    def _render(self, template: str | None, default: str, context: dict[str, Any]) -> str:
        return default if template is None else self._templates.render(template, context)


def slack_context(notification: Notification) -> dict[str, Any]:
    alerts = notification.all_alerts
    return {
        "status": notification.status,
        "action": notification.action,
        "receiver": notification.receiver,
        "group_labels": dict(notification.group_labels),
        "alerts": [a.as_json() for a in alerts],
        "firing": sum(a.state is not AlertState.RESOLVED for a in alerts),
        "rule": notification.alert.rule,
    }


def default_title(context: dict[str, Any]) -> str:
    prefix = "ESCALATED " if context["action"] == "escalate" else ""
    if context["status"] == "resolved":
        return f"{prefix}[RESOLVED] {context['rule']}"
    return f"{prefix}[FIRING:{context['firing']}] {context['rule']}"


def default_text(notification: Notification) -> str:
    lines = []
    for alert in notification.all_alerts:
        mark = "resolved" if alert.state is AlertState.RESOLVED else "firing"
        lines.append(f"• [{mark}] {summary(alert)}")
    return "\n".join(lines)
