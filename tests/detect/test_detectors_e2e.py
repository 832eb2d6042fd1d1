"""Every detector family through the real Kafka broker, and live == backtest.

One daemon run consumes the scenario's events; a PipelineListener collects the
transitions the daemon made. ``alertd backtest``'s engine code replays the same events;
both must agree exactly, and every rule must have fired.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from alertd.alerts.model import AlertState, Transition
from alertd.commands.backtest import backtest_transitions
from alertd.config import load_config
from alertd.demo.smtp_sink import SmtpSink
from alertd.ingest.event import Event
from alertd.observe.listener import PipelineListener
from tests.detect.scenario import RULE_NAMES, RULES, events
from tests.support.daemon import kafka_yaml, running_daemon, unique, write_config
from tests.support.kafka import produce_events


class Collect(PipelineListener):
    def __init__(self) -> None:
        self.events = 0
        self.transitions: list[Transition] = []

    def event(self, topic: str, event: Event) -> None:
        self.events += 1

    def transition(self, transition: Transition) -> None:
        self.transitions.append(transition)


def config(kafka: str, topic: str, smtp_port: int, idle_lag: str) -> str:
    return f"""\
{kafka_yaml(kafka, topic)}http: {{listen: "127.0.0.1:0"}}
smtp: {{host: 127.0.0.1, port: {smtp_port}}}
rule_files: [rules.yml]
route: {{receiver: sink}}
receivers:
  - name: sink
    email_configs: [{{to: [oncall@example.com], from: alertd@example.com}}]
detect: {{clock_tick: 100ms, idle_lag: {idle_lag}}}
"""


async def _until(predicate: object, timeout: float = 30.0) -> None:
    assert callable(predicate)
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.05)


async def test_every_detector_fires_live_and_live_equals_backtest(
    kafka: str, smtp: SmtpSink, tmp_path: Path
) -> None:
    topic = unique("detectors")
    # event times just ahead of the wall clock: the idle-partition clock (wall - 1h)
    # stays behind the data, so only events drive time, as in a backtest
    feed = events(int(time.time()) - 600)
    path = write_config(tmp_path, config(kafka, topic, smtp.port, "1h"), RULES)
    listener = Collect()
    async with running_daemon(path, listener):
        await produce_events(kafka, topic, feed)
        await _until(lambda: listener.events == len(feed))
        await asyncio.sleep(0.3)
    live = [t.as_json() for t in listener.transitions]
    replay = [t.as_json() for t in backtest_transitions(load_config(path).rules, iter(feed))]
    assert live == replay
    fired = {t.rule for t in listener.transitions if t.state is AlertState.FIRING}
    assert fired == set(RULE_NAMES)


async def test_absent_fires_on_a_quiet_partition_from_the_wall_clock(
    kafka: str, smtp: SmtpSink, tmp_path: Path
) -> None:
    topic = unique("absent")
    rules = """\
rules:
  - name: heartbeat_lost
    match: {kind: check, name: heartbeat}
    group_by: [job]
    detect: {absent: {after: 1m}}
"""
    path = write_config(tmp_path, config(kafka, topic, smtp.port, "500ms"), rules)
    listener = Collect()
    last_beat = time.time() - 120  # two minutes ago, then silence
    async with running_daemon(path, listener):
        await produce_events(
            kafka,
            topic,
            [Event(time=last_beat, kind="check", name="heartbeat", labels={"job": "b"})],
        )
        await _until(lambda: any(t.state is AlertState.FIRING for t in listener.transitions))
    [firing] = [t for t in listener.transitions if t.state is AlertState.FIRING]
    assert firing.labels == {"job": "b"}
    assert firing.at == pytest.approx(last_beat + 60, abs=0.01)
