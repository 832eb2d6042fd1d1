"""Hundreds of bad records mixed into good ones never stop the daemon.

A fixed-seed mix of hostile records (random bytes, broken and deeply nested JSON,
NaN/Infinity literals, wrong types, huge numbers, empty records and tombstones) is
interleaved with good events on the real broker. Every bad record must land in the
DLQ, untouched and with a reason header, and be counted in
``alertd_events_rejected_total``; every good event must be consumed, and the daemon
must still consume afterwards.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from aiokafka import AIOKafkaProducer

from alertd.daemon import Daemon
from alertd.ingest.decoders import DecodeError, decode_alertd, encode_event
from alertd.ingest.event import Event
from alertd.observe.listener import PipelineListener
from tests.support.daemon import kafka_yaml, running_daemon, unique, write_config
from tests.support.kafka import read_all

BAD_RECORDS = 300
GOOD_EVENTS = 200
SEED = 6


class Seen(PipelineListener):
    def __init__(self) -> None:
        self.names: list[str] = []

    def event(self, topic: str, event: Event) -> None:
        self.names.append(event.name)

    async def wait_for(self, count: int, timeout: float = 30.0) -> list[str]:
        async with asyncio.timeout(timeout):
            while len(self.names) < count:
                await asyncio.sleep(0.05)
        return self.names


def _config(kafka: str, topic: str) -> str:
    return f"""\
{kafka_yaml(kafka, topic)}  max_batch: 50
http: {{listen: "127.0.0.1:0"}}
rule_files: [rules.yml]
detect: {{clock_tick: 100ms, idle_lag: 1h}}
"""


def _good(i: int) -> bytes:
    event = Event(time=1_790_000_000.0 + i, kind="metric", name=f"good-{i}", value=float(i))
    return encode_event(event)


OUT_OF_RANGE_TIMES = ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", 1e20, -1e20]
"""Well-formed times outside the years 1-9999 once converted to epoch seconds."""


def _bad_makers(rng: random.Random) -> list[Callable[[], bytes | None]]:
    """Each maker returns one hostile record; None is a tombstone (no value at all)."""
    ok = json.loads(_good(0))

    def with_field(field: str, value: object) -> bytes:
        return json.dumps({**ok, field: value}, allow_nan=True).encode()

    def deep() -> bytes:
        depth = rng.randint(100, 50_000)
        return b"[" * depth + b"]" * depth

    return [
        lambda: rng.randbytes(rng.randint(1, 300)),
        lambda: _good(0)[: rng.randint(1, len(_good(0)) - 1)],  # truncated
        lambda: with_field("value", rng.choice([float("nan"), float("inf"), -float("inf")])),
        lambda: with_field("time", rng.choice(["yesterday", None, [], {}, True, 10**400])),
        lambda: with_field("time", rng.choice(OUT_OF_RANGE_TIMES)),
        lambda: with_field("kind", rng.choice(["metrics", "", 7, None])),
        lambda: with_field("labels", rng.choice([{"a": 1}, ["a"], "a=b", {"a": None}])),
        lambda: with_field("name", rng.choice(["", 1, "x" * 600])),
        lambda: with_field("time", "9" * rng.randint(400, 5000)),
        lambda: json.dumps({**ok, "extra": 1}).encode(),
        deep,
        lambda: rng.choice([b"", b"   \n", b"[]", None]),
        lambda: "\u00e9\u2603\U0001f525".encode("utf-16"),
    ]


def bad_records(count: int) -> list[bytes | None]:
    rng = random.Random(SEED)
    makers = _bad_makers(rng)
    records = [rng.choice(makers)() for _ in range(count)]
    for record in records:  # the test is only as good as its claim that these are bad
        try:
            decode_alertd(record or b"")
        except DecodeError:
            continue
        raise AssertionError(f"meant to be bad, but decodes: {record!r}")
    return records


def rejection_kind(record: bytes | None) -> str:
    try:
        decode_alertd(record or b"")
    except DecodeError as exc:
        return exc.kind
    raise AssertionError("not a bad record")


async def produce_keyed(kafka: str, topic: str, records: list[tuple[bytes, bytes | None]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=kafka)
    await producer.start()
    try:
        sent = [await producer.send(topic, value, key=key) for key, value in records]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


def metric(daemon: Daemon, name: str, labels: dict[str, str]) -> float:
    return daemon.metrics.registry.get_sample_value(name, labels) or 0.0


async def test_bad_records_go_to_dlq_and_good_events_keep_flowing(
    kafka: str, tmp_path: Path
) -> None:
    topic = unique("hostile")
    bad = bad_records(BAD_RECORDS)
    mixed: list[tuple[bytes, bytes | None]] = [(f"bad-{i}".encode(), r) for i, r in enumerate(bad)]
    mixed += [(f"good-{i}".encode(), _good(i)) for i in range(GOOD_EVENTS)]
    random.Random(SEED).shuffle(mixed)
    seen = Seen()
    path = write_config(tmp_path, _config(kafka, topic))

    async with running_daemon(path, listener=seen) as daemon:
        await produce_keyed(kafka, topic, mixed)
        await seen.wait_for(GOOD_EVENTS)
        dead = await read_all(kafka, f"{topic}.dlq", expect=BAD_RECORDS, timeout_ms=30_000)
        # Still alive and consuming after all of that.
        await produce_keyed(kafka, topic, [(b"after", _good(GOOD_EVENTS))])
        await seen.wait_for(GOOD_EVENTS + 1)
        assert daemon.ready()
        rejected = {
            kind: metric(daemon, "alertd_events_rejected_total", {"topic": topic, "reason": kind})
            for kind in ("malformed", "invalid", "too_large", "empty", "decoder_error")
        }
        consumed = metric(daemon, "alertd_events_consumed_total", {"topic": topic})

    assert sorted(seen.names) == sorted(f"good-{i}" for i in range(GOOD_EVENTS + 1))
    assert consumed == GOOD_EVENTS + 1
    by_key = {record.key: record for record in dead}
    assert len(dead) == BAD_RECORDS
    assert set(by_key) == {f"bad-{i}".encode() for i in range(BAD_RECORDS)}
    for i, original in enumerate(bad):
        record = by_key[f"bad-{i}".encode()]
        headers = dict(record.headers)
        assert record.value == (original or b""), "the DLQ keeps the original bytes"
        assert headers["alertd.reason"].strip(), "every DLQ record says why"
        assert headers["alertd.source.topic"] == topic.encode()
        assert int(headers["alertd.source.offset"]) >= 0
    expected = Counter(rejection_kind(r) for r in bad)
    assert {k: v for k, v in rejected.items() if v} == dict(expected)


async def test_a_bad_record_near_the_size_limit_still_reaches_the_dlq(
    kafka: str, tmp_path: Path
) -> None:
    topic = unique("near-limit")
    path = write_config(tmp_path, _config(kafka, topic))
    near_limit = b"x" * 1_048_400  # fits the producer's 1 MiB, not once headers are added
    async with running_daemon(path) as daemon:
        await produce_keyed(kafka, topic, [(b"big", near_limit)])
        dead = await read_all(kafka, f"{topic}.dlq", expect=1, timeout_ms=5_000)
        assert daemon.ready()
    assert [record.key for record in dead] == [b"big"]
    headers = dict(dead[0].headers)
    assert headers["alertd.truncated_from"] == str(len(near_limit)).encode()
    assert dead[0].value == near_limit[: len(dead[0].value)]
