"""Customer notices survive kill -9: confirmation windows, promises and digests.

What customers were told lives in the changelog of the incident's partition, so a
restarted process publishes a notice whose confirmation window was running, sends the
resolution to exactly the customers who heard about the incident, and delivers a
digest that was waiting for the rate-limit gap, each exactly once.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp

from alertd.demo.smtp_sink import ReceivedMail, SmtpSink
from alertd.embedded.tansu import free_port
from alertd.ingest.event import Event
from alertd.ingest.topics import ensure_topics
from tests.support import process as procs
from tests.support.daemon import unique
from tests.support.kafka import produce_events, produce_to_partitions

T0 = 1_790_000_000.0
CUSTOMER = "ops@acme.example"
RULES = """\
rules:
  - name: checkout_errors
    match: {kind: metric, name: http_error_ratio}
    group_by: [service, region]
    detect: {threshold: {above: 0.05}}
    severity: critical
    customers:
      match: {regions: region, components: service}
      title: "{{ labels.service }} problems in {{ labels.region }}"
"""
CUSTOMERS = f"""\
customers:
  - id: acme
    regions: [eu-west]
    components: [checkout, search]
    contacts: {{email: [{CUSTOMER}]}}
"""


def _write(
    tmp_path: Path,
    kafka: str,
    smtp_port: int,
    notices: str,
    group: tuple[str, str, int] | None = None,
    partitions: int = 1,
) -> tuple[Path, str, int]:
    """``group``: (topic, group id, HTTP port) shared with other members."""
    topic, group_id, http_port = group or (
        unique("notice-kill"),
        unique("notice-kill-group"),
        free_port(),
    )
    receivers = (
        f"smtp: {{host: 127.0.0.1, port: {smtp_port}}}\n"
        "receivers:\n  - name: ops\n    email_configs: [{to: [oncall@shop.example]}]\n"
        "customers: {file: customers.yml}\n"
        f"notices: {{{notices}, update_interval: 30m, from: status@shop.example}}\n"
    )
    path = tmp_path / "alertd.yml"
    path.write_text(procs.config(kafka, topic, group_id, http_port, receivers, partitions))
    (tmp_path / "rules.yml").write_text(RULES)
    (tmp_path / "customers.yml").write_text(CUSTOMERS)
    return path, topic, http_port


def _errors(at: float, value: float, service: str = "checkout") -> Event:
    return Event(
        time=T0 + at,
        kind="metric",
        name="http_error_ratio",
        value=value,
        labels={"service": service, "region": "eu-west"},
    )


def _service_of(mail: ReceivedMail) -> str:
    return "checkout" if "checkout" in mail.subject.lower() else "search"


def _to_customer(sink: SmtpSink) -> list[ReceivedMail]:
    return [m for m in sink.messages if CUSTOMER in m.recipients]


async def _notices(http_port: int) -> list[dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{http_port}/api/v1/notices") as response,
    ):
        body = await response.json()
    notices: list[dict[str, Any]] = body["notices"] if isinstance(body, dict) else body
    return notices


async def _wait_customer_mail(sink: SmtpSink, count: int, timeout: float = 30) -> None:
    async with asyncio.timeout(timeout):
        while len(_to_customer(sink)) < count:
            await asyncio.sleep(0.1)


async def test_confirmation_window_and_resolution_survive_kill(
    kafka: str, smtp: SmtpSink, tmp_path: Path
) -> None:
    path, topic, http_port = _write(tmp_path, kafka, smtp.port, "confirm_after: 6s, rate_limit: 0s")
    async with procs.killed_at_exit(path, http_port, "first"):
        await produce_events(kafka, topic, [_errors(0, 0.01), _errors(1, 0.5)])
        async with asyncio.timeout(20):
            while [n["status"] for n in await _notices(http_port)] != ["waiting"]:
                await asyncio.sleep(0.1)
        await asyncio.sleep(1.5)  # the notice tick has written the waiting notice
    assert _to_customer(smtp) == [], "killed inside the confirmation window"

    async with procs.killed_at_exit(path, http_port, "second"):
        await _wait_customer_mail(smtp, 1)  # the window ran out after the restart
        await asyncio.sleep(1.5)  # the published notice and its delivery reach the changelog

    async with procs.running(path, http_port, "third"):
        await produce_events(kafka, topic, [_errors(2, 0.01)])
        await _wait_customer_mail(smtp, 2)
        await asyncio.sleep(2.0)  # anything sent twice would arrive meanwhile
    mails = _to_customer(smtp)
    assert ["RESOLVED" in m.subject.upper() for m in mails] == [False, True]
    assert len({m.message["Message-ID"] for m in mails}) == 2


async def test_digest_waiting_for_the_rate_limit_is_sent_after_kill(
    kafka: str, smtp: SmtpSink, tmp_path: Path
) -> None:
    path, topic, http_port = _write(tmp_path, kafka, smtp.port, "confirm_after: 0s, rate_limit: 8s")
    async with procs.killed_at_exit(path, http_port, "first"):
        await produce_events(kafka, topic, [_errors(0, 0.01), _errors(1, 0.5)])
        await _wait_customer_mail(smtp, 1)
        await produce_events(kafka, topic, [_errors(2, 0.5, service="search")])
        async with asyncio.timeout(20):  # the second incident's notice waits in the digest
            while len(await _notices(http_port)) < 2:
                await asyncio.sleep(0.1)
        await asyncio.sleep(1.5)
    assert len(_to_customer(smtp)) == 1

    async with procs.running(path, http_port, "second"):
        await _wait_customer_mail(smtp, 2)
        await asyncio.sleep(2.0)
    first, digest = _to_customer(smtp)
    assert "checkout" in first.subject.lower()
    assert "search" in digest.text().lower()
    assert len({m.message["Message-ID"] for m in _to_customer(smtp)}) == 2


async def test_survivor_sends_the_resolutions_of_the_dead_members_notices_once(
    kafka: str, smtp: SmtpSink, tmp_path: Path
) -> None:
    topic, group = unique("notice-failover"), unique("notice-failover-group")
    await ensure_topics(kafka, [topic], 2)
    notices = "confirm_after: 0s, rate_limit: 0s"
    ports, paths = [free_port(), free_port()], []
    for name, port in zip("ab", ports, strict=True):
        (tmp_path / name).mkdir()
        member = (topic, group, port)
        paths.append(_write(tmp_path / name, kafka, smtp.port, notices, member, 2)[0])
    async with procs.pair(paths, ports) as (a, b):
        firing = {0: [_errors(1, 0.5, "checkout")], 1: [_errors(1, 0.5, "search")]}
        await produce_to_partitions(kafka, topic, firing)
        await _wait_customer_mail(smtp, 2)
        await asyncio.sleep(1.5)  # notice progress and delivery markers reach the changelog
        sent = [await procs.metric(port, "alertd_notifications_total") for port in ports]
        victim, survivor = (0, 1) if sent[0] > 0 else (1, 0)
        await procs.kill((a, b)[victim])

        clearing = {0: [_errors(2, 0.01, "checkout")], 1: [_errors(2, 0.01, "search")]}
        await produce_to_partitions(kafka, topic, clearing)
        await _wait_customer_mail(smtp, 4, timeout=40)
        await asyncio.sleep(2.0)  # a duplicate would arrive meanwhile
        assert (a, b)[survivor].returncode is None
    stages = sorted(
        ("resolved" if "RESOLVED" in m.subject.upper() else "open", _service_of(m))
        for m in _to_customer(smtp)
    )
    assert stages == [
        ("open", "checkout"),
        ("open", "search"),
        ("resolved", "checkout"),
        ("resolved", "search"),
    ]
