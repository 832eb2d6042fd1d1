"""The daemon and ``alertd replay`` talk TLS to a real broker endpoint and verify it."""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from alertd.ingest.event import Event
from alertd.observe.listener import PipelineListener
from tests.security.tls_proxy import TlsKafka, make_certificate
from tests.support.daemon import running_daemon, unique, write_config

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl missing")


@pytest.fixture
async def tls_kafka(tmp_path: Path) -> AsyncIterator[TlsKafka]:
    cert, key = make_certificate(tmp_path)
    broker = TlsKafka(cert, key)
    await broker.start()
    yield broker
    await broker.stop()


class Seen(PipelineListener):
    def __init__(self) -> None:
        self.names: list[str] = []

    def event(self, topic: str, event: Event) -> None:
        self.names.append(event.name)


def _config(bootstrap: str, topic: str) -> str:
    return f"""\
kafka:
  bootstrap_servers: {bootstrap}
  group_id: {unique("group")}
  topics: [{{name: {topic}}}]
  dlq_topic: {topic}.dlq
  session_timeout: 2s
  heartbeat_interval: 500ms
  tls: {{cafile: broker.pem}}
http: {{listen: "127.0.0.1:0"}}
rule_files: [rules.yml]
"""


async def test_daemon_consumes_over_verified_tls_and_replay_produces_over_it(
    tls_kafka: TlsKafka, tmp_path: Path
) -> None:
    topic = unique("tls")
    path = write_config(tmp_path, _config(tls_kafka.bootstrap_servers, topic))
    events = tmp_path / "events.jsonl"
    events.write_text('{"time": 1, "kind": "log", "name": "over_tls"}\n')
    seen = Seen()
    async with running_daemon(path, listener=seen):
        replay = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "alertd", "replay", "--events", str(events),
            "--topic", topic, "-c", str(path), stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, err = await asyncio.wait_for(replay.communicate(), 60)
        assert replay.returncode == 0, err.decode()
        async with asyncio.timeout(15):
            while not seen.names:
                await asyncio.sleep(0.05)
    assert seen.names == ["over_tls"]
    assert tls_kafka.handshakes >= 3  # admin, producer, consumer (and replay)


async def test_untrusted_broker_certificate_is_refused(tls_kafka: TlsKafka, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    make_certificate(other)
    topic = unique("tls")
    config = _config(tls_kafka.bootstrap_servers, topic).replace("broker.pem", "other/broker.pem")
    events = tmp_path / "events.jsonl"
    events.write_text('{"time": 1, "kind": "log", "name": "x"}\n')
    replay = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "alertd", "replay", "--events", str(events),
        "--topic", topic, "-c", str(write_config(tmp_path, config)),
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await asyncio.wait_for(replay.communicate(), 60)
    assert replay.returncode == 1
    assert "replay failed: cannot produce to" in err.decode()
