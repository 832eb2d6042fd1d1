"""The part Slack and generic webhooks share: one JSON POST per notification to a URL
that is itself a credential."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from alertd.config.paging import HttpChannelConfig
from alertd.notify.channels.http import HttpClient, post_json
from alertd.notify.notification import Notification


class JsonPostChannel:
    kind = "json"

    def __init__(self, config: HttpChannelConfig, url: SecretStr | None, http: HttpClient) -> None:
        if url is None:
            raise ValueError(f"{self.kind}: a URL (inline, *_env or *_file) is required")
        self._config = config
        self._url = url
        self._http = http

    def wants(self, notification: Notification) -> bool:
        if notification.action == "acknowledge":
            return False
        return notification.status == "firing" or self._config.send_resolved

    async def send(self, notification: Notification) -> None:
        await post_json(
            self._http,
            self._url.get_secret_value(),
            self.payload(notification),
            timeout=self._config.timeout,
        )

    def payload(self, notification: Notification) -> dict[str, Any]:
        raise NotImplementedError

    async def close(self) -> None:
        return None  # the HTTP session is the daemon's
