"""The spine end to end: Kafka in, email out, through a real broker and SMTP server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from alertd.demo.smtp_sink import SmtpSink
from tests.support import checkout
from tests.support.daemon import kafka_yaml, running_daemon, unique, write_config
from tests.support.kafka import produce_events, produce_raw, read_all

RULES = checkout.rules(for_="30s")


def config(kafka: str, topic: str, smtp_port: int) -> str:
    return checkout.email_oncall(
        kafka_yaml(kafka, topic), smtp_port, to="oncall@shop.example, lead@shop.example"
    )


ratio = checkout.ratio


async def test_degradation_sends_firing_then_resolved_email(
    kafka: str, smtp: SmtpSink, tmp_path: Path
) -> None:
    topic = unique("events")
    path = write_config(tmp_path, config(kafka, topic, smtp.port), RULES)
    start = 1_790_000_000.0
    series = [0.01, 0.02, 0.07, 0.08, 0.09, 0.02, 0.01]
    async with running_daemon(path):
        await produce_events(kafka, topic, [ratio(start + 15 * i, v) for i, v in enumerate(series)])
        mails = await smtp.wait_for(2, timeout=20)

    firing, resolved = mails
    assert firing.subject.startswith("[FIRING:CRITICAL] checkout_errors")
    assert "region=eu-west" in firing.subject
    assert sorted(firing.recipients) == ["lead@shop.example", "oncall@shop.example"]
    assert firing.message["From"] == "alertd@shop.example"
    assert "Checkout errors at 0.08 in eu-west" in firing.text()
    assert "Checkout errors at 0.08 in eu-west" in firing.html()
    assert resolved.subject.startswith("[RESOLVED] checkout_errors")
    # from the first breaching sample (+30s) to the first clear one (+75s)
    assert "lasted 45s" in resolved.text()
    assert firing.message["Message-ID"] != resolved.message["Message-ID"]


async def test_healthy_series_and_short_spike_send_nothing(
    kafka: str, smtp: SmtpSink, tmp_path: Path
) -> None:
    topic = unique("events")
    path = write_config(tmp_path, config(kafka, topic, smtp.port), RULES)
    start = 1_790_000_000.0
    spike_shorter_than_for = [0.01, 0.09, 0.01, 0.01, 0.01]
    async with running_daemon(path) as daemon:
        await produce_events(
            kafka, topic, [ratio(start + 15 * i, v) for i, v in enumerate(spike_shorter_than_for)]
        )
        await _until(lambda: _metric(daemon, "alertd_events_consumed_total", topic) == 5)
        await asyncio.sleep(0.5)
    assert smtp.messages == []


async def test_bad_record_goes_to_dlq_with_reason_and_loop_continues(
    kafka: str, smtp: SmtpSink, tmp_path: Path
) -> None:
    topic = unique("events")
    path = write_config(tmp_path, config(kafka, topic, smtp.port), RULES)
    bad = [b"not json", b'{"time": "yesterday", "kind": "metric", "name": "x"}']
    async with running_daemon(path) as daemon:
        await produce_raw(kafka, topic, bad)
        await produce_events(kafka, topic, [ratio(1_790_000_000.0, 0.01)])
        await _until(lambda: _metric(daemon, "alertd_events_consumed_total", topic) == 1)
        dead = await read_all(kafka, f"{topic}.dlq", expect=2)
        rejected = _metric(daemon, "alertd_events_rejected_total", topic)

    assert [r.value for r in dead] == bad
    headers = [dict(r.headers) for r in dead]
    assert b"malformed" in headers[0]["alertd.reason"]
    assert b"time" in headers[1]["alertd.reason"]
    assert headers[0]["alertd.source.topic"] == topic.encode()
    assert rejected == 2


async def test_http_endpoints_report_health_metrics_and_alerts(
    kafka: str, smtp: SmtpSink, tmp_path: Path
) -> None:
    import aiohttp

    topic = unique("events")
    path = write_config(tmp_path, config(kafka, topic, smtp.port), RULES)
    async with running_daemon(path) as daemon:
        await produce_events(kafka, topic, [ratio(1_790_000_000.0, 0.09)])
        await _until(lambda: _metric(daemon, "alertd_events_consumed_total", topic) == 1)
        base = f"http://127.0.0.1:{daemon.http_port}"
        async with aiohttp.ClientSession() as http:
            assert (await http.get(f"{base}/healthz")).status == 200
            assert (await http.get(f"{base}/readyz")).status == 200
            metrics = await (await http.get(f"{base}/metrics")).text()
            alerts = await (await http.get(f"{base}/api/v1/alerts?state=pending")).json()
            none = await (await http.get(f"{base}/api/v1/alerts?region=us-*")).json()
            write = await http.post(f"{base}/api/v1/alerts")
    assert 'alertd_events_consumed_total{topic="' + topic + '"} 1.0' in metrics
    assert 'alertd_alerts{state="pending"} 1.0' in metrics
    [alert] = alerts["alerts"]
    assert alert["labels"]["alertname"] == "checkout_errors"
    assert alert["annotations"]["summary"] == "Checkout errors at 0.09 in eu-west"
    assert none["alerts"] == []
    assert write.status == 403


def _metric(daemon: object, name: str, topic: str) -> float:
    from alertd.daemon import Daemon

    assert isinstance(daemon, Daemon)
    total = 0.0
    for family in daemon.metrics.registry.collect():
        for sample in family.samples:
            if sample.name == name and sample.labels.get("topic") == topic:
                total += sample.value
    return total


async def _until(predicate: object, timeout: float = 15.0) -> None:
    assert callable(predicate)
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.05)


pytestmark = pytest.mark.asyncio
