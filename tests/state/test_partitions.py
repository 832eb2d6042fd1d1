"""Per-partition state through a real changelog topic: persist, move, restore, resume."""

from __future__ import annotations

import asyncio
import time

from alertd.alerts.escalation import EscalationLevel, EscalationPolicy
from alertd.alerts.model import AlertState
from alertd.config.reload import rebase_store
from alertd.config.schema import RouteConfig
from alertd.route.paging import PagingOptions
from alertd.state.changelog import Changelog
from alertd.templating import Templates
from tests.state.stack import RULES, RecordingChannel, build, changelog, close, disk
from tests.support.daemon import unique


def _escalating() -> PagingOptions:
    """Escalation policy ``esc``: page ``boss`` at once while unacknowledged."""
    policy = EscalationPolicy("esc", (EscalationLevel(0.0, "boss"),), 0)
    return PagingOptions(policies={"esc": policy})


async def test_new_owner_resolves_the_alert_the_old_owner_saw_fire(log: Changelog) -> None:
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


async def test_delivered_notifications_are_not_resent_and_pending_ones_are(log: Changelog) -> None:
    down = RecordingChannel(down=True)
    old = build(log, "events", down)
    await old.state.assigned([("events", 0)])
    await old.feed(1, disk(0, 0.95, host="a"))
    await asyncio.sleep(0.2)  # retrying against a down receiver
    assert len(old.state.outbox) == 1
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
    assert len(third.state.outbox) == 0
    await close(third)


async def test_revoked_partition_is_dropped_when_not_assigned_back(log: Changelog) -> None:
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


async def test_dropped_partition_leaves_paging_so_it_is_not_repaged_here(log: Changelog) -> None:
    stack = build(log, "events")
    await stack.state.assigned([("events", 0)])
    await stack.feed(1, disk(0, 0.95))
    await stack.settle()
    assert len(stack.pipeline.paging.groups) == 1
    await stack.state.revoked([("events", 0)])
    await stack.state.assigned([])
    [group] = stack.pipeline.paging.groups.due(float("inf"))
    assert group.alerts == {}
    assert group.notified == frozenset()
    await close(stack)


async def test_old_delivery_markers_are_tombstoned(log: Changelog) -> None:
    stack = build(log, "events")
    await stack.state.assigned([("events", 0)])
    await stack.feed(1, disk(0, 0.95))
    await stack.settle()
    assert len(stack.dispatcher.delivery_log) == 1
    stack.state.outbox.expire_markers(before=float("inf"))
    await stack.state.flush(0)
    await close(stack)

    restored = build(log, "events")
    await restored.state.assigned([("events", 0)])
    assert len(restored.dispatcher.delivery_log) == 0
    await close(restored)


async def test_not_ready_while_restoring(kafka: str) -> None:
    log, producer = await changelog(kafka, unique("state"))
    release = asyncio.Event()
    read = log.read

    async def slow_read(partition: int) -> dict[bytes, bytes]:
        await release.wait()
        return await read(partition)

    log.read = slow_read  # type: ignore[method-assign]
    try:
        stack = build(log, "events")
        restore = asyncio.create_task(stack.state.assigned([("events", 0)]))
        await asyncio.sleep(0.05)
        assert stack.state.restoring
        release.set()
        await asyncio.wait_for(restore, 5)
        assert not stack.state.restoring
        assert stack.state.owns(("events", 0))
        await close(stack)
    finally:
        await producer.stop()


async def test_two_input_topics_share_a_changelog_partition_without_mixing(log: Changelog) -> None:
    old = build(log, "metrics")
    await old.state.assigned([("metrics", 0), ("other", 0)])
    await old.feed(7, disk(0, 0.95))
    await old.settle()
    await close(old)

    new = build(log, "metrics")
    await new.state.assigned([("metrics", 0), ("other", 0)])
    assert new.state.applied_offset("metrics", 0) == 7
    assert new.state.applied_offset("other", 0) == -1
    other = new.pipeline.evaluator_if_any("other", 0)
    assert other is not None
    assert other.engine.series_count == 0
    metrics = new.pipeline.evaluator_if_any("metrics", 0)
    assert metrics is not None
    assert metrics.engine.series_count == 1
    await close(new)


