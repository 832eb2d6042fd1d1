"""The broker restarts on the same address: the daemon reconnects and goes on.

Tansu, the test broker, keeps everything in memory, so after its restart the topics
are recreated here (an Apache Kafka cluster keeps them, with their records and the
group's offsets). What the broker itself lost is out of alertd's hands; the test
proves the daemon's side: not ready while the broker is away, ready again after, and
events produced after the restart are processed.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from alertd.demo.smtp_sink import SmtpSink
from alertd.embedded.tansu import EmbeddedBroker, free_port
from alertd.ingest.topics import ensure_topics
from tests.support import process as procs
from tests.support.daemon import unique, write_config
from tests.support.kafka import produce_events


async def _wait_status(port: int, ready: bool, timeout: float) -> None:
    async with asyncio.timeout(timeout):
        while (await procs.readyz(port) == 200) != ready:
            await asyncio.sleep(0.2)


async def _stop(broker: EmbeddedBroker) -> None:
    """Stop the broker; its process may be gone before asyncio notices (then kill fails)."""
    with contextlib.suppress(TimeoutError, ProcessLookupError):
        await broker.stop()


async def test_daemon_reconnects_after_broker_restart(smtp: SmtpSink, tmp_path: Path) -> None:
    broker = EmbeddedBroker()
    kafka = await broker.start()
    topic, group, http_port = unique("restart"), unique("restart-group"), free_port()
    receivers = procs.email_receivers(smtp.port)
    path = write_config(
        tmp_path, procs.config(kafka, topic, group, http_port, receivers), procs.RULES
    )
    try:
        async with procs.running(path, http_port):
            await produce_events(kafka, topic, [procs.disk(0, 0.95, "before")])
            await smtp.wait_for(1, timeout=20)

            await _stop(broker)
            await _wait_status(http_port, ready=False, timeout=30)

            broker = EmbeddedBroker(port=broker.port)
            await broker.start()
            await ensure_topics(
                kafka,
                [topic, f"{topic}.dlq", f"{group}.changelog"],
                1,
                compacted=[f"{group}.changelog"],
            )
            await _wait_status(http_port, ready=True, timeout=60)
            await produce_events(kafka, topic, [procs.disk(1, 0.95, "after")])
            await smtp.wait_for(2, timeout=30)
    finally:
        await _stop(broker)
    assert sorted("after" in m.text() for m in smtp.messages) == [False, True]
