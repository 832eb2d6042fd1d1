"""Flushes far larger than one producer batch: every record lands, in order, and restores."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, TopicPartition

from alertd.state import keys
from alertd.state.changelog import Changelog
from tests.state.stack import T0, build, close, disk

HOSTS = 3000
"""Series in one flush: ~300 KB of records, many of aiokafka's default 16 KiB batches."""


async def _records(kafka: str, log: Changelog) -> list[tuple[bytes, bytes | None]]:
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, auto_offset_reset="earliest")
    await consumer.start()
    tp = TopicPartition(log.topic, 0)
    out: list[tuple[bytes, bytes | None]] = []
    try:
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        end = (await consumer.end_offsets([tp]))[tp]
        while await consumer.position(tp) < end:
            batch = await consumer.getmany(tp, timeout_ms=2000)
            out.extend((r.key, r.value) for r in batch.get(tp, []) if r.key is not None)
    finally:
        await consumer.stop()
    return out


async def test_large_flush_restores_every_series_and_writes_the_offset_last(
    kafka: str, log: Changelog
) -> None:
    old = build(log, "events")
    await old.state.assigned([("events", 0)])
    # above the level: every series has state to write (series at rest have none)
    await old.feed(7, *(disk(0, 0.91 + i / 1_000_000, host=f"h{i}") for i in range(HOSTS)))
    await close(old)

    records = await _records(kafka, log)
    kinds = [keys.parse(k)[0] for k, _ in records]
    applied = kinds.index(keys.APPLIED)
    # the offset comes after the state it covers (delivery markers may follow it)
    assert max(i for i, kind in enumerate(kinds) if kind == keys.SERIES) < applied
    assert len({k for k, _ in records if keys.parse(k)[0] == keys.SERIES}) == HOSTS

    new = build(log, "events")
    await new.state.assigned([("events", 0)])
    assert new.state.applied_offset("events", 0) == 7
    evaluator = new.pipeline.evaluator_if_any("events", 0)
    assert evaluator is not None
    assert evaluator.engine.series_count == HOSTS
    # restored state, not fresh series: a fresh series would not resolve (nothing fired)
    assert evaluator.process(disk(1, 0.5, host=f"h{HOSTS - 1}")) == []  # keep_firing_for
    resolved = [t for t in evaluator.advance(T0 + 40) if t.labels == {"host": f"h{HOSTS - 1}"}]
    assert [str(t.state) for t in resolved] == ["resolved"]
    await close(new)


async def test_series_expired_among_many_writes_stays_gone_after_restore(log: Changelog) -> None:
    old = build(log, "events")
    await old.state.assigned([("events", 0)])
    # above the level, so each series has state to write (series at rest have none)
    await old.feed(1, *(disk(0, 0.95, host=f"old{i}") for i in range(HOSTS)))
    await old.feed(2, *(disk(600, 0.95, host=f"new{i}") for i in range(HOSTS)))
    # event time is at 600 s: a 300 s ttl drops the first batch's series only
    await old.pipeline.tick(disk(600, 0).time, idle_lag=3600.0, series_ttl=300.0)
    await close(old)

    new = build(log, "events")
    await new.state.assigned([("events", 0)])
    evaluator = new.pipeline.evaluator_if_any("events", 0)
    assert evaluator is not None
    assert {group[0][:3] for _, group in evaluator.engine.series_keys()} == {"new"}
    assert evaluator.engine.series_count == HOSTS
    await close(new)


async def test_series_that_never_alerted_write_no_track_records(kafka: str, log: Changelog) -> None:
    stack = build(log, "events")
    await stack.state.assigned([("events", 0)])
    await stack.feed(1, disk(0, 0.5, host="quiet"), disk(0, 0.95, host="loud"))
    await stack.feed(2, disk(1, 0.4, host="quiet"), disk(60, 0.4, host="loud"))
    await stack.feed(3, disk(120, 0.4, host="loud"))  # keep_firing_for (30s) ran out
    await stack.settle()
    await close(stack)

    tracks = [(keys.parse(k), v) for k, v in await _records(kafka, log)]
    tracks = [(parts[3], v is None) for parts, v in tracks if parts[0] == keys.TRACK]
    # only the loud series had a track: written when it fired, tombstoned when it resolved
    assert [host for host, _ in tracks] == [["loud"]] * len(tracks)
    assert tracks[0][1] is False
    assert tracks[-1][1] is True