async def test_restored_unacknowledged_incident_keeps_escalating(kafka: str) -> None:
    log, producer = await changelog(kafka, unique("state"))
    route = RouteConfig(receiver="ops", escalation="esc")

    try:
        old = build(log, "events", route=route, paging=_escalating())
        await old.state.assigned([("events", 0)])
        await old.feed(1, disk(0, 0.95))
        await old.settle()
        assert len(old.pipeline.paging.escalations.pending()) == 1
        await close(old)

        new = build(log, "events", route=route, paging=_escalating())
        await new.state.assigned([("events", 0)])
        [incident] = new.pipeline.incidents.all()
        assert new.pipeline.paging.escalations.pending() == [incident.id]
        await new.pipeline.paging.tick(time.time() + 1)
        await new.settle()
        assert [n.receiver for n in new.channel.sent] == ["boss"]
        await close(new)
    finally:
        await producer.stop()


async def test_reload_that_changes_a_rule_forgets_its_state_in_the_changelog(
    log: Changelog,
) -> None:
    old = build(log, "events")
    await old.state.assigned([("events", 0)])
    await old.feed(1, disk(0, 0.95))
    await old.settle()
    changed = [RULES[0].model_copy(update={"severity": "warning"})]
    before = old.state.state_keys()
    rebase_store(old.pipeline._store, changed, Templates(None))
    old.pipeline.replace_rules(changed, old.pipeline.paging.route)
    assert old.state.state_keys() != before
    await old.state.after_tick()
    await close(old)

    new = build(log, "events")
    await new.state.assigned([("events", 0)])
    assert new.pipeline._store.active() == []
    evaluator = new.pipeline.evaluator_if_any("events", 0)
    assert evaluator is not None
    assert evaluator.engine.series_count == 0
    assert evaluator.lifecycle.active() == []
    await close(new)


async def test_ack_before_the_first_page_is_persisted_at_once(kafka: str) -> None:
    """Acked inside group_wait: no page or alert change carries the ack to the changelog."""
    log, producer = await changelog(kafka, unique("state"))
    route = RouteConfig(receiver="ops", escalation="esc", group_wait=60, immediate_severities=[])

    try:
        old = build(log, "events", route=route, paging=_escalating())
        await old.state.assigned([("events", 0)])
        await old.feed(1, disk(0, 0.95))
        await old.settle()
        assert old.channel.sent == []  # waits for group_wait
        [incident] = old.pipeline.incidents.all()
        await old.pipeline.paging.acknowledge(incident.id, "alice", time.time())
        await old.state.after_tick()  # the clock's flush; the alert itself did not change
        await close(old)

        new = build(log, "events", route=route, paging=_escalating())
        await new.state.assigned([("events", 0)])
        [restored] = new.pipeline.incidents.all()
        assert restored.acked_by == "alice"
        assert new.pipeline.paging.escalations.pending() == []
        await new.pipeline.paging.tick(time.time() + 1)
        await new.settle()
        assert [n.receiver for n in new.channel.sent] == []
        await close(new)
    finally:
        await producer.stop()


async def test_flap_history_moves_with_the_partition(log: Changelog) -> None:
    """Three firing starts before the move, the fourth after: still flapping, held."""
    old = build(log, "events")
    await old.state.assigned([("events", 0)])
    for episode in range(3):
        at = episode * 60.0
        await old.feed(2 * episode + 1, disk(at, 0.95), disk(at + 1, 0.5))
        await old.feed(2 * episode + 2, disk(at + 40, 0.5))  # past keep_firing_for
    await old.settle()
    pages = len(old.channel.sent)
    assert pages > 0
    await close(old)

    new = build(log, "events")
    await new.state.assigned([("events", 0)])
    await new.feed(7, disk(180, 0.95))
    await new.settle()
    assert new.channel.sent == []  # the fourth start within the hour: flapping, held
    await close(new)


async def test_repeat_interval_counts_from_the_last_page_not_from_the_restore(
    log: Changelog,
) -> None:
    route = RouteConfig(receiver="ops", repeat_interval=3600)
    old = build(log, "events", route=route)
    await old.state.assigned([("events", 0)])
    await old.feed(1, disk(0, 0.95))
    await old.settle()
    [page] = old.channel.sent
    paged_by = time.time()
    await old.state.after_tick()
    await close(old)
    await asyncio.sleep(0.2)

    new = build(log, "events", route=route)
    restored_at = time.time()
    await new.state.assigned([("events", 0)])
    [group] = new.pipeline.paging.groups.due(restored_at + 3600)
    assert group.last_sent is not None
    assert group.last_sent <= paged_by < restored_at
    assert page.alert.fingerprint in group.notified
    await close(new)
