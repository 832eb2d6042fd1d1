"""Confirmation window, on-call controls, stages and the one resolution per customer."""

from __future__ import annotations

import pytest

from alertd.notices.model import Stage
from alertd.notices.service import NoticeError
from alertd.notices.tracker import Status
from tests.notices.helpers import customer, harness
from tests.notices.test_maintenance import window


async def test_notice_waits_for_confirmation_window_then_reaches_only_affected() -> None:
    h = harness([customer("eu1"), customer("us1", region="us-east")], confirm_after=180)
    incident = await h.fire()
    await h.advance(179)
    assert h.emails() == []
    await h.advance(2)
    assert h.stages_for("eu1") == [["investigating"]]
    assert h.stages_for("us1") == []
    [note] = h.emails()
    assert note.items[0].impact == "Payments in eu-west may fail"
    assert note.items[0].title == "Checkout problems in eu-west"
    assert note.items[0].next_update_at == h.now + h.service.config.update_interval
    assert h.service.state(incident.id).status is Status.PUBLISHED


async def test_alert_resolving_inside_window_tells_nobody() -> None:
    h = harness([customer("eu1")])
    incident = await h.fire()
    await h.advance(60)
    await h.resolve(incident)
    await h.advance(600)
    assert h.emails() == []
    assert h.service.state(incident.id).status is Status.CLOSED


async def test_hold_keeps_notice_back_until_release() -> None:
    h = harness([customer("eu1")])
    incident = await h.fire()
    h.service.hold(incident.id)
    await h.advance(3600)
    assert h.emails() == []
    await h.service.release(incident.id)
    await h.dispatcher.drain(2)
    assert h.stages_for("eu1") == [["investigating"]]


async def test_release_sends_before_window_and_cancel_sends_nothing_ever() -> None:
    h = harness([customer("eu1"), customer("n1", region="eu-north")])
    first = await h.fire()
    await h.service.release(first.id)
    await h.dispatcher.drain(2)
    assert h.stages_for("eu1") == [["investigating"]]

    second = await h.fire(region="eu-north")
    h.service.cancel(second.id)
    await h.advance(3600)
    await h.resolve(second)
    assert h.stages_for("n1") == []
    with pytest.raises(NoticeError):
        await h.service.release(second.id)


async def test_large_audience_waits_for_approval() -> None:
    h = harness([customer(f"eu{i}") for i in range(3)], approval_above=2)
    incident = await h.fire()
    await h.advance(200)
    assert h.emails() == []
    state = h.service.state(incident.id)
    assert state.status is Status.AWAITING_APPROVAL
    assert state.audience.size == 3
    await h.service.release(incident.id)
    await h.dispatcher.drain(2)
    assert len(h.emails()) == 3


async def test_stages_carry_update_and_end_with_exactly_one_resolution() -> None:
    h = harness([customer("eu1")])
    incident = await h.fire()
    await h.advance(200)
    await h.service.update(
        incident.id,
        {
            "stage": Stage.IDENTIFIED,
            "text": "Card provider outage",
            "eta": h.now + 1800,
            "workaround": "Pay by invoice",
        },
    )
    await h.service.update(incident.id, {"stage": Stage.MONITORING, "text": "Fix deployed"})
    await h.service.update(incident.id, {"stage": Stage.RESOLVED})
    await h.dispatcher.drain(2)
    await h.resolve(incident)  # the alert resolving later must not send a second one
    await h.advance(10)
    assert h.stages_for("eu1") == [["investigating"], ["identified"], ["monitoring"], ["resolved"]]
    identified = h.emails()[1].items[0]
    assert identified.workaround == "Pay by invoice"
    assert identified.eta is not None
    assert identified.text == "Card provider outage"


async def test_resolution_goes_only_to_customers_who_were_notified() -> None:
    h = harness([customer("eu1")])
    incident = await h.fire()
    await h.advance(200)
    h.service.directory.upsert(customer("eu-late"))  # joined after the notice went out
    await h.resolve(incident)
    assert h.stages_for("eu1") == [["investigating"], ["resolved"]]
    assert h.stages_for("eu-late") == []


async def test_overdue_update_pages_owner_then_sends_holding_update() -> None:
    h = harness([customer("eu1")], update_interval=600, holding_after=120)
    incident = await h.fire()
    await h.advance(200)
    await h.advance(601)
    assert len(h.pager.sent) == 1
    assert "overdue" in h.pager.sent[0].alert.annotations["summary"]
    assert incident.id in h.pager.sent[0].alert.annotations["summary"]
    assert h.stages_for("eu1") == [["investigating"]]
    await h.advance(121)
    assert len(h.pager.sent) == 1  # paged once per missed deadline
    holding = h.emails()[-1].items[0]
    assert holding.holding
    assert holding.stage == "investigating"
    assert holding.next_update_at == h.now + 600


async def test_on_call_update_resets_promise_so_nobody_is_paged() -> None:
    h = harness([customer("eu1")], update_interval=600)
    incident = await h.fire()
    await h.advance(200)
    await h.advance(500)
    await h.service.update(incident.id, {"text": "Still on it", "next_update_at": h.now + 900})
    await h.advance(800)
    assert h.pager.sent == []


async def test_webhook_waits_out_quiet_hours_email_goes_at_once() -> None:
    # T0 is 08:00 UTC: quiet until 09:00 in the customer's (UTC) time zone
    quiet = customer(
        "eu1",
        contacts={"email": ["a@eu1.example"], "webhook": ["http://gw.example/sms"]},
        quiet_hours={"start": "08:00", "end": "09:00"},
    )
    h = harness([quiet], update_interval=7200)
    await h.fire()
    await h.advance(200)
    assert len(h.emails()) == 1
    assert h.webhook.sent == []
    await h.advance(3600 - 200)  # 09:00: quiet hours are over
    await h.dispatcher.drain(2)
    [sms] = h.webhook.sent
    assert [(item.stage, item.holding) for item in sms.items] == [("investigating", False)]


async def test_update_with_stage_inside_window_publishes_at_that_stage_once() -> None:
    h = harness([customer("eu1")], approval_above=0)
    incident = await h.fire()
    await h.service.update(incident.id, {"workaround": "Use the app"})
    assert h.emails() == []  # stored for the first notice
    await h.service.update(incident.id, {"stage": Stage.IDENTIFIED, "text": "DB failover"})
    await h.dispatcher.drain(2)
    assert h.stages_for("eu1") == [["identified"]]
    assert h.emails()[0].items[0].workaround == "Use the app"


async def test_resolved_update_inside_window_closes_without_telling_anyone() -> None:
    h = harness([customer("eu1")])
    incident = await h.fire()
    await h.service.update(incident.id, {"stage": Stage.RESOLVED})
    await h.advance(600)
    await h.resolve(incident)
    assert h.emails() == []
    with pytest.raises(NoticeError, match="closed"):
        await h.service.update(incident.id, {"text": "late"})


async def test_maintenance_notices_only_from_the_leader() -> None:
    h = harness([customer("eu1")])
    h.service.leader = lambda: False
    h.service.maintenance.add(window(h.now + 600))
    await h.advance(1)
    assert h.emails() == []
    h.service.leader = lambda: True
    await h.advance(1)
    assert h.stages_for("eu1") == [["scheduled"]]
