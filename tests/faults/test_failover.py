"""Two instances share a consumer group; one dies: the survivor finishes its incidents.

The survivor gets the dead member's partition once the session times out, restores
its state from the changelog and sends the pending resolve, once.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alertd.demo.smtp_sink import SmtpSink
from alertd.ingest.topics import ensure_topics
from tests.support import process as procs
from tests.support.daemon import unique
from tests.support.kafka import produce_to_partitions


async def _sent(port: int) -> float:
    return await procs.metric(port, "alertd_notifications_total")


async def test_survivor_takes_over_and_sends_the_pending_resolve_once(
    kafka: str, smtp: SmtpSink, tmp_path: Path
) -> None:
    topic, group = unique("failover"), unique("failover-group")
    await ensure_topics(kafka, [topic], 2)
    receivers = procs.email_receivers(smtp.port)
    paths, ports = procs.two_members(
        tmp_path, lambda port: procs.config(kafka, topic, group, port, receivers, partitions=2)
    )

    async with procs.pair(paths, ports) as (a, b):
        await produce_to_partitions(
            kafka, topic, {0: [procs.disk(0, 0.95, "p0")], 1: [procs.disk(0, 0.95, "p1")]}
        )
        await smtp.wait_for(2, timeout=20)
        await asyncio.sleep(1.0)  # delivery markers and offsets reach the broker
        sent = [await _sent(port) for port in ports]
        # kill one that owned an incident (with a skewed assignment, the one that has both)
        victim, survivor = (0, 1) if sent[0] > 0 else (1, 0)
        await procs.kill((a, b)[victim])

        await produce_to_partitions(
            kafka, topic, {0: [procs.disk(1, 0.1, "p0")], 1: [procs.disk(1, 0.1, "p1")]}
        )
        await smtp.wait_for(4, timeout=30)
        await asyncio.sleep(2.0)  # a duplicate would show up meanwhile
        assert (a, b)[survivor].returncode is None
    subjects = sorted(m.subject.split("]")[0] + "]" for m in smtp.messages)
    assert subjects == ["[FIRING:CRITICAL]"] * 2 + ["[RESOLVED]"] * 2
