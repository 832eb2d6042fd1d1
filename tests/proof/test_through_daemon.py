"""Tickets through the real path: Kafka broker, daemon, SMTP; lead time in /metrics.

eu-west: customers are told (real SMTP delivery) before a Zendesk ticket arrives ->
a lead-time observation and a ticket from a notified customer. us-east: a Jira
ticket arrives before the degradation is even detected -> a ticket-first incident.
/api/v1/report and /report show both.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp
import pytest

from alertd.cli import main
from alertd.daemon import Daemon
from alertd.demo.smtp_sink import SmtpSink
from alertd.ingest.event import Event
from tests.support import checkout
from tests.support.daemon import running_daemon, unique, write_config
from tests.support.kafka import produce_events, produce_raw

RULES = checkout.rules(for_="20s", customers=checkout.CUSTOMERS)

CUSTOMERS = """\
customers:
  - {id: acme, regions: [eu-west], components: [checkout], contacts: {email: [ops@acme.example]}}
  - {id: umbrella, regions: [eu-west], components: [checkout]}
  - id: globex
    regions: [us-east]
    components: [checkout]
    contacts: {email: [noc@globex.example]}
"""


def config(kafka: str, topics: dict[str, str], smtp: int) -> str:
    listed = ", ".join(f"{{name: {name}, decoder: {decoder}}}" for name, decoder in topics.items())
    kafka_block = f"""\
kafka:
  bootstrap_servers: {kafka}
  group_id: {unique("proof-group")}
  topics: [{listed}]
  dlq_topic: {unique("proof-dlq")}
  session_timeout: 2s
  heartbeat_interval: 500ms
"""
    notices = "notices: {confirm_after: 1s, rate_limit: 0s, from: status@shop.example}\n"
    return checkout.email_oncall(
        kafka_block, smtp, extra="customers: {file: customers.yml}\n" + notices
    )


def degradation(region: str, start: float) -> list[Event]:
    values = [0.01, 0.08, 0.09, 0.09, 0.1]
    return [checkout.ratio(start + 10 * i, v, region) for i, v in enumerate(values)]


def iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def zendesk(ticket_id: str, customer: str, region: str, at: float) -> bytes:
    detail = {
        "id": ticket_id,
        "created_at": iso(at),
        "subject": "checkout broken",
        "tags": [f"customer_{customer}", "component_checkout", f"region_{region}"],
    }
    return json.dumps({"type": "zen:event-type:ticket.created", "detail": detail}).encode()


def jira(key: str, customer: str, region: str, at: float) -> bytes:
    fields = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S.000+0000", time.gmtime(at)),
        "summary": "payments fail",
        "labels": [f"customer_{customer}", f"region_{region}"],
        "components": [{"name": "checkout"}],
    }
    body = {"webhookEvent": "jira:issue_created", "issue": {"key": key, "fields": fields}}
    return json.dumps(body).encode()


async def until(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.05)


def metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return 0.0


def told(daemon: Daemon, region: str) -> bool:
    return any(f.notified and f.labels.get("region") == region for f in daemon.proof.incidents())


async def test_helpdesk_tickets_through_kafka_give_lead_time_and_ticket_first_metrics(
    kafka: str, smtp: SmtpSink, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events, zd, jr = unique("proof-events"), unique("proof-zendesk"), unique("proof-jira")
    topics = {events: "alertd", zd: "zendesk", jr: "jira"}
    (tmp_path / "customers.yml").write_text(CUSTOMERS)
    path = write_config(tmp_path, config(kafka, topics, smtp.port), RULES)
    async with running_daemon(path) as daemon:
        now = time.time()
        # us-east: Globex writes in before anything is detected.
        await produce_raw(kafka, jr, [jira("SUP-1", "globex", "us-east", now - 30)])
        await until(lambda: len(daemon.proof.tickets) == 1)
        # Both regions degrade; eu-west customers are told by email, then Acme still writes in.
        both = degradation("us-east", now - 40) + degradation("eu-west", now - 40)
        await produce_events(kafka, events, sorted(both, key=lambda e: e.time))
        await until(lambda: told(daemon, "eu-west") and told(daemon, "us-east"))
        assert {m.recipients[0] for m in smtp.messages if m.sender == "status@shop.example"} >= {
            "ops@acme.example",
            "noc@globex.example",
        }
        ticket_at = time.time() + 1
        await produce_raw(kafka, zd, [zendesk("35436", "acme", "eu-west", ticket_at)])
        base = f"http://127.0.0.1:{daemon.http_port}"
        async with aiohttp.ClientSession() as client:

            async def scrape() -> str:
                return await (await client.get(f"{base}/metrics")).text()

            async with asyncio.timeout(20):
                while metric(await scrape(), "alertd_notice_lead_seconds_count") < 1:
                    await asyncio.sleep(0.1)
            text = await scrape()
            report = await (await client.get(f"{base}/api/v1/report")).json()
            page = await client.get(f"{base}/report")
            html = await page.text()
        args = ["report", "--url", base, "--since", "1h"]
        code = await asyncio.wait_for(asyncio.to_thread(main, args), 30)
        table = capsys.readouterr().out
    assert metric(text, "alertd_incidents_ticket_first_total") == 1
    assert metric(text, 'alertd_tickets_total{notified="true"}') == 1
    assert metric(text, 'alertd_tickets_total{notified="false"}') == 1
    lead = metric(text, "alertd_notice_lead_seconds_sum")
    assert 0 < lead < ticket_at - now + 5
    by_region = {i["labels"]["region"]: i for i in report["incidents"]}
    assert by_region["eu-west"]["leadSeconds"] > 0
    assert by_region["eu-west"]["tickets"]["notified"] == 1
    assert by_region["eu-west"]["audience"] == 2
    assert by_region["eu-west"]["notifiedCustomers"] == 1  # umbrella has no address
    assert by_region["us-east"]["ticketFirst"] is True
    assert by_region["us-east"]["firstPage"] is not None
    assert page.status == 200
    assert page.content_type == "text/html"
    assert html.count("<svg") == 2
    assert "<polyline" in html  # the live signal was buffered for the chart
    assert code == 0
    rows = [line for line in table.splitlines() if line.startswith("inc-")]
    assert len(rows) == 2
    assert sum("ticket first" in row for row in rows) == 1
