"""What the HTTP channels share: one client session, status -> failure reason, redaction.

One ``aiohttp.ClientSession`` per daemon keeps connections pooled across channels; the
daemon closes it on shutdown. Webhook URLs often carry a secret in their path (Slack),
so errors show only scheme, host and port.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from alertd.notify.channels.base import DeliveryError

USER_AGENT = "alertd"


class HttpClient:
    """The daemon's one session, created on first use (inside the running loop)."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers={"User-Agent": USER_AGENT})
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def redact_url(url: str) -> str:
    """``https://hooks.slack.com/[redacted]``: enough to tell which endpoint failed."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/[redacted]"


async def post_json(
    client: HttpClient,
    url: str,
    payload: Any,
    *,
    timeout: float,
    headers: Mapping[str, str] | None = None,
) -> None:
    """POST ``payload`` as JSON; any non-2xx or transport failure is a DeliveryError."""
    where = redact_url(url)
    try:
        async with client.session().post(
            url,
            json=payload,
            headers=dict(headers or {}),
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            if response.status < 300:
                return
            body = (await response.text())[:200]
            raise status_error(response.status, response.headers.get("Retry-After"), where, body)
    except TimeoutError:
        raise DeliveryError("timeout", f"POST {where} timed out after {timeout:g}s") from None
    except aiohttp.ClientError as exc:
        reason = type(exc).__name__
        raise DeliveryError("connection", f"POST {where} failed: {reason}") from None


def status_error(status: int, retry_after: str | None, where: str, body: str) -> DeliveryError:
    """Map an HTTP status to a reason: 429 and 5xx retry, other 4xx do not."""
    detail = f"POST {where} answered {status}: {body.strip()}"
    if status == 429:
        return DeliveryError("rateLimited", detail, retry_after=parse_retry_after(retry_after))
    if status in (401, 403):
        return DeliveryError("authError", detail, retryable=False)
    if status == 408:
        return DeliveryError("timeout", detail)
    if status >= 500:
        return DeliveryError("serverError", detail)
    return DeliveryError("clientError", detail, retryable=False)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from ``Retry-After``: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
