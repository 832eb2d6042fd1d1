"""Through Kafka: with more series than the chart buffer holds, the incident of a series
first seen after it filled up is still charted, from the point that crossed the level."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from alertd.daemon import Daemon
from alertd.demo.smtp_sink import SmtpSink
from alertd.proof.model import IncidentFacts
from tests.support import checkout
from tests.support.daemon import kafka_yaml, running_daemon, unique, write_config
from tests.support.kafka import produce_events

FILLERS = 520
"""More quiet series than the buffer's 500."""


def incident(daemon: Daemon, region: str) -> IncidentFacts | None:
    found = [f for f in daemon.proof.incidents() if f.labels.get("region") == region]
    return found[0] if found else None


def signal(daemon: Daemon, region: str) -> list[tuple[float, float]]:
    facts = incident(daemon, region)
    return facts.signal if facts else []


async def test_an_incident_on_a_series_the_full_buffer_never_kept_is_charted(
    kafka: str, smtp: SmtpSink, tmp_path: Path
) -> None:
    topic = unique("chart-events")
    config = checkout.email_oncall(kafka_yaml(kafka, topic), smtp.port)
    path = write_config(tmp_path, config, checkout.rules())
    now = time.time()
    quiet = [checkout.ratio(now - 60, 0.01, f"r{i}") for i in range(FILLERS)]
    async with running_daemon(path) as daemon:
        await produce_events(kafka, topic, quiet)
        await produce_events(kafka, topic, [checkout.ratio(now - 30, 0.2, "late")])
        async with asyncio.timeout(20):
            while incident(daemon, "late") is None:
                await asyncio.sleep(0.05)
        await produce_events(kafka, topic, [checkout.ratio(now - 20, 0.3, "late")])
        async with asyncio.timeout(20):
            while len(signal(daemon, "late")) < 2:
                await asyncio.sleep(0.05)
        charted = signal(daemon, "late")
        assert incident(daemon, f"r{FILLERS - 1}") is None  # the fillers stayed quiet
    assert [(round(t), v) for t, v in charted] == [(round(now - 30), 0.2), (round(now - 20), 0.3)]
