"""Build each receiver's channels from the configuration.

HTTP channels share the daemon's one :class:`HttpClient`. Email is written for one
alert, so it is wrapped: a group page becomes one mail per alert whose change
triggered it (each with that alert's own status), and ack notifications, which only
pagers with incident state (PagerDuty) act on, are skipped.
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
    """Delegates to a one-alert ``channel``: no acks, one message per changed alert."""

    def __init__(self, channel: Channel) -> None:
        self._channel = channel
        self.kind = channel.kind

    def wants(self, notification: Notification) -> bool:
        if notification.action == "acknowledge":
            return False
        return any(self._channel.wants(n) for n in split_by_alert(notification))

    async def send(self, notification: Notification) -> None:
        """A retry after a partial failure resends earlier parts with the same id
        (Message-ID), which mail systems fold."""
        for part in split_by_alert(notification):
            if self._channel.wants(part):
                await self._channel.send(part)

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


def split_by_alert(notification: Notification) -> list[Notification]:
    """One-alert notifications for the changed alerts; ids stay deterministic."""
    changed = notification.changed or (notification.alert,)
    if len(changed) == 1:
        return [replace(notification, alert=changed[0], alerts=(), changed=())]
    return [
        replace(
            notification, id=f"{notification.id}.{a.fingerprint}", alert=a, alerts=(), changed=()
        )
        for a in changed
    ]
