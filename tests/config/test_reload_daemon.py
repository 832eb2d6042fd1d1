"""Reload of a running daemon: POST /-/reload, file watching and SIGHUP, on real peers."""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from alertd.daemon import Daemon
from alertd.embedded.tansu import free_port
from alertd.ingest.event import Event
from tests.support.daemon import kafka_yaml, running_daemon, unique, write_config
from tests.support.kafka import produce_events

TOKEN = "reload-token-123"
RULE = """\
  - name: {name}
    match: {{kind: metric, name: {metric}}}
    detect: {{threshold: {{above: 0.5}}}}
    for: 30s
"""
T0 = 1_790_000_000.0


def rules(*names: str) -> str:
    return "rules:\n" + "".join(RULE.format(name=n, metric=f"{n}_metric") for n in names)


def config(kafka: str, topic: str, http: str = "127.0.0.1:0", watch: bool = False) -> str:
    return f"""\
{kafka_yaml(kafka, topic)}http: {{listen: "{http}", token_env: ALERTD_TEST_RELOAD_TOKEN}}
rule_files: [rules.yml]
detect: {{clock_tick: 100ms, idle_lag: 1h}}
reload: {{watch: {str(watch).lower()}, watch_interval: 100ms}}
"""


def breach(t: float, name: str = "kept") -> Event:
    return Event(time=t, kind="metric", name=f"{name}_metric", value=0.9)


async def _alerts(daemon: Daemon) -> list[dict[str, Any]]:
    async with aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{daemon.http_port}/api/v1/alerts"
        body: dict[str, Any] = await (await http.get(url)).json()
    return list(body["alerts"])


async def _until(predicate: Any, timeout: float = 15.0) -> None:
    async with asyncio.timeout(timeout):
        while not await predicate():
            await asyncio.sleep(0.05)


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALERTD_TEST_RELOAD_TOKEN", TOKEN)


async def test_post_reload_applies_new_rules_and_keeps_pending_series(
    kafka: str, tmp_path: Path
) -> None:
    topic = unique("reload")
    path = write_config(tmp_path, config(kafka, topic), rules("kept"))
    async with running_daemon(path) as daemon:
        await produce_events(kafka, topic, [breach(T0)])
        await _until(lambda: _has_alert(daemon, "kept", "pending"))
        (tmp_path / "rules.yml").write_text(rules("kept", "added"))
        url = f"http://127.0.0.1:{daemon.http_port}/-/reload"
        async with aiohttp.ClientSession() as http:
            anonymous = await http.post(url)
            dry = await (await http.post(f"{url}?dry_run=1", headers=_auth())).json()
            applied = await http.post(url, headers=_auth())
            body = await applied.json()
        await produce_events(kafka, topic, [breach(T0 + 31)])
        await _until(lambda: _has_alert(daemon, "kept", "firing"))
        [alert] = await _alerts(daemon)
        names = [r.name for r in daemon.loaded.rules]

    assert anonymous.status == 401
    assert dry["applied"] is False
    assert dry["diff"] == {"added": ["added"], "removed": [], "changed": []}
    assert applied.status == 200
    assert body["diff"]["added"] == ["added"]
    assert names == ["kept", "added"]
    # pending since T0 survived the reload: firing at T0+31 with the original start
    assert alert["startsAt"] == datetime.fromtimestamp(T0, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def test_bad_config_is_rejected_and_old_rules_keep_running(
    kafka: str, tmp_path: Path
) -> None:
    topic = unique("reload")
    path = write_config(tmp_path, config(kafka, topic), rules("kept"))
    async with running_daemon(path) as daemon:
        (tmp_path / "rules.yml").write_text(rules("kept") + "    for: [oops]\n")
        async with aiohttp.ClientSession() as http:
            response = await http.post(
                f"http://127.0.0.1:{daemon.http_port}/-/reload", headers=_auth()
            )
            body = await response.json()
        await produce_events(kafka, topic, [breach(T0)])
        await _until(lambda: _has_alert(daemon, "kept", "pending"))
        ok = daemon.metrics.registry.get_sample_value("alertd_config_last_reload_successful")

    assert response.status == 400
    assert any(p.startswith(f"{tmp_path / 'rules.yml'}:") for p in body["problems"])
    assert ok == 0


async def test_file_watcher_reloads_changed_rules(kafka: str, tmp_path: Path) -> None:
    topic = unique("reload")
    path = write_config(tmp_path, config(kafka, topic, watch=True), rules("first"))
    async with running_daemon(path) as daemon:
        (tmp_path / "rules.yml").write_text(rules("first", "second"))

        async def reloaded() -> bool:
            return [r.name for r in daemon.loaded.rules] == ["first", "second"]

        await _until(reloaded, timeout=10)


async def test_sighup_reloads_and_logs_path_line_of_a_bad_config(
    kafka: str, tmp_path: Path
) -> None:
    topic, port = unique("reload"), free_port()
    path = write_config(tmp_path, config(kafka, topic, http=f"127.0.0.1:{port}"), rules("a"))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "alertd", "run", "-c", str(path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await _until(lambda: _reload_gauge(port, 1.0), timeout=30)
        (tmp_path / "rules.yml").write_text("rules:\n  - name: [broken\n")
        process.send_signal(signal.SIGHUP)
        await _until(lambda: _reload_gauge(port, 0.0))
        (tmp_path / "rules.yml").write_text(rules("a", "b"))
        process.send_signal(signal.SIGHUP)
        await _until(lambda: _reload_gauge(port, 1.0))
    finally:
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(20):
            _, stderr = await process.communicate()
    log = stderr.decode()
    assert process.returncode == 0, log[-2000:]
    assert re.search(re.escape(str(tmp_path / "rules.yml")) + r":\d+: invalid YAML", log)
    assert '"config_reloaded"' in log


def _auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


async def _has_alert(daemon: Daemon, rule: str, state: str) -> bool:
    return any(a["rule"] == rule and a["state"] == state for a in await _alerts(daemon))


async def _reload_gauge(port: int, expected: float) -> bool:
    try:
        async with aiohttp.ClientSession() as http:
            text = await (await http.get(f"http://127.0.0.1:{port}/metrics")).text()
    except aiohttp.ClientError:
        return False
    return f"alertd_config_last_reload_successful {expected}" in text
