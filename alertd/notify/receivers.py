"""Build each receiver's channels from the configuration."""

from __future__ import annotations

from alertd.config.schema import Config
from alertd.notify.channels.base import Channel
from alertd.notify.channels.email import EmailChannel
from alertd.templating import Templates


def build_receivers(config: Config, templates: Templates) -> dict[str, list[Channel]]:
    receivers: dict[str, list[Channel]] = {}
    for receiver in config.receivers:
        channels: list[Channel] = [
            EmailChannel(email, config.smtp, templates) for email in receiver.email_configs
        ]
        receivers[receiver.name] = channels
    return receivers
