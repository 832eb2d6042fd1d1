"""Customer email and webhook channels against real SMTP and HTTP servers."""

from __future__ import annotations

import pytest

from alertd.config.schema import SmtpConfig
from alertd.demo.smtp_sink import SmtpSink
from alertd.notices.composer import Composer
from alertd.notices.delivery import CustomerNotification, NoticeSender
from alertd.notify.channels.base import DeliveryError
from alertd.notify.channels.customer_email import CustomerEmailChannel
from alertd.notify.channels.customer_webhook import CustomerWebhookChannel
from alertd.notify.channels.http import HttpClient
from alertd.templating import Templates
from tests.notices.helpers import T0, checkout_item, customer
from tests.support.http_recorder import HttpRecorder

ITEM = checkout_item()


class Capture:
    def __init__(self) -> None:
        self.notes: list[CustomerNotification] = []

    async def submit(self, note: CustomerNotification) -> None:
        self.notes.append(note)


async def build(address_kind: str, address: str) -> CustomerNotification:
    capture = Capture()
    sender = NoticeSender(capture, Composer(Templates()))  # type: ignore[arg-type]
    contacts = {address_kind: [address]}
    await sender.send(customer("eu1", locale="ru", contacts=contacts), [ITEM], T0)
    [note] = capture.notes
    return note


async def test_email_has_text_html_and_the_same_message_id_on_replay(smtp: SmtpSink) -> None:
    channel = CustomerEmailChannel(
        SmtpConfig(host="127.0.0.1", port=smtp.port), "status@shop.example"
    )
    note = await build("email", "it@eu1.example")
    await channel.send(note)
    await channel.send(await build("email", "it@eu1.example"))  # a replay
    first, second = await smtp.wait_for(2, timeout=10)
    assert first.recipients == ["it@eu1.example"]
    assert first.message["Message-ID"] == f"<{note.id}@shop.example>"
    assert second.message["Message-ID"] == first.message["Message-ID"]
    assert first.message["Content-Language"] == "ru"
    assert "Как обойти: Pay by invoice" in first.text()
    assert "<b>Как обойти:</b> Pay by invoice" in first.html()


async def test_email_to_unreachable_server_is_a_connection_error() -> None:
    channel = CustomerEmailChannel(
        SmtpConfig(host="127.0.0.1", port=1, timeout=2), "status@shop.example"
    )
    with pytest.raises(DeliveryError) as error:
        await channel.send(await build("email", "it@eu1.example"))
    assert error.value.reason == "connection"


async def test_webhook_posts_json_and_maps_failures(http_recorder: HttpRecorder) -> None:
    http = HttpClient()
    channel = CustomerWebhookChannel(http, timeout=5)
    note = await build("webhook", f"{http_recorder.url}/sms/secret-token")
    try:
        await channel.send(note)
        http_recorder.fail_next(429, headers={"Retry-After": "7"})
        with pytest.raises(DeliveryError) as limited:
            await channel.send(note)
        http_recorder.fail_next(400)
        with pytest.raises(DeliveryError) as rejected:
            await channel.send(note)
    finally:
        await http.close()
    [request] = http_recorder.requests
    body = request.json()
    assert request.path == "/sms/secret-token"
    assert request.headers["Idempotency-Key"] == note.id
    assert body["customer"] == "eu1"
    assert body["items"][0]["workaround"] == "Pay by invoice"
    assert "Pay by invoice" in body["text"]
    assert (limited.value.reason, limited.value.retry_after) == ("rateLimited", 7.0)
    assert rejected.value.reason == "clientError"
    assert not rejected.value.retryable
    assert "secret-token" not in str(rejected.value)
