"""Per-customer rate limit and digest: a flapping or multi-alert incident is one story."""

from __future__ import annotations

from alertd.notices.digest import Outbox
from alertd.notices.model import NoticeItem
from tests.notices.helpers import customer, harness


def item(story: str, stage: str, at: float, key: str | None = None) -> NoticeItem:
    return NoticeItem(
        key=key or f"{story}.{stage}.{at}",
        story=story,
        kind="incident",
        stage=stage,
        source_id=story,
        title="t",
        impact="i",
        workaround=None,
        at=at,
        started_at=0.0,
    )


def test_first_item_goes_out_at_once_then_rate_limited_items_merge_by_story() -> None:
    box = Outbox(min_gap=600)
    assert [i.stage for i in box.offer("c", item("a", "investigating", 0), 0)] == ["investigating"]
    assert box.offer("c", item("a", "identified", 10), 10) == []
    assert box.offer("c", item("a", "monitoring", 20), 20) == []
    assert box.offer("c", item("b", "investigating", 30), 30) == []
    assert box.due(599) == []
    [(customer_id, items)] = box.due(600)
    assert customer_id == "c"
    assert [(i.story, i.stage) for i in items] == [("a", "monitoring"), ("b", "investigating")]


def test_story_never_told_and_already_over_is_dropped_whole() -> None:
    box = Outbox(min_gap=600)
    box.offer("c", item("a", "investigating", 0), 0)
    box.offer("c", item("b", "investigating", 10), 10)
    box.offer("c", item("b", "resolved", 20), 20)
    assert box.due(700) == []


def test_told_story_keeps_its_resolution() -> None:
    box = Outbox(min_gap=600)
    box.offer("c", item("a", "investigating", 0), 0)
    box.offer("c", item("a", "resolved", 10), 10)
    [(_, items)] = box.due(600)
    assert [i.stage for i in items] == ["resolved"]


async def test_flapping_alert_becomes_one_story_for_the_customer() -> None:
    h = harness([customer("eu1")], confirm_after=0, rate_limit=900)
    first = await h.fire()
    await h.advance(1)  # investigating goes out
    for n in range(4):  # resolves and re-fires every minute
        await h.advance(30)
        await h.resolve(first)
        await h.advance(30)
        first = await h.fire(starts_at=h.now + n)
        await h.advance(1)
    await h.advance(900)
    # one opening notice, then one digest holding the latest state of the same story
    stages = h.stages_for("eu1")
    assert stages[0] == ["investigating"]
    assert len(stages) <= 2
    assert all(len(s) == 1 for s in stages)
    assert "resolved" not in stages[-1]


async def test_more_alerts_for_one_customer_within_gap_arrive_as_one_digest() -> None:
    regions = ["eu-west", "eu-north", "eu-south"]
    h = harness([customer("eu1", regions=regions)], confirm_after=0, rate_limit=600)
    await h.fire("eu-west")
    await h.advance(1)
    await h.fire("eu-north")
    await h.fire("eu-south")
    await h.advance(1)
    assert h.stages_for("eu1") == [["investigating"]]
    await h.advance(600)
    assert h.stages_for("eu1") == [["investigating"], ["investigating", "investigating"]]
    digest = h.emails()[-1]
    assert sorted(r for i in digest.items for r in i.regions) == ["eu-north", "eu-south"]
    assert digest.parts["subject"] == "2 updates on services you use"
    assert "Payments in eu-north may fail" in digest.parts["text"]
    assert "Payments in eu-south may fail" in digest.parts["text"]
