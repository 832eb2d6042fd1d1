"""``alertd demo --full``: the proof scenario through a real (embedded) Kafka broker.

Metrics go to the events topic in alertd's JSON; tickets go to two helpdesk topics as
Zendesk and Jira webhook payloads. Everything is read back through the topics'
configured decoders and replayed in event time through the daemon's own rules and
notice logic (nothing is sent), then the lead-time table is printed.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from alertd.config import ConfigProblems, load_config
from alertd.config.schema import LoadedConfig
from alertd.demo.proof_files import EVENTS_TOPIC, helpdesk_record, write_scenario
from alertd.demo.proof_scenario import CUSTOMERS, DEGRADATIONS, all_tickets, metric_events
from alertd.embedded.tansu import EmbeddedBroker
from alertd.ingest.decoders import DecodeError, encode_event, get_decoder
from alertd.ingest.event import Event
from alertd.ingest.topics import ensure_topics
from alertd.observe.logging import configure_logging
from alertd.proof.correlate import Report
from alertd.proof.replay import replay
from alertd.proof.table import render_table

READ_TIMEOUT = 60.0


def demo_full(html: str | None = None) -> int:
    configure_logging("error", "console")
    with tempfile.TemporaryDirectory(prefix="alertd-proof-") as tmp:
        try:
            loaded = load_config(write_scenario(Path(tmp)))
        except ConfigProblems as exc:
            print(exc, file=sys.stderr)
            return 1
        print(
            f"alertd demo --full: {len(DEGRADATIONS)} incidents, {CUSTOMERS} customers, "
            "tickets from Zendesk and Jira.\n"
        )
        try:
            report = asyncio.run(_with_broker(loaded))
        except KeyboardInterrupt:
            return 130
        except (TimeoutError, OSError) as exc:
            print(f"demo FAILED: {exc}", file=sys.stderr)
            return 1
    print(render_table(report), end="")
    if html:
        from alertd.proof.page import render_page

        Path(html).write_text(render_page(report), encoding="utf-8")
        print(f"\nHTML report written to {html}")
    return 0


async def _with_broker(loaded: LoadedConfig) -> Report:
    broker = EmbeddedBroker()
    bootstrap = await broker.start()
    try:
        return await run_through_broker(loaded, bootstrap)
    finally:
        await broker.stop()


async def run_through_broker(loaded: LoadedConfig, bootstrap: str, prefix: str = "") -> Report:
    """Produce the scenario, read it back through the decoders, replay it: the report.

    ``prefix`` is put before every topic name (tests share one broker).
    """
    decoders = {prefix + t.name: t.decoder for t in loaded.config.kafka.topics}
    await ensure_topics(bootstrap, list(decoders), 1)
    sent = await _produce(bootstrap, prefix)
    print(f"Kafka (embedded Tansu) at {bootstrap}: {sent} records produced")
    events = await _consume(bootstrap, decoders, sent)
    tickets = sum(e.kind == "ticket" for e in events)
    print(f"read back {len(events)} events ({tickets} tickets) through the topics' decoders\n")
    ledger = await replay(loaded, events)
    return ledger.report()


async def _produce(bootstrap: str, prefix: str) -> int:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    await producer.start()
    count = 0
    try:
        for event in metric_events():
            key = event.labels.get("service", "").encode()
            await producer.send(prefix + EVENTS_TOPIC, encode_event(event), key=key)
            count += 1
        for index, ticket in enumerate(all_tickets()):
            topic, value = helpdesk_record(ticket, index)
            await producer.send(prefix + topic, value, key=ticket.id.encode())
            count += 1
        await producer.flush()
    finally:
        await producer.stop()
    return count


async def _consume(bootstrap: str, decoders: dict[str, str], expect: int) -> Sequence[Event]:
    consumer = AIOKafkaConsumer(
        *decoders,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    events: list[Event] = []
    seen = 0
    deadline = time.monotonic() + READ_TIMEOUT
    try:
        while seen < expect and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for tp, records in batch.items():
                decode = get_decoder(decoders[tp.topic])
                for record in records:
                    seen += 1
                    try:
                        events.extend(decode(record.value or b""))
                    except DecodeError as exc:
                        print(f"skipped a bad record on {tp.topic}: {exc}", file=sys.stderr)
    finally:
        await consumer.stop()
    if seen < expect:
        raise TimeoutError(f"read {seen} of {expect} records within {READ_TIMEOUT:.0f}s")
    return events
