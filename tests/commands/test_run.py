"""``alertd run`` as an operator runs it: a real process, real broker, real signals."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from alertd.demo.smtp_sink import SmtpSink
from alertd.embedded.tansu import free_port
from alertd.ingest.event import Event
from tests.support import process as procs
from tests.support.daemon import unique, write_config
from tests.support.kafka import produce_events

RECEIVERS = "receivers:\n  - name: ops\n    email_configs: [{to: [ops@example.com]}]\n"


async def _exit_code(process: asyncio.subprocess.Process, sig: signal.Signals) -> int | None:
    process.send_signal(sig)
    async with asyncio.timeout(20):
        await process.communicate()
    return process.returncode


async def test_sigterm_finishes_work_commits_and_exits_zero(
    kafka: str, smtp: SmtpSink, tmp_path: Path
) -> None:
    topic, group, http_port = unique("run"), unique("run-group"), free_port()
    receivers = f"smtp: {{host: 127.0.0.1, port: {smtp.port}}}\n{RECEIVERS}"
    text = procs.config(kafka, topic, group, http_port, receivers)
    path = write_config(tmp_path, text, procs.RULES)
    process = await procs.start(path, "first")
    try:
        await procs.wait_ready(http_port, process)
        event = Event(
            time=1_790_000_000.0,
            kind="metric",
            name="disk_used_ratio",
            value=0.95,
            labels={"host": "db-1"},
        )
        await produce_events(kafka, topic, [event])
        await smtp.wait_for(1, timeout=20)
        assert await _exit_code(process, signal.SIGTERM) == 0
    finally:
        await procs.kill(process)  # only if an assertion above failed
    assert "alertd_stopped" in (tmp_path / "first.log").read_text()

    # The offsets were committed: a restarted daemon in the same group reads nothing
    # again and sends no second email.
    restarted = await procs.start(path, "second")
    try:
        await procs.wait_ready(http_port, restarted)
        await asyncio.sleep(1.0)
        assert await procs.metric(http_port, "alertd_events_consumed_total") == 0
        assert len(smtp.messages) == 1
        assert await _exit_code(restarted, signal.SIGINT) == 0
    finally:
        await procs.kill(restarted)
