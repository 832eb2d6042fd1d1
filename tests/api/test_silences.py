"""Silences through the real daemon: token-protected API, CLI, no page, restart survival."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from alertd.cli import main
from tests.notify.daemon_config import RULES, TOKEN, oncall_config, ratio
from tests.support.daemon import running_daemon, unique, write_config
from tests.support.http_recorder import HttpRecorder
from tests.support.kafka import produce_events

T0 = 1_790_000_000.0
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def last_line(out: str) -> str:
    """The command's own output (daemon logs share stdout in tests)."""
    return out.strip().splitlines()[-1]


async def cli(*argv: str) -> int:
    """The CLI is synchronous (urllib): run it off the loop the daemon runs on."""
    return await asyncio.to_thread(main, list(argv))


async def test_silence_blocks_pages_and_survives_a_restart(
    kafka: str, http_recorder: HttpRecorder, tmp_path: Path
) -> None:
    topic = unique("events")
    path = write_config(tmp_path, oncall_config(kafka, topic, http_recorder.url), RULES)
    body = {"matchers": {"service": "checkout"}, "duration": "1h", "comment": "deploy"}
    async with running_daemon(path) as daemon, aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{daemon.http_port}"
        refused = await http.post(f"{url}/api/v1/silences", json=body)
        bad = await http.post(f"{url}/api/v1/silences", json={"matchers": {}}, headers=AUTH)
        created = await http.post(f"{url}/api/v1/silences", json=body, headers=AUTH)
        silence = (await created.json())["silence"]
        await produce_events(kafka, topic, [ratio(T0, 0.09)])
        async with asyncio.timeout(15):
            while not (await (await http.get(f"{url}/api/v1/alerts?state=firing")).json())[
                "alerts"
            ]:
                await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
    assert refused.status == 401
    assert bad.status == 400
    assert created.status == 201
    assert silence["status"]["state"] == "active"
    assert http_recorder.attempts == []  # silenced: no page at all

    async with running_daemon(path) as daemon, aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{daemon.http_port}"
        restored = (await (await http.get(f"{url}/api/v1/silences?state=active")).json())[
            "silences"
        ]
        gone = await http.delete(f"{url}/api/v1/silences/{silence['id']}", headers=AUTH)
        after = (await (await http.get(f"{url}/api/v1/silences")).json())["silences"]
    assert [s["id"] for s in restored] == [silence["id"]]
    assert restored[0]["comment"] == "deploy"
    assert gone.status == 200
    assert [s["status"]["state"] for s in after] == ["expired"]


async def test_cli_adds_lists_and_expires_silences(
    kafka: str,
    http_recorder: HttpRecorder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    topic = unique("events")
    path = write_config(tmp_path, oncall_config(kafka, topic, http_recorder.url), RULES)
    monkeypatch.setenv("ALERTD_TOKEN", TOKEN)
    async with running_daemon(path) as daemon:
        url = f"http://127.0.0.1:{daemon.http_port}"
        assert await cli("silence", "add", "--url", url, "region=eu-*", "-d", "30m") == 0
        silence_id = last_line(capsys.readouterr().out)
        assert await cli("silence", "list", "--url", url, "--state", "active") == 0
        listed = capsys.readouterr().out
        assert await cli("silence", "expire", "--url", url, silence_id) == 0
        expired = last_line(capsys.readouterr().out)
        assert await cli("silence", "expire", "--url", url, "no-such-id") == 1
        missing = capsys.readouterr().err
        monkeypatch.setenv("ALERTD_TOKEN", "wrong")
        assert await cli("silence", "add", "--url", url, "a=b") == 1
        denied = capsys.readouterr().err
    assert silence_id in listed
    assert "region=eu-*" in listed
    assert expired.split() == [silence_id, "expired"]
    assert "HTTP 404" in missing
    assert "HTTP 401" in denied
