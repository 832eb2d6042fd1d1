"""Customer notices through the real path: Kafka broker, daemon, SMTP and HTTP peers.

The key scenario: an EU checkout degradation notifies only EU customers subscribed to
checkout, each in their language and time zone, with workaround and next-update
time, then an update and a resolution; US customers receive nothing.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from alertd.daemon import Daemon
from alertd.demo.smtp_sink import ReceivedMail, SmtpSink
from alertd.ingest.event import Event
from tests.support import checkout
from tests.support.daemon import kafka_yaml, running_daemon, unique, write_config
from tests.support.http_recorder import HttpRecorder
from tests.support.kafka import produce_events, produce_raw

TOKEN = "s3cret-token"
START = 1_790_000_000.0
RULES = checkout.rules(
    for_="30s",
    customers=checkout.CUSTOMERS
    + """\
      impact: "Some card payments in {{ labels.region }} fail"
      workaround: "{{ 'Pay by invoice' }}"
""",
)


def config(kafka: str, topic: str, customers_topic: str, smtp: int, confirm: str) -> str:
    return checkout.email_oncall(
        kafka_yaml(kafka, topic),
        smtp,
        http=f'{{listen: "127.0.0.1:0", token: {TOKEN}}}',
        extra=f"""\
customers:
  topic: {customers_topic}
  segments: {{enterprise-eu: {{plan: enterprise, regions: "eu-*"}}}}
notices:
  confirm_after: {confirm}
  rate_limit: 0s
  update_interval: 30m
  from: status@shop.example
