"""Pipeline glue: what reaches channels, end to end through Kafka and SMTP."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alertd.alerts.flap import FlapPolicy
from alertd.demo.smtp_sink import SmtpSink
from alertd.ingest.event import Event
from tests.support.daemon import kafka_yaml, running_daemon, unique, write_config
from tests.support.kafka import produce_events

RULES = """\
rules:
  - name: queue_full
    match: {kind: metric, name: queue_fill}
    group_by: [queue]
    detect: {threshold: {above: 0.9}}
    severity: warning
"""


def _config(kafka: str, topic: str, smtp_port: int) -> str:
    return f"""\
{kafka_yaml(kafka, topic)}http: {{listen: "127.0.0.1:0"}}
smtp: {{host: 127.0.0.1, port: {smtp_port}}}
rule_files: [rules.yml]
route: {{receiver: ops}}
receivers:
  - name: ops
    email_configs: [{{to: [ops@example.com]}}]
detect: {{clock_tick: 100ms, idle_lag: 1h}}
"""


async def test_flapping_alert_is_held_after_the_flap_threshold(
    kafka: str, smtp: SmtpSink, tmp_path: Path
) -> None:
    topic = unique("flap")
    path = write_config(tmp_path, _config(kafka, topic, smtp.port), RULES)
    episodes = FlapPolicy().max_starts + 2
    values = [0.95, 0.1] * episodes
    events = [
        Event(
            time=1_790_000_000.0 + 60 * i,
            kind="metric",
            name="queue_fill",
            value=v,
            labels={"queue": "orders"},
        )
        for i, v in enumerate(values)
    ]
    sent_before_flapping = 2 * (FlapPolicy().max_starts - 1)  # firing + resolved each
    async with running_daemon(path):
        await produce_events(kafka, topic, events)
        await smtp.wait_for(sent_before_flapping, timeout=20)
        await asyncio.sleep(1.5)
    subjects = [m.subject.split("]")[0] + "]" for m in smtp.messages]
    assert len(smtp.messages) == sent_before_flapping
    assert subjects == ["[FIRING:WARNING]", "[RESOLVED]"] * (FlapPolicy().max_starts - 1)


async def test_idle_series_expire_after_series_ttl(
    kafka: str, smtp: SmtpSink, tmp_path: Path
) -> None:
    topic = unique("ttl")
    config = _config(kafka, topic, smtp.port).replace(
        "idle_lag: 1h}", "idle_lag: 1h, series_ttl: 10m}"
    )
    path = write_config(tmp_path, config, RULES)
    start = 1_790_000_000.0
    churn = [  # one short-lived queue, then another one 20 minutes later
        Event(time=start, kind="metric", name="queue_fill", value=0.1, labels={"queue": "q-1"}),
        Event(
            time=start + 1200, kind="metric", name="queue_fill", value=0.1, labels={"queue": "q-2"}
        ),
    ]
    async with running_daemon(path) as daemon:
        await produce_events(kafka, topic, churn)
        async with asyncio.timeout(15):
            while _value(daemon, "alertd_series_expired_total") < 1:
                await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        assert _value(daemon, "alertd_series") == 1  # q-2 lives on, q-1 is gone
    assert _value(daemon, "alertd_series_expired_total") == 1


def _value(daemon: object, name: str) -> float:
    from alertd.daemon import Daemon

    assert isinstance(daemon, Daemon)
    return sum(
        sample.value
        for family in daemon.metrics.registry.collect()
        for sample in family.samples
        if sample.name == name
    )
