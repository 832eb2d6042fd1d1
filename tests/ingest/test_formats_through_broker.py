"""Foreign formats through the real broker and daemon: decoded per topic, bad ones to the DLQ."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from alertd.ingest.event import Event
from alertd.observe.listener import PipelineListener
from tests.ingest.fixture import fixture
from tests.support.daemon import running_daemon, unique, write_config
from tests.support.kafka import produce_raw, read_all

TOKEN = "s3cr3t-am-token"


class Seen(PipelineListener):
    def __init__(self) -> None:
        self.events: list[tuple[str, Event]] = []

    def event(self, topic: str, event: Event) -> None:
        self.events.append((topic, event))

    async def wait_for(self, count: int, timeout: float = 15.0) -> list[tuple[str, Event]]:
        async with asyncio.timeout(timeout):
            while len(self.events) < count:
                await asyncio.sleep(0.05)
        return self.events


def _config(kafka: str, topics: dict[str, str], token: bool = False) -> str:
    listed = ", ".join(f"{{name: {name}, decoder: {decoder}}}" for name, decoder in topics.items())
    first = next(iter(topics))
    http_token = "  token_env: ALERTD_TEST_AM_TOKEN\n" if token else ""
    return f"""\
kafka:
  bootstrap_servers: {kafka}
  group_id: {unique("group")}
  topics: [{listed}]
  dlq_topic: {first}.dlq
  session_timeout: 2s
  heartbeat_interval: 500ms
http:
  listen: "127.0.0.1:0"
{http_token}rule_files: [rules.yml]
detect: {{clock_tick: 100ms, idle_lag: 1h}}
"""


async def test_each_topic_uses_its_decoder_and_bad_records_go_to_dlq(
    kafka: str, tmp_path: Path
) -> None:
    topics = {
        unique("telegraf"): "telegraf",
        unique("otlp"): "otlp_json",
        unique("am"): "alertmanager",
        unique("pka"): "prometheus-kafka-adapter",
        unique("ce"): "cloudevents",
    }
    tg, otlp, am, pka, ce = topics
    path = write_config(tmp_path, _config(kafka, topics))
    seen = Seen()
    async with running_daemon(path, listener=seen):
        await produce_raw(kafka, tg, [fixture("telegraf.json"), b"docker,host=a field_1=3"])
        await produce_raw(kafka, otlp, [fixture("otlp-metrics.json")])
        await produce_raw(kafka, am, [fixture("alertmanager.json")])
        await produce_raw(kafka, pka, [fixture("prometheus-kafka-adapter.json")])
        await produce_raw(kafka, ce, [fixture("cloudevents.json")])
        events = await seen.wait_for(4 + 4 + 1 + 1 + 1)
        dead = await read_all(kafka, f"{tg}.dlq", expect=1)

    by_topic: dict[str, list[str]] = {}
    for topic, event in events:
        by_topic.setdefault(topic, []).append(event.name)
    assert sorted(by_topic[tg]) == [
        "docker_field_1",
        "docker_field_2",
        "docker_field_N",
        "docker_n_images",
    ]
    assert "my.gauge" in by_topic[otlp]
    assert by_topic[am] == ["ProbeFailure"]
    assert by_topic[pka] == ["up"]
    assert by_topic[ce] == ["com.github.pull_request.opened"]
    [record] = dead
    assert record.value == b"docker,host=a field_1=3"
    headers = dict(record.headers)
    assert b"Telegraf" in headers["alertd.reason"]
    assert headers["alertd.source.topic"] == tg.encode()


async def test_alertmanager_webhook_endpoint_feeds_the_kafka_path(
    kafka: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALERTD_TEST_AM_TOKEN", TOKEN)
    topic = unique("events")
    path = write_config(tmp_path, _config(kafka, {topic: "alertd"}, token=True))
    seen = Seen()
    async with running_daemon(path, listener=seen) as daemon:
        url = f"http://127.0.0.1:{daemon.http_port}/api/v1/alertmanager"
        auth = {"Authorization": f"Bearer {TOKEN}"}
        async with aiohttp.ClientSession() as http:
            anonymous = await http.post(url, data=fixture("alertmanager.json"))
            broken = await http.post(url, data=b'{"alerts": "no"}', headers=auth)
            accepted = await http.post(url, data=fixture("alertmanager.json"), headers=auth)
            body = await accepted.json()
        [(event_topic, event)] = await seen.wait_for(1)

    assert anonymous.status == 401
    assert broken.status == 400
    assert accepted.status == 200
    assert body == {"accepted": 1, "topic": topic}
    assert event_topic == topic
    assert (event.kind, event.name, event.value) == ("check", "ProbeFailure", 1.0)
    assert event.labels["instance"] == "https://server.example.org"


async def test_alertmanager_webhook_goes_raw_to_an_alertmanager_topic(
    kafka: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALERTD_TEST_AM_TOKEN", TOKEN)
    events_topic, am_topic = unique("events"), unique("am")
    topics = {events_topic: "alertd", am_topic: "alertmanager"}
    path = write_config(tmp_path, _config(kafka, topics, token=True))
    seen = Seen()
    async with running_daemon(path, listener=seen) as daemon:
        url = f"http://127.0.0.1:{daemon.http_port}/api/v1/alertmanager"
        async with aiohttp.ClientSession() as http:
            response = await http.post(
                url, data=fixture("alertmanager-resolved.json"), headers=_auth()
            )
        [(topic, event)] = await seen.wait_for(1)
        [record] = await read_all(kafka, am_topic, expect=1)

    assert response.status == 200
    assert topic == am_topic
    assert record.value == fixture("alertmanager-resolved.json")
    assert (event.name, event.value) == ("Test", 0.0)


async def test_alertmanager_webhook_without_a_suitable_topic_is_503(
    kafka: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALERTD_TEST_AM_TOKEN", TOKEN)
    path = write_config(tmp_path, _config(kafka, {unique("tg"): "telegraf"}, token=True))
    async with running_daemon(path) as daemon, aiohttp.ClientSession() as http:
        response = await http.post(
            f"http://127.0.0.1:{daemon.http_port}/api/v1/alertmanager",
            data=fixture("alertmanager.json"),
            headers=_auth(),
        )
        text = await response.text()
    assert response.status == 503
    assert "decoder 'alertmanager' or 'alertd'" in text


def _auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}
