"""Silences and maintenance windows hold for the whole consumer group.

Each process owns a share of the partitions, but a silence or a window declared
through any of them is written to its compacted topic, which every process follows:
the other member lists it within a poll and applies it to the alerts it owns.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp

from alertd.demo.smtp_sink import SmtpSink
from alertd.ingest.topics import ensure_topics
from tests.support import process as procs
from tests.support.daemon import unique
from tests.support.kafka import produce_to_partitions

TOKEN = "group-token"
WINDOW = {
    "id": "db-upgrade",
    "start": "2099-01-01T02:00:00Z",
    "end": "2099-01-01T03:00:00Z",
    "title": "Database upgrade",
    "components": ["checkout"],
}


async def _call(method: str, port: int, path: str, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with (
        aiohttp.ClientSession(headers=headers) as http,
        http.request(method, f"http://127.0.0.1:{port}{path}", json=body) as response,
    ):
        assert response.status < 300, await response.text()
        return await response.json()


async def _eventually(check: Any, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.1)


async def test_silence_and_window_declared_on_one_member_hold_on_the_other(
    kafka: str, smtp: SmtpSink, tmp_path: Path
) -> None:
    topic, group = unique("tables"), unique("tables-group")
    await ensure_topics(kafka, [topic], 2)
    receivers = procs.email_receivers(smtp.port)
    receivers += f"silences: {{topic: {topic}.silences}}\n"
    receivers += f"notices: {{maintenance_topic: {topic}.maintenance}}\n"
    paths, ports = procs.two_members(
        tmp_path,
        lambda port: procs.config(kafka, topic, group, port, receivers, partitions=2, token=TOKEN),
    )
    async with procs.pair(paths, ports):
        matchers = [{"name": "alertname", "value": "disk_full"}]
        silence = {"matchers": matchers, "duration": "1h", "createdBy": "test"}
        created = (await _call("POST", ports[0], "/api/v1/silences", silence))["silence"]
        await _call("POST", ports[1], "/api/v1/maintenance", WINDOW)

        async def b_knows_the_silence() -> bool:
            listed = (await _call("GET", ports[1], "/api/v1/silences"))["silences"]
            return [s["id"] for s in listed] == [created["id"]]

        async def a_knows_the_window() -> bool:
            listed = (await _call("GET", ports[0], "/api/v1/maintenance"))["maintenance"]
            return [w["id"] for w in listed] == ["db-upgrade"]

        await _eventually(b_knows_the_silence)
        await _eventually(a_knows_the_window)
        await produce_to_partitions(
            kafka, topic, {0: [procs.disk(0, 0.95, "p0")], 1: [procs.disk(0, 0.95, "p1")]}
        )

        async def both_alerts_are_silenced() -> bool:
            metric = 'alertd_notifications_suppressed_total{reason="silenced"'
            return sum([await procs.metric(port, metric) for port in ports]) >= 2

        await _eventually(both_alerts_are_silenced, timeout=20)
        await asyncio.sleep(1.0)
    assert smtp.messages == []
