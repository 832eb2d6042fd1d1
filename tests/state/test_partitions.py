"""Per-partition state through a real changelog topic: persist, move, restore, resume."""

from __future__ import annotations

import asyncio

from alertd.alerts.model import AlertState
from tests.state.stack import RecordingChannel, build, changelog, close, disk
from tests.support.daemon import unique


async def test_new_owner_resolves_the_alert_the_old_owner_saw_fire(kafka: str) -> None:
    log, producer = await changelog(kafka, unique("state"))
    try:
        old = build(log, "events")
        await old.state.assigned([("events", 0)])
        await old.feed(1, disk(0, 0.5), disk(1, 0.95))
        await old.settle()
        assert [n.status for n in old.channel.sent] == ["firing"]
        await close(old)

        new = build(log, "events")
        await new.state.assigned([("events", 0)])
        assert new.state.applied_offset("events", 0) == 1
        assert [a.state for a in new.pipeline._store.active()] == [AlertState.FIRING]
        # keep_firing_for 30s: the clear starts the timer restored with the track
        await new.feed(2, disk(2, 0.4))
        assert new.channel.sent == []
        await new.feed(3, disk(40, 0.4))
        await new.settle()
        assert [n.status for n in new.channel.sent] == ["resolved"]
        await close(new)
    finally:
        await producer.stop()


async def test_delivered_notifications_are_not_resent_and_pending_ones_are(kafka: str) -> None:
    log, producer = await changelog(kafka, unique("state"))
    try:
        down = RecordingChannel(down=True)
        old = build(log, "events", down)
        await old.state.assigned([("events", 0)])
        await old.feed(1, disk(0, 0.95, host="a"))
        await asyncio.sleep(0.2)  # retrying against a down receiver
        assert old.state.outbox_size() == 1
        await close(old)

        new = build(log, "events")
        await new.state.assigned([("events", 0)])
        await new.settle()
        assert [n.status for n in new.channel.sent] == ["firing"]  # from the outbox
        await close(new)

        third = build(log, "events")
        await third.state.assigned([("events", 0)])
        await third.settle()
        assert third.channel.sent == []  # delivered: the delivery log was restored
        assert third.state.outbox_size() == 0
        await close(third)
    finally:
        await producer.stop()


async def test_revoked_partition_is_dropped_when_not_assigned_back(kafka: str) -> None:
    log, producer = await changelog(kafka, unique("state"))
    try:
        stack = build(log, "events")
        await stack.state.assigned([("events", 0)])
        await stack.feed(1, disk(0, 0.95))
        await stack.settle()
        await stack.state.revoked([("events", 0)])
        assert not stack.state.owns(("events", 0))
        await stack.state.assigned([])
        assert stack.pipeline.evaluator_if_any("events", 0) is None
        assert stack.pipeline._store.active() == []
        await close(stack)
    finally:
        await producer.stop()
