"""``alertd run`` as an operator runs it: a real process, real broker, real signals."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import aiohttp

from alertd.demo.smtp_sink import SmtpSink
from alertd.embedded.tansu import free_port
from alertd.ingest.event import Event
from tests.support.daemon import unique, write_config
from tests.support.kafka import produce_events

RULES = """\
rules:
  - name: disk_full
    match: {kind: metric, name: disk_used_ratio}
    group_by: [host]
    detect: {threshold: {above: 0.9}}
    severity: warning
"""


def _config(kafka: str, topic: str, group: str, smtp_port: int, http_port: int) -> str:
    return f"""\
kafka:
  bootstrap_servers: {kafka}
  group_id: {group}
  topics: [{{name: {topic}}}]
  dlq_topic: {topic}.dlq
  session_timeout: 2s
  heartbeat_interval: 500ms
http: {{listen: "127.0.0.1:{http_port}"}}
smtp: {{host: 127.0.0.1, port: {smtp_port}}}
rule_files: [rules.yml]
route: {{receiver: ops}}
receivers:
  - name: ops
    email_configs: [{{to: [ops@example.com]}}]
"""


async def _start(path: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "alertd",
        "run",
        "-c",
        str(path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _wait_ready(port: int, process: asyncio.subprocess.Process) -> None:
    async with asyncio.timeout(30), aiohttp.ClientSession() as http:
        while True:
            assert process.returncode is None, "alertd run exited early"
            try:
                async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)


async def _consumed(port: int) -> float:
    async with aiohttp.ClientSession() as http:
        text = await (await http.get(f"http://127.0.0.1:{port}/metrics")).text()
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("alertd_events_consumed_total{")
    )


async def test_sigterm_finishes_work_commits_and_exits_zero(
    kafka: str, smtp: SmtpSink, tmp_path: Path
) -> None:
    topic, group, http_port = unique("run"), unique("run-group"), free_port()
    path = write_config(tmp_path, _config(kafka, topic, group, smtp.port, http_port), RULES)
    process = await _start(path)
    try:
        await _first_run(kafka, topic, smtp, http_port, process)
    finally:
        if process.returncode is None:  # a failed assertion must not leave it running
            process.kill()
            await process.wait()

    # The offsets were committed: a restarted daemon in the same group reads nothing
    # again and sends no second email.
    restarted = await _start(path)
    try:
        await _wait_ready(http_port, restarted)
        await asyncio.sleep(1.0)
        assert await _consumed(http_port) == 0
        assert len(smtp.messages) == 1
    finally:
        restarted.send_signal(signal.SIGINT)
        async with asyncio.timeout(20):
            await restarted.communicate()
    assert restarted.returncode == 0


async def _first_run(
    kafka: str, topic: str, smtp: SmtpSink, http_port: int, process: asyncio.subprocess.Process
) -> None:
    await _wait_ready(http_port, process)
    events = [
        Event(
            time=1_790_000_000.0 + i,
            kind="metric",
            name="disk_used_ratio",
            value=v,
            labels={"host": "db-1"},
        )
        for i, v in enumerate([0.5, 0.95])
    ]
    await produce_events(kafka, topic, events)
    await smtp.wait_for(1, timeout=20)
    process.send_signal(signal.SIGTERM)
    async with asyncio.timeout(20):
        _, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()[-2000:]
    assert b"alertd_stopped" in stderr
