"""The HTTP helpers: Retry-After forms, URL redaction, timeouts."""

from __future__ import annotations

import asyncio
import email.utils
import time

import pytest

from alertd.notify.channels.base import DeliveryError
from alertd.notify.channels.http import HttpClient, parse_retry_after, post_json, redact_url


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert parse_retry_after("7") == 7.0
    soon = email.utils.formatdate(time.time() + 30, usegmt=True)
    seconds = parse_retry_after(soon)
    assert seconds is not None
    assert 25 <= seconds <= 31
    assert parse_retry_after("soon-ish") is None
    assert parse_retry_after(None) is None


def test_redaction_keeps_only_scheme_host_and_port() -> None:
    url = "https://user:pw@hooks.slack.com:8443/services/T0/B0/secret?token=x"
    assert redact_url(url) == "https://hooks.slack.com:8443/[redacted]"


async def test_server_that_never_answers_is_a_timeout() -> None:
    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(1)
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = HttpClient()
    try:
        with pytest.raises(DeliveryError) as caught:
            await post_json(client, f"http://127.0.0.1:{port}/x/secret", {}, timeout=0.2)
    finally:
        await client.close()
        server.close()
    assert caught.value.reason == "timeout"
    assert caught.value.retryable
    assert "secret" not in str(caught.value)
