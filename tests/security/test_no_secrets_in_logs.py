"""A daemon given secrets from env and files never writes them to its logs."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
import structlog

from alertd.demo.smtp_sink import SmtpSink
from alertd.ingest.event import Event
from alertd.observe.logging import configure_logging
from tests.support.daemon import kafka_yaml, running_daemon, unique, write_config
from tests.support.kafka import produce_events, produce_raw

API_TOKEN = "api-T0KEN-7f3a9c"
SMTP_PASSWORD = "smtp-PASSW0RD-41be0d"
RULES = """\
rules:
  - name: high
    match: {kind: metric, name: load}
    detect: {threshold: {above: 1}}
    annotations: {summary: "load {{ value }}"}
"""


@pytest.fixture
def json_logs() -> Iterator[None]:
    """Configured in the test body (the capture's stream changes between phases)."""
    yield
    structlog.reset_defaults()


async def test_token_and_passwords_never_appear_in_logs(
    kafka: str,
    smtp: SmtpSink,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    json_logs: None,
) -> None:
    configure_logging("debug", "json")
    monkeypatch.setenv("ALERTD_TEST_LOG_TOKEN", API_TOKEN)
    (tmp_path / "smtp.pw").write_text(SMTP_PASSWORD + "\n")
    topic = unique("secrets")
    config = f"""\
{kafka_yaml(kafka, topic)}http: {{listen: "127.0.0.1:0", token_env: ALERTD_TEST_LOG_TOKEN}}
smtp:
  host: 127.0.0.1
  port: {smtp.port}
  username: alertd
  password_file: smtp.pw
rule_files: [rules.yml]
route: {{receiver: ops, group_wait: 0s}}
receivers:
  - name: ops
    email_configs: [{{to: [ops@example.com]}}]
notify: {{retry: {{attempts: 2, initial_backoff: 50ms, max_backoff: 100ms}}}}
detect: {{clock_tick: 100ms, idle_lag: 1h}}
"""
    path = write_config(tmp_path, config, RULES)
    async with running_daemon(path) as daemon:
        base = f"http://127.0.0.1:{daemon.http_port}"
        async with aiohttp.ClientSession() as http:
            await http.post(f"{base}/-/reload", headers={"Authorization": "Bearer wrong"})
            ok = await http.post(
                f"{base}/-/reload", headers={"Authorization": f"Bearer {API_TOKEN}"}
            )
            assert ok.status == 200
        # the SMTP sink offers no AUTH: login fails and the failure is logged
        await produce_events(kafka, topic, [Event(time=1.0, kind="metric", name="load", value=5)])
        await produce_raw(kafka, topic, [b"not json"])
        async with asyncio.timeout(15):
            while not daemon.metrics.registry.get_sample_value(
                "alertd_events_rejected_total", {"topic": topic, "reason": "malformed"}
            ):
                await asyncio.sleep(0.05)
            while not _failures(daemon):  # the SMTP login with the password was tried
                await asyncio.sleep(0.05)
    captured = capfd.readouterr()
    logs = captured.out + captured.err

    assert '"alertd_started"' in logs
    assert '"config_reloaded"' in logs
    assert '"event_rejected"' in logs
    assert '"notification_failed"' in logs or '"notification_sent"' in logs
    for secret in (API_TOKEN, SMTP_PASSWORD):
        assert secret not in logs


def _failures(daemon: object) -> float:
    from alertd.daemon import Daemon

    assert isinstance(daemon, Daemon)
    return sum(
        s.value
        for family in daemon.metrics.registry.collect()
        if family.name == "alertd_notification_failures"
        for s in family.samples
        if s.name.endswith("_total")
    )
