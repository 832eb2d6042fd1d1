"""Paging end to end on loopback: silences, inhibition, escalation, acks, resolve timing."""

from __future__ import annotations

import asyncio

from alertd.alerts.incidents import incident_id
from alertd.alerts.silences import new_silence
from alertd.demo.smtp_sink import SmtpSink
from alertd.route.paging import PagingOptions
from tests.notify.factories import T0, Stack, alert, config, resolved
from tests.support.http_recorder import HttpRecorder


def paging_config(url: str, extra: str = "") -> str:
    return f"""
route:
  receiver: primary
  group_wait: 30s
  group_interval: 1m
  escalation: esc
receivers:
  - name: primary
    pagerduty_configs: [{{url: "{url}/primary", routing_key: key-1}}]
  - name: secondary
    webhook_configs: [{{url: "{url}/secondary"}}]
escalation_policies:
  - name: esc
    levels: [{{after: 5m, receiver: secondary}}]
{extra}
"""


def paths(recorder: HttpRecorder) -> list[str]:
    return [r.path for r in recorder.requests]


async def quiet(stack: Stack) -> None:
    """Let queued deliveries finish, so 'nothing was sent' is a real observation."""
    await stack.settle()
    await asyncio.sleep(0.05)


async def test_unacknowledged_page_escalates_to_next_level(http_recorder: HttpRecorder) -> None:
    a = alert(severity="critical", service="checkout")
    async with Stack(config(paging_config(http_recorder.url))) as stack:
        await stack.fire(a, T0)
        await stack.paging.tick(T0 + 299)
        await quiet(stack)
        assert paths(http_recorder) == ["/primary"]
        await stack.paging.tick(T0 + 300)
        requests = await http_recorder.wait_for(2)
        incident = stack.incidents.get(incident_id(a))
        escalations = stack.metric("alertd_escalations_total", policy="esc")
    assert [r.path for r in requests] == ["/primary", "/secondary"]
    assert requests[1].json()["alerts"][0]["fingerprint"] == a.fingerprint
    assert incident is not None
    assert incident.extra["escalation"]["receiver"] == "secondary"
    assert escalations == 1


async def test_ack_stops_escalation_keeps_incident_and_it_still_resolves(
    http_recorder: HttpRecorder,
) -> None:
    a = alert(severity="critical", service="checkout")
    async with Stack(config(paging_config(http_recorder.url))) as stack:
        await stack.fire(a, T0)
        await http_recorder.wait_for(1)
        acked = await stack.paging.acknowledge(incident_id(a), "alice", T0 + 60)
        await stack.paging.tick(T0 + 600)
        await stack.fire(resolved(a, T0 + 700), T0 + 700)
        requests = await http_recorder.wait_for(3)
        await quiet(stack)
        incident = stack.incidents.get(incident_id(a))
    assert acked is not None
    assert acked.acked_by == "alice"
    actions = [r.json()["event_action"] for r in requests]
    assert actions == ["trigger", "acknowledge", "resolve"]
    assert paths(http_recorder) == ["/primary"] * 3  # never escalated
    assert incident is not None
    assert incident.as_json()["state"] == "resolved"
    assert incident.acked_by == "alice"


async def test_silenced_alert_pages_nobody_until_the_silence_ends(
    http_recorder: HttpRecorder,
) -> None:
    a = alert(severity="critical", service="checkout")
    async with Stack(config(paging_config(http_recorder.url))) as stack:
        silence = await stack.silences.add(new_silence({"service": "checkout"}, T0, T0 + 3600))
        await stack.fire(a, T0)
        await stack.paging.tick(T0 + 600)  # no escalation either
        await quiet(stack)
        assert http_recorder.attempts == []
        silenced = stack.metric("alertd_notifications_suppressed_total", reason="silenced")
        await stack.silences.expire(silence.id, T0 + 700)
        await stack.paging.tick(T0 + 700)
        [request] = await http_recorder.wait_for(1)
    assert silenced >= 1
    assert request.json()["dedup_key"] == a.fingerprint


async def test_firing_source_inhibits_target_page(http_recorder: HttpRecorder) -> None:
    extra = """
inhibit_rules:
  - source_match: {alertname: region_down}
    target_match: {severity: critical}
    equal: [region]
"""
    source = alert("region_down", severity="critical", region="eu")
    target = alert(severity="critical", service="checkout", region="eu")
    other_region = alert(severity="critical", service="checkout", region="us")
    async with Stack(config(paging_config(http_recorder.url, extra))) as stack:
        await stack.fire(source, T0)
        await stack.fire(target, T0 + 1)
        await stack.fire(other_region, T0 + 2)
        await http_recorder.wait_for(2)
        await quiet(stack)
        inhibited = stack.metric("alertd_notifications_suppressed_total", reason="inhibited")
    keys = {r.json()["dedup_key"] for r in http_recorder.requests}  # two workers: any order
    assert keys == {source.fingerprint, other_region.fingerprint}
    assert inhibited == 1


