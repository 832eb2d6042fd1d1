"""Pipeline glue: what reaches channels, end to end through Kafka and SMTP."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alertd.alerts.flap import FlapPolicy
from alertd.alerts.model import Transition
from alertd.alerts.store import AlertStore
from alertd.config.schema import RouteConfig
from alertd.demo.smtp_sink import SmtpSink
from alertd.ingest.event import Event
from alertd.notify.dispatcher import Dispatcher
from alertd.notify.retry import Backoff
from alertd.observe.listener import PipelineListener
from alertd.observe.metrics import Metrics
from alertd.pipeline import Pipeline
from alertd.route.tree import Route
from alertd.templating import Templates
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


class Sequence(PipelineListener):
    """Records events and transitions in the order the pipeline reports them."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def event(self, topic: str, event: Event) -> None:
        self.seen.append(f"event {event.value}")

    def transition(self, transition: Transition) -> None:
        self.seen.append(f"{transition.state} {transition.value}")


async def test_a_listener_sees_each_event_before_the_transitions_it_made() -> None:
    from tests.state.stack import RULES as DISK_RULES
    from tests.state.stack import disk

    listener = Sequence()
    metrics = Metrics()
    dispatcher = Dispatcher({}, metrics, Backoff(0.01, 0.05, 10))
    store = AlertStore(DISK_RULES, Templates(None))
    pipeline = Pipeline(
        DISK_RULES, store, Route.build(RouteConfig(receiver="ops")), dispatcher, metrics, listener
    )
    values = [0.5, 0.95, 0.96, 0.5, 0.4]  # fires at the second; clears 30s after the fourth
    batch = [disk(60 * i, v) for i, v in enumerate(values)]
    await pipeline.handle("events", 0, batch, 0.0)
    assert listener.seen == [
        "event 0.5",
        "event 0.95",
        "firing 0.95",
        "event 0.96",
        "event 0.5",
        "event 0.4",
        "resolved 0.5",
    ]
