"""SMTP and webhook receivers down for a while: everything arrives afterwards, in order.

Retries back off and are counted in ``alertd_notification_failures_total``; event
consumption goes on meanwhile (the daemon stays ready).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alertd.demo.smtp_sink import SmtpSink
from alertd.embedded.tansu import free_port
from alertd.ingest.event import Event
from tests.support import process as procs
from tests.support.daemon import unique, write_config
from tests.support.http_recorder import HttpRecorder
from tests.support.kafka import produce_events

T0 = 1_790_000_000.0


def _disk(at: float, value: float) -> Event:
    return Event(
        time=T0 + at, kind="metric", name="disk_used_ratio", value=value, labels={"host": "db-1"}
    )


async def _failures(port: int, channel: str) -> float:
    return await procs.metric(port, f'alertd_notification_failures_total{{channel="{channel}"')


async def test_everything_is_delivered_after_receivers_come_back(
    kafka: str, http_recorder: HttpRecorder, tmp_path: Path
) -> None:
    topic, group, http_port, smtp_port = (
        unique("down"),
        unique("down-group"),
        *(
            free_port(),
            free_port(),
        ),
    )
    receivers = (
        f"smtp: {{host: 127.0.0.1, port: {smtp_port}}}\n"
        "receivers:\n  - name: ops\n"
        "    email_configs: [{to: [ops@example.com]}]\n"
        f"    webhook_configs: [{{url: '{http_recorder.url}/hook'}}]\n"
    )
    path = write_config(
        tmp_path, procs.config(kafka, topic, group, http_port, receivers), procs.RULES
    )
    http_recorder.fail_next(503, times=1_000_000)  # the webhook answers 503 for now
    sink = SmtpSink()  # and nothing listens on the SMTP port yet
    async with procs.running(path, http_port):
        await produce_events(kafka, topic, [_disk(0, 0.95), _disk(1, 0.1)])
        async with asyncio.timeout(20):
            while (
                await _failures(http_port, "email") < 3 or await _failures(http_port, "webhook") < 3
            ):
                await asyncio.sleep(0.1)
        assert await procs.readyz(http_port) == 200  # consumption is not blocked

        await sink.start(port=smtp_port)
        http_recorder._failures.clear()
        try:
            await sink.wait_for(2, timeout=20)
            await http_recorder.wait_for(2, timeout=20)
            await asyncio.sleep(1.0)
        finally:
            await sink.stop()
    assert [m.subject.split("]")[0] + "]" for m in sink.messages] == [
        "[FIRING:CRITICAL]",
        "[RESOLVED]",
    ]
    assert [r.json()["status"] for r in http_recorder.requests] == ["firing", "resolved"]
