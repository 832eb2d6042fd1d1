"""Run the demo: embedded Tansu broker, an SMTP sink, the daemon, and a scenario.

Everything is real: events go through Kafka, the email is delivered over SMTP.
The timeline printed is what each stage reported as it happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
import time
from pathlib import Path

from aiokafka import AIOKafkaProducer

from alertd.alerts.model import AlertState, Transition
from alertd.config import ConfigProblems, load_config
from alertd.daemon import Daemon
from alertd.demo.scenario import (
    CUSTOMERS_YAML,
    EXPECTED_INBOXES,
    RULES_YAML,
    config_yaml,
    incident_events,
)
from alertd.demo.smtp_sink import ReceivedMail, SmtpSink
from alertd.ingest.decoders import encode_event
from alertd.ingest.event import Event
from alertd.notify.notification import Notification
from alertd.observe.listener import PipelineListener
from alertd.observe.logging import configure_logging

EXPECTED_MAILS = sum(EXPECTED_INBOXES.values())
INDENT = " " * 13


class Timeline(PipelineListener):
    """Prints each stage's report with the scenario's event-time offset."""

    def __init__(self, start: float) -> None:
        self.start = start
        self.states: list[AlertState] = []

    def _offset(self, at: float) -> str:
        seconds = int(at - self.start)
        return f"T+{seconds // 60:02d}:{seconds % 60:02d}"

    def event(self, topic: str, event: Event) -> None:
        labels = " ".join(f"{k}={v}" for k, v in sorted(event.labels.items()))
        print(f"  {self._offset(event.time)}  event     {event.name}={event.value:.3f}  {labels}")

    def transition(self, transition: Transition) -> None:
        self.states.append(transition.state)
        labels = ", ".join(f"{k}={v}" for k, v in sorted(transition.labels.items()))
        value = "" if transition.value is None else f"  value={transition.value:.3f}"
        mark = {"pending": "PENDING ", "firing": "FIRING  ", "resolved": "RESOLVED"}.get(
            str(transition.state), str(transition.state).upper()
        )
        print(f"  {self._offset(transition.at)}  {mark}  {transition.rule} {{{labels}}}{value}")

    def delivered(self, notification: Notification, channel: str) -> None:
        status, receiver = notification.status, notification.receiver
        print(f"{INDENT}{channel} sent    ({status}) to receiver {receiver}")

    def failed(self, notification: Notification, channel: str, reason: str) -> None:
        print(f"{INDENT}{channel} FAILED  ({reason})")


def _print_mail(mail: ReceivedMail) -> None:
    print(f'             inbox     {", ".join(mail.recipients)} <- "{mail.subject}"')


def demo(speed: float = 1.0) -> int:
    configure_logging("warning", "console")
    try:
        return asyncio.run(_demo(max(speed, 0.1)))
    except KeyboardInterrupt:
        return 130


async def _demo(speed: float) -> int:
    sink = SmtpSink(on_message=_print_mail)
    smtp_port = await sink.start()
    with tempfile.TemporaryDirectory(prefix="alertd-demo-") as tmp:
        (Path(tmp) / "rules.yml").write_text(RULES_YAML)
        (Path(tmp) / "customers.yml").write_text(CUSTOMERS_YAML)
        (Path(tmp) / "alertd.yml").write_text(config_yaml(smtp_port))
        try:
            loaded = load_config(Path(tmp) / "alertd.yml")
        except ConfigProblems as exc:
            print(exc, file=sys.stderr)
            return 1
        start = float(int(time.time()))
        timeline = Timeline(start)
        daemon = Daemon(loaded, listener=timeline)
        stop = asyncio.Event()
        print("alertd demo: checkout errors climb in eu-west, then recover.")
        print("Customers: Acme (EU, English), Romashka (EU, Russian), Globex (US).")
        print("Rule: error ratio > 5% for 45s pages payments on-call by email;")
        print("      it resolves after 1m below 3%.\n")
        runner = asyncio.create_task(daemon.run(stop))
        try:
            return await _play(daemon, sink, runner, start, speed)
        finally:
            stop.set()
            with contextlib.suppress(Exception):
                await runner
            await sink.stop()


async def _play(
    daemon: Daemon, sink: SmtpSink, runner: asyncio.Task[None], start: float, speed: float
) -> int:
    while daemon.ingest is None or daemon.http_port is None:
        if runner.done():
            runner.result()
            return 1
        await asyncio.sleep(0.05)
    print(
        f"Kafka (embedded Tansu) at {daemon.bootstrap_servers}; "
        f"SMTP sink at 127.0.0.1:{sink.port}; "
        f"metrics at http://127.0.0.1:{daemon.http_port}/metrics\n"
    )
    producer = AIOKafkaProducer(bootstrap_servers=daemon.bootstrap_servers)
    await producer.start()
    try:
        topic = daemon.config.kafka.topics[0].name
        for event in incident_events(start):
            await producer.send_and_wait(topic, encode_event(event), key=b"checkout")
            await asyncio.sleep(0.25 / speed)
    finally:
        await producer.stop()
    with contextlib.suppress(TimeoutError):
        await sink.wait_for(EXPECTED_MAILS, timeout=30)
    await asyncio.sleep(0.5)  # anything unexpected would arrive now
    return _report(sink)


def _report(sink: SmtpSink) -> int:
    inboxes: dict[str, list[ReceivedMail]] = {address: [] for address in EXPECTED_INBOXES}
    for mail in sink.messages:
        for address in mail.recipients:
            inboxes.setdefault(address, []).append(mail)
    for address, mails in inboxes.items():
        if mails:
            print(f"\n=== {address}: first of {len(mails)} message(s)")
            print(f"  Subject: {mails[0].subject}")
            print("\n".join(f"  | {line}" for line in mails[0].text().splitlines()))
    print("\nInboxes:")
    ok = True
    for address, mails in inboxes.items():
        expected = EXPECTED_INBOXES.get(address, 0)
        ok &= len(mails) == expected
        mark = "ok" if len(mails) == expected else f"WRONG, expected {expected}"
        print(f"  {address:32} {len(mails)} message(s)  {mark}")
    if not ok:
        print("\ndemo FAILED: the inboxes are not what the scenario promises", file=sys.stderr)
        return 1
    print("\ndemo OK: on-call paged and EU customers told in their language, through real")
    print("Kafka and SMTP; the US customer heard nothing.")
    return 0