async def test_warning_waits_group_wait_but_resolve_is_sent_at_once(
    http_recorder: HttpRecorder,
) -> None:
    a = alert(service="checkout")  # severity warning: batched
    async with Stack(config(paging_config(http_recorder.url))) as stack:
        await stack.fire(a, T0)
        await quiet(stack)
        assert http_recorder.attempts == []
        await stack.paging.tick(T0 + 30)
        await http_recorder.wait_for(1)
        await stack.fire(resolved(a, T0 + 31), T0 + 31)  # no tick: on the spot
        requests = await http_recorder.wait_for(2)
    assert [r.json()["event_action"] for r in requests] == ["trigger", "resolve"]


async def test_mute_time_interval_holds_pages(http_recorder: HttpRecorder) -> None:
    text = paging_config(
        http_recorder.url, "time_intervals: [{name: always, time_intervals: [{}]}]"
    )
    text = text.replace(
        "  escalation: esc\n", "  escalation: esc\n  mute_time_intervals: [always]\n"
    )
    async with Stack(config(text)) as stack:
        await stack.fire(alert(severity="critical"), T0)
        await stack.paging.tick(T0 + 100)
        await quiet(stack)
        muted = stack.metric("alertd_notifications_suppressed_total", reason="muted")
    assert http_recorder.attempts == []
    assert muted >= 1


async def test_replayed_alert_change_is_not_paged_twice(http_recorder: HttpRecorder) -> None:
    a = alert(severity="critical")
    async with Stack(config(paging_config(http_recorder.url))) as stack:
        await stack.fire(a, T0)
        await stack.fire(a, T0 + 1)
        await stack.paging.tick(T0 + 61)
        await quiet(stack)
    assert len(http_recorder.requests) == 1


async def test_reload_keeps_silences_and_known_inhibition_sources(
    http_recorder: HttpRecorder,
) -> None:
    rule = """
inhibit_rules:
  - source_match: {alertname: region_down}
    target_match: {severity: critical}
    equal: [region]
"""
    source = alert("region_down", severity="critical", region="eu")
    target = alert(severity="critical", service="checkout", region="eu")
    silenced = alert(severity="critical", service="search")
    async with Stack(config(paging_config(http_recorder.url, rule))) as stack:
        await stack.silences.add(new_silence({"service": "search"}, T0, T0 + 3600))
        await stack.fire(source, T0)
        reloaded = config(paging_config(http_recorder.url, rule))
        stack.paging.reconfigure(PagingOptions.from_config(reloaded))
        await stack.fire(target, T0 + 1)
        await stack.fire(silenced, T0 + 2)
        await http_recorder.wait_for(1)
        await quiet(stack)
    assert [r.json()["dedup_key"] for r in http_recorder.requests] == [source.fingerprint]


async def test_email_gets_one_mail_per_changed_alert_with_its_own_status(
    smtp: SmtpSink,
) -> None:
    cfg = config(f"""
smtp: {{host: 127.0.0.1, port: {smtp.port}}}
route: {{receiver: mail, group_by: [service], group_wait: 0s, group_interval: 1m}}
receivers:
  - name: mail
    email_configs: [{{to: [oncall@example.com]}}]
""")
    eu = alert(service="checkout", region="eu")
    us = alert(service="checkout", region="us")
    async with Stack(cfg) as stack:
        await stack.fire(eu, T0)
        await stack.paging.tick(T0)
        await smtp.wait_for(1, timeout=10)
        await stack.fire(us, T0 + 5)  # waits for group_interval ...
        await stack.fire(resolved(eu, T0 + 10), T0 + 10)  # ... but the resolve flushes now
        mails = await smtp.wait_for(3, timeout=10)
    subjects = [m.subject for m in mails]
    assert subjects[0].startswith("[FIRING")
    assert "region=eu" in subjects[0]
    later = sorted(subjects[1:])
    assert later[0].startswith("[FIRING")
    assert "region=us" in later[0]
    assert later[1].startswith("[RESOLVED]")
    assert "region=eu" in later[1]
    assert len({m.message["Message-ID"] for m in mails}) == 3
