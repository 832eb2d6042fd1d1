"""``alertd replay``: produce the events of a .jsonl file to a Kafka topic.

For demos (feed a scenario into a running daemon) and backfills. The whole file is
validated first; if any line is bad, its ``PATH:LINE: reason`` is printed and nothing
is produced, so a backfill never stops half-way. Events are keyed by a label (default
``service``, else the event name) so one series always lands on one partition.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from alertd.config import ConfigProblems, load_config
from alertd.ingest.decoders import DecodeError, decode_alertd, encode_event
from alertd.ingest.event import Event
from alertd.ingest.security import kafka_client_options


def load_events(path: Path) -> tuple[list[Event], list[str]]:
    """All events of the file, and a ``PATH:LINE: reason`` for each bad line."""
    events: list[Event] = []
    problems: list[str] = []
    try:
        handle = path.open("rb")
    except OSError as exc:
        return [], [f"{path}:0: cannot read file: {exc.strerror}"]
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                events.extend(decode_alertd(line))
            except DecodeError as exc:
                problems.append(f"{path}:{number}: {exc}")
    return events, problems


def event_key(event: Event, label: str) -> bytes:
    return (event.labels.get(label) or event.name).encode()


async def produce(
    events: Sequence[Event],
    topic: str,
    bootstrap: str,
    key_label: str,
    rate: float = 0.0,
    client_options: dict[str, Any] | None = None,
) -> int:
    """Send every event and wait for the broker's acks; ``rate`` > 0 paces events/s."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", **(client_options or {}))
    await producer.start()
    try:
        pending = []
        for event in events:
            pending.append(
                await producer.send(topic, encode_event(event), key=event_key(event, key_label))
            )
            if rate > 0:
                await asyncio.sleep(1.0 / rate)
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return len(events)


def replay(args: Any) -> int:
    events, problems = load_events(Path(args.events))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(f"{len(problems)} bad line(s); nothing was produced", file=sys.stderr)
        return 1
    target = _target(args)
    if isinstance(target, str):
        print(target, file=sys.stderr)
        return 1
    bootstrap, options = target
    try:
        sent = asyncio.run(
            produce(events, args.topic, bootstrap, args.key_label, args.rate, options)
        )
    except KafkaError as exc:
        print(f"replay failed: cannot produce to {bootstrap}: {exc}", file=sys.stderr)
        return 1
    print(f"replayed {sent} events from {args.events} to {args.topic}", file=sys.stderr)
    return 0


def _target(args: Any) -> tuple[str, dict[str, Any]] | str:
    """(bootstrap servers, client options) from the flags or the config, else an error."""
    if args.bootstrap_servers:
        return args.bootstrap_servers, {}
    if not args.config:
        return "replay needs --bootstrap-servers or -c CONFIG"
    try:
        loaded = load_config(args.config)
        options = kafka_client_options(loaded.config.kafka, loaded.base_dir)
    except ConfigProblems as exc:
        return str(exc)
    except ValueError as exc:
        return f"{args.config}: {exc}"
    bootstrap = loaded.config.kafka.bootstrap_servers
    if bootstrap == "embedded":
        return "the config uses the embedded broker; pass --bootstrap-servers of a running one"
    return bootstrap, options


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "replay", help="produce the events of a .jsonl file to a Kafka topic (demos, backfills)"
    )
    parser.add_argument("--events", required=True, help="a .jsonl file, one event per line")
    parser.add_argument("--topic", required=True, help="topic to produce to")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("-c", "--config", help="take brokers, TLS and SASL from alertd.yml")
    where.add_argument("--bootstrap-servers", help="host:port[,host:port]")
    parser.add_argument(
        "--key-label",
        default="service",
        help="label whose value keys each record (default: service; else the event name)",
    )
    parser.add_argument(
        "--rate", type=float, default=0.0, help="events per second (default: as fast as possible)"
    )
    parser.set_defaults(handler=replay)
