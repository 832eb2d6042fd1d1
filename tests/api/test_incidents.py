"""Incidents through the real broker and daemon: list, ack, escalation, resolve."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from alertd.daemon import Daemon
from tests.notify.daemon_config import RULES, TOKEN, oncall_config, ratio
from tests.support.daemon import running_daemon, unique, write_config
from tests.support.http_recorder import HttpRecorder
from tests.support.kafka import produce_events

T0 = 1_790_000_000.0
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def base(daemon: Daemon) -> str:
    return f"http://127.0.0.1:{daemon.http_port}"


async def test_ack_stops_escalation_and_incident_still_resolves(
    kafka: str, http_recorder: HttpRecorder, tmp_path: Path
) -> None:
    topic = unique("events")
    path = write_config(tmp_path, oncall_config(kafka, topic, http_recorder.url), RULES)
    async with running_daemon(path) as daemon, aiohttp.ClientSession() as http:
        await produce_events(kafka, topic, [ratio(T0, 0.09)])
        [page] = await http_recorder.wait_for(1, timeout=15)
        listed = await (await http.get(f"{base(daemon)}/api/v1/incidents?state=open")).json()
        [incident] = listed["incidents"]
        url = f"{base(daemon)}/api/v1/incidents/{incident['id']}/ack"
        unauthorized = await http.post(url, json={"by": "mallory"})
        ack = await http.post(url, json={"by": "alice"}, headers=AUTH)
        acked = (await ack.json())["incident"]
        await http_recorder.wait_for(2)
        await asyncio.sleep(2.0)  # longer than the 1.5s escalation delay
        await produce_events(kafka, topic, [ratio(T0 + 15, 0.01)])
        await http_recorder.wait_for(3, timeout=15)
        other = await (await http.get(f"{base(daemon)}/api/v1/incidents?region=us-*")).json()
        done = await (await http.get(f"{base(daemon)}/api/v1/incidents?state=resolved")).json()

    assert page.path == "/pd"
    assert page.json()["event_action"] == "trigger"
    assert incident["alert"]["labels"]["region"] == "eu-west"
    assert unauthorized.status == 401
    assert ack.status == 200
    assert (acked["state"], acked["ackedBy"]) == ("acknowledged", "alice")
    actions = [r.json()["event_action"] for r in http_recorder.requests]
    assert actions == ["trigger", "acknowledge", "resolve"]
    assert {r.json()["dedup_key"] for r in http_recorder.requests} == {
        incident["alert"]["fingerprint"]
    }
    assert other["incidents"] == []
    [closed] = done["incidents"]
    assert (closed["id"], closed["ackedBy"]) == (incident["id"], "alice")


async def test_unacknowledged_page_escalates_through_the_daemon(
    kafka: str, http_recorder: HttpRecorder, tmp_path: Path
) -> None:
    topic = unique("events")
    path = write_config(tmp_path, oncall_config(kafka, topic, http_recorder.url), RULES)
    async with running_daemon(path) as daemon, aiohttp.ClientSession() as http:
        await produce_events(kafka, topic, [ratio(T0, 0.09)])
        first, second = await http_recorder.wait_for(2, timeout=15)
        [incident] = (await (await http.get(f"{base(daemon)}/api/v1/incidents")).json())[
            "incidents"
        ]
        missing = await http.post(f"{base(daemon)}/api/v1/incidents/inc-nope/ack", headers=AUTH)
    assert (first.path, second.path) == ("/pd", "/secondary")
    assert second.at - first.at >= 1.0  # 1.5s after the page was queued
    assert second.json()["alerts"][0]["labels"]["alertname"] == "checkout_errors"
    assert incident["escalation"]["receiver"] == "secondary"
    assert missing.status == 404
