"""kill -9 in the middle of an incident, then restart: the incident goes on.

The restarted process restores the partition from the changelog, so the clearing
event resolves the alert it never saw fire, and the outbox plus delivery log make
sure every notice goes out exactly once, even one that was still undelivered when
the process died.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alertd.demo.smtp_sink import SmtpSink
from alertd.embedded.tansu import free_port
from tests.support import process as procs
from tests.support.daemon import unique, write_config
from tests.support.kafka import produce_events


def _setup(kafka: str, tmp_path: Path, smtp_port: int) -> tuple[Path, str, int]:
    topic, group, http_port = unique("kill"), unique("kill-group"), free_port()
    receivers = procs.email_receivers(smtp_port)
    text = procs.config(kafka, topic, group, http_port, receivers)
    return write_config(tmp_path, text, procs.RULES), topic, http_port


def _statuses(sink: SmtpSink) -> list[str]:
    return sorted(
        "resolved" if "RESOLVED" in m.subject.upper() else "firing" for m in sink.messages
    )


async def test_kill_during_incident_then_restart_sends_the_resolve_once(
    kafka: str, smtp: SmtpSink, tmp_path: Path
) -> None:
    path, topic, http_port = _setup(kafka, tmp_path, smtp.port)
    async with procs.killed_at_exit(path, http_port, "first"):
        await produce_events(kafka, topic, [procs.disk(0, 0.5), procs.disk(1, 0.95)])
        await smtp.wait_for(1, timeout=20)
        await asyncio.sleep(1.0)  # the delivery marker reaches the changelog

    async with procs.running(path, http_port, "second"):
        await produce_events(kafka, topic, [procs.disk(2, 0.4)])
        await smtp.wait_for(2, timeout=20)
        await asyncio.sleep(2.0)  # anything sent twice would arrive meanwhile
    assert _statuses(smtp) == ["firing", "resolved"]
    ids = {m.message["Message-ID"] for m in smtp.messages}
    assert len(ids) == 2


async def test_notice_undelivered_at_the_kill_is_sent_after_restart_exactly_once(
    kafka: str, tmp_path: Path
) -> None:
    smtp_port = free_port()  # nothing listens yet: the SMTP server is down
    path, topic, http_port = _setup(kafka, tmp_path, smtp_port)
    async with procs.killed_at_exit(path, http_port, "first"):
        await produce_events(kafka, topic, [procs.disk(0, 0.5), procs.disk(1, 0.95)])
        async with asyncio.timeout(20):
            while await procs.metric(http_port, "alertd_notification_failures_total") < 2:
                await asyncio.sleep(0.1)

    sink = SmtpSink()
    await sink.start(port=smtp_port)
    try:
        async with procs.running(path, http_port, "second"):
            await sink.wait_for(1, timeout=20)  # the firing notice, from the outbox
            await produce_events(kafka, topic, [procs.disk(2, 0.4)])
            await sink.wait_for(2, timeout=20)
            await asyncio.sleep(2.0)
        assert _statuses(sink) == ["firing", "resolved"]
    finally:
        await sink.stop()