""",
    )


def customer_event(cid: str, **attributes: Any) -> bytes:
    event = {
        "time": START,
        "kind": "customer",
        "name": "upsert",
        "attributes": {"id": cid, "components": ["checkout"], **attributes},
    }
    return json.dumps(event).encode()


async def publish_customers(kafka: str, topic: str, webhook: str) -> None:
    records = {
        "eu-en": customer_event(
            "eu-en",
            name="Acme",
            plan="enterprise",
            regions=["eu-west"],
            timezone="Europe/London",
            contacts={"email": ["ops@acme.example"], "webhook": [f"{webhook}/sms/eu-en"]},
        ),
        "eu-ru": customer_event(
            "eu-ru",
            name="Ромашка",
            regions=["eu-west"],
            locale="ru",
            timezone="Europe/Moscow",
            contacts={"email": ["it@romashka.example"]},
        ),
        "us": customer_event(
            "us",
            name="Globex",
            regions=["us-east"],
            contacts={"email": ["noc@globex.example"], "webhook": [f"{webhook}/sms/us"]},
        ),
        "eu-search": customer_event(
            "eu-search",
            regions=["eu-west"],
            components=["search"],
            contacts={"email": ["s@search.example"]},
        ),
    }
    for key, value in records.items():
        await produce_raw(kafka, topic, [value], key=key.encode())


def degradation(region: str, values: list[float], offset: int = 0) -> list[Event]:
    return [checkout.ratio(START + 15 * (i + offset), v, region) for i, v in enumerate(values)]


async def until(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.05)


def to_customers(smtp: SmtpSink) -> list[ReceivedMail]:
    return [m for m in smtp.messages if m.sender == "status@shop.example"]


def mails_for(smtp: SmtpSink, address: str) -> list[ReceivedMail]:
    return [m for m in to_customers(smtp) if address in m.recipients]


async def started(
    kafka: str, tmp_path: Path, smtp: SmtpSink, http: HttpRecorder, confirm: str
) -> tuple[Path, str, str]:
    topic, customers_topic = unique("events"), unique("customers")
    path = write_config(tmp_path, config(kafka, topic, customers_topic, smtp.port, confirm), RULES)
    return path, topic, customers_topic


async def wait_directory(daemon: Daemon, size: int) -> None:
    await until(lambda: len(daemon.notices.directory) == size)


async def test_eu_checkout_degradation_notifies_only_eu_checkout_customers_in_their_language(
    kafka: str, smtp: SmtpSink, http_recorder: HttpRecorder, tmp_path: Path
) -> None:
    path, topic, customers_topic = await started(kafka, tmp_path, smtp, http_recorder, "1s")
    async with running_daemon(path) as daemon:
        await publish_customers(kafka, customers_topic, http_recorder.url)
        await wait_directory(daemon, 4)
        await produce_events(
            kafka,
            topic,
            sorted(
                degradation("eu-west", [0.01, 0.07, 0.08, 0.09, 0.09])
                + degradation("us-east", [0.01, 0.02, 0.01, 0.01, 0.01]),
                key=lambda e: e.time,
            ),
        )
        await until(lambda: len(to_customers(smtp)) >= 2)
        await http_recorder.wait_for(1)
        base = f"http://127.0.0.1:{daemon.http_port}"
        auth = {"Authorization": f"Bearer {TOKEN}"}
        async with aiohttp.ClientSession() as client:
            notices = await (await client.get(f"{base}/api/v1/notices")).json()
            [eu_notice] = [n for n in notices["notices"] if n["labels"]["region"] == "eu-west"]
            incident = eu_notice["incident"]
            feed_ru = await (await client.get(f"{base}/api/v1/status?customer=eu-ru")).json()
            feed_us = await (await client.get(f"{base}/api/v1/status?customer=us")).json()
            denied = await client.post(f"{base}/api/v1/incidents/{incident}/update", json={})
            update = await client.post(
                f"{base}/api/v1/incidents/{incident}/update",
                json={"stage": "identified", "text": "Card processor outage", "eta_in": "45m"},
                headers=auth,
            )
            assert update.status == 200, await update.text()
            await until(lambda: len(to_customers(smtp)) >= 4)
            await produce_events(kafka, topic, degradation("eu-west", [0.01, 0.01], offset=5))
            await until(lambda: len(to_customers(smtp)) >= 6)
            await asyncio.sleep(1.5)  # anything extra (duplicates, US mail) would show now
            metrics = await (await client.get(f"{base}/metrics")).text()

    assert eu_notice["audience"]["bySegment"] == {
        "enterprise-eu": {"status": 1, "email": 1, "webhook": 1},
        "(none)": {"status": 1, "email": 1},
    }
    assert denied.status == 401
    assert feed_ru["status"] == "degraded"
    assert feed_ru["incidents"][0]["workaround"] == "Pay by invoice"
    assert feed_us == {
        "status": "operational",
        "incidents": [],
        "maintenance": [],
        "customer": feed_us["customer"],
        "segment": None,
    }

    assert mails_for(smtp, "noc@globex.example") == []
    assert mails_for(smtp, "s@search.example") == []
    assert [r.path for r in http_recorder.requests] == ["/sms/eu-en"] * 3

    en = mails_for(smtp, "ops@acme.example")
    ru = mails_for(smtp, "it@romashka.example")
    assert [m.subject for m in en] == [
        "[Investigating] Checkout problems in eu-west",
        "[Identified] Checkout problems in eu-west",
        "[Resolved] Checkout problems in eu-west",
    ]
    assert [m.subject for m in ru] == [
        "[Выясняем причину] Checkout problems in eu-west",
        "[Причина найдена] Checkout problems in eu-west",
        "[Решено] Checkout problems in eu-west",
    ]
    first_en, first_ru = en[0].text(), ru[0].text()
    assert "Impact: Some card payments in eu-west fail" in first_en
    assert "Workaround: Pay by invoice" in first_en
    assert "Как обойти: Pay by invoice" in first_ru
    # next update promised in each recipient's own time zone
    assert re.search(r"Next update: by \d{4}-\d\d-\d\d \d\d:\d\d (GMT|BST)", first_en)
    assert re.search(r"Следующее обновление: не позднее \d{4}-\d\d-\d\d \d\d:\d\d MSK", first_ru)
    assert "Update: Card processor outage" in en[1].text()
    assert "Expected fix:" in en[1].text()
    assert "This is the final update" in en[2].text()
    assert "Это последнее сообщение" in ru[2].text()
    assert en[0].html().count("Pay by invoice") == 1
    ids = [m.message["Message-ID"] for m in en + ru]
    assert len(set(ids)) == 6
    assert all(re.fullmatch(r"<ntc-[0-9a-f]{24}@shop\.example>", i) for i in ids)

    sms = http_recorder.requests[0].json()
    assert sms["customer"] == "eu-en"
    assert sms["items"][0]["workaround"] == "Pay by invoice"
    assert sms["items"][0]["nextUpdateAt"] is not None
    assert "Workaround: Pay by invoice" in sms["text"]
    assert http_recorder.requests[0].headers["Idempotency-Key"] == sms["id"]
    assert 'alertd_customer_notices_total{channel="email",stage="resolved"} 2.0' in metrics


async def test_on_call_holds_then_releases_and_page_is_not_delayed(
    kafka: str, smtp: SmtpSink, http_recorder: HttpRecorder, tmp_path: Path
) -> None:
    path, topic, customers_topic = await started(kafka, tmp_path, smtp, http_recorder, "5s")
    async with running_daemon(path) as daemon:
        await publish_customers(kafka, customers_topic, http_recorder.url)
        await wait_directory(daemon, 4)
        await produce_events(kafka, topic, degradation("eu-west", [0.01, 0.07, 0.08, 0.09]))
        page = await smtp.wait_for(1, timeout=20)  # on-call is paged at once
        assert page[0].recipients == ["oncall@shop.example"]
        base = f"http://127.0.0.1:{daemon.http_port}"
        auth = {"Authorization": f"Bearer {TOKEN}"}
        async with aiohttp.ClientSession() as client:
            await until(lambda: bool(daemon.notices.service.tracker.all()))
            incident = daemon.notices.service.tracker.all()[0].incident_id
            held = await client.post(f"{base}/api/v1/incidents/{incident}/hold", headers=auth)
            assert held.status == 200
            await asyncio.sleep(6)  # past the confirmation window: held, so nothing
            assert to_customers(smtp) == []
            state = await (await client.get(f"{base}/api/v1/incidents/{incident}/notices")).json()
            released = await client.post(
                f"{base}/api/v1/incidents/{incident}/release", headers=auth
            )
            again = await client.post(f"{base}/api/v1/incidents/{incident}/cancel", headers=auth)
            again_body = await again.json()
            await until(lambda: len(to_customers(smtp)) >= 2)
    assert state["status"] == "held"
    assert released.status == 200
    assert again.status == 409
    assert "cannot cancel: customer notice is published" in again_body["error"]
    assert sorted(r for m in to_customers(smtp) for r in m.recipients) == [
        "it@romashka.example",
        "ops@acme.example",
    ]


pytestmark = pytest.mark.asyncio
