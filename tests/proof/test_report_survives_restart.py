"""The live proof report survives a restart: its facts come back from the proof topic,
and the restarted process does not count the lead time a second time."""

from __future__ import annotations

import time
from pathlib import Path

import aiohttp

from alertd.demo.smtp_sink import SmtpSink
from tests.proof.test_through_daemon import (
    CUSTOMERS,
    RULES,
    config,
    degradation,
    metric,
    told,
    until,
    zendesk,
)
from tests.support.daemon import running_daemon, unique, write_config
from tests.support.kafka import produce_events, produce_raw


async def report_and_metrics(port: int | None) -> tuple[dict[str, object], str]:
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as client:
        report = await (await client.get(f"{base}/api/v1/report")).json()
        text = await (await client.get(f"{base}/metrics")).text()
    return report, text


async def test_incident_with_notice_and_ticket_is_reported_after_a_restart(
    kafka: str, smtp: SmtpSink, tmp_path: Path
) -> None:
    events, zd = unique("restart-events"), unique("restart-zendesk")
    (tmp_path / "customers.yml").write_text(CUSTOMERS)
    path = write_config(
        tmp_path, config(kafka, {events: "alertd", zd: "zendesk"}, smtp.port), RULES
    )
    async with running_daemon(path) as daemon:
        now = time.time()
        await produce_events(kafka, events, degradation("eu-west", now - 40))
        await until(lambda: told(daemon, "eu-west"))
        ticket_at = time.time() + 1
        await produce_raw(kafka, zd, [zendesk("35436", "acme", "eu-west", ticket_at)])
        await until(lambda: len(daemon.proof.tickets) == 1)
        before, text = await report_and_metrics(daemon.http_port)
    assert metric(text, "alertd_notice_lead_seconds_count") == 1
    async with running_daemon(path) as restarted:
        after, text = await report_and_metrics(restarted.http_port)
    [incident] = after["incidents"]  # type: ignore[index]
    assert incident["leadSeconds"] > 0
    assert incident["tickets"]["notified"] == 1
    assert incident["audience"] == 2
    assert incident["notifiedCustomers"] == 1
    assert after["summary"] == before["summary"]
    assert metric(text, "alertd_notice_lead_seconds_count") == 0
    assert metric(text, 'alertd_tickets_total{notified="true"}') == 0
