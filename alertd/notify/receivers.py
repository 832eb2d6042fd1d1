"""Build each receiver's channels from the configuration.

HTTP channels share the daemon's one :class:`HttpClient`. Email is written for one
alert, so it is wrapped: it gets the alert that triggered a group's page (with that
alert's own status) and skips ack notifications, which only pagers with incident
state (PagerDuty) act on.
"""

from __future__ import annotations

from dataclasses import replace

from alertd.config.schema import Config
from alertd.notify.channels.base import Channel
from alertd.notify.channels.email import EmailChannel
from alertd.notify.channels.http import HttpClient
from alertd.notify.channels.pagerduty import PagerDutyChannel
from alertd.notify.channels.slack import SlackChannel
from alertd.notify.channels.webhook import WebhookChannel
from alertd.notify.notification import Notification
from alertd.templating import Templates


class SingleAlertPages:
    """Delegates to a one-alert ``channel``: no acks, and only the triggering alert."""

    def __init__(self, channel: Channel) -> None:
        self._channel = channel
        self.kind = channel.kind

    def wants(self, notification: Notification) -> bool:
        if notification.action == "acknowledge":
            return False
        return self._channel.wants(_single(notification))

    async def send(self, notification: Notification) -> None:
        await self._channel.send(_single(notification))

    async def close(self) -> None:
        await self._channel.close()


def build_receivers(
    config: Config, templates: Templates, http: HttpClient | None = None
) -> dict[str, list[Channel]]:
    """Channels per receiver; secrets must already be resolved by the config loader."""
    http = http or HttpClient()
    receivers: dict[str, list[Channel]] = {}
    for receiver in config.receivers:
        channels: list[Channel] = [
            SingleAlertPages(EmailChannel(email, config.smtp, templates))
            for email in receiver.email_configs
        ]
        channels.extend(PagerDutyChannel(c, http) for c in receiver.pagerduty_configs)
        channels.extend(SlackChannel(c, http, templates) for c in receiver.slack_configs)
        channels.extend(
            WebhookChannel(c, http, config.external_url) for c in receiver.webhook_configs
        )
        receivers[receiver.name] = channels
    return receivers


def _single(notification: Notification) -> Notification:
    """Same id (so the same Message-ID), but status and content of the primary alert."""
    return replace(notification, alerts=())
