"""PagerDuty, Slack and webhook channels against a real loopback HTTP server."""

from __future__ import annotations

from dataclasses import replace

import pytest

from alertd.alerts.model import AlertState
from alertd.config.paging import SlackConfig
from alertd.notify.channels.base import DeliveryError
from alertd.notify.channels.http import HttpClient
from alertd.notify.channels.slack import SlackChannel
from alertd.notify.notification import Notification
from alertd.templating import Templates
from tests.notify.factories import T0, Stack, alert, config, resolved
from tests.support.http_recorder import HttpRecorder


def pd_config(url: str, **route: str) -> str:
    extra = "".join(f"\n  {k}: {v}" for k, v in route.items())
    return f"""
route:
  receiver: pager{extra}
receivers:
  - name: pager
    pagerduty_configs: [{{url: "{url}/v2/enqueue", routing_key: "R0UTING-KEY", timeout: 2s}}]
"""


async def test_pagerduty_trigger_then_resolve_share_the_fingerprint_dedup_key(
    http_recorder: HttpRecorder,
) -> None:
    a = alert(severity="critical", service="checkout", region="eu")
    a = replace(a, annotations={**a.annotations, "runbook_url": "https://runbooks.example.com/x"})
    async with Stack(config(pd_config(http_recorder.url))) as stack:
        await stack.fire(a, T0)
        await stack.fire(resolved(a, T0 + 60), T0 + 60)
        trigger, resolve = [r.json() for r in await http_recorder.wait_for(2)]
    assert trigger["event_action"] == "trigger"
    assert trigger["routing_key"] == "R0UTING-KEY"
    assert trigger["dedup_key"] == a.fingerprint
    payload = trigger["payload"]
    assert payload["severity"] == "critical"
    assert payload["summary"] == a.annotations["summary"]
    assert payload["custom_details"]["labels"]["region"] == "eu"
    assert payload["source"] == "checkout"
    assert payload["timestamp"].endswith("Z")
    assert trigger["links"] == [{"href": "https://runbooks.example.com/x", "text": "Runbook"}]
    assert resolve == {
        "routing_key": "R0UTING-KEY",
        "event_action": "resolve",
        "dedup_key": a.fingerprint,
    }
    assert http_recorder.requests[0].path == "/v2/enqueue"


async def test_server_error_is_retried_and_counted_by_reason(
    http_recorder: HttpRecorder,
) -> None:
    http_recorder.fail_next(500)
    async with Stack(config(pd_config(http_recorder.url))) as stack:
        await stack.fire(alert(severity="critical"), T0)
        await http_recorder.wait_for(1)
        await stack.settle()
        failures = stack.metric(
            "alertd_notification_failures_total", channel="pagerduty", reason="serverError"
        )
        sent = stack.metric("alertd_notifications_total", channel="pagerduty", outcome="sent")
    assert len(http_recorder.attempts) == 2
    assert failures == 1
    assert sent == 1


async def test_rate_limit_waits_for_retry_after(http_recorder: HttpRecorder) -> None:
    http_recorder.fail_next(429, headers={"Retry-After": "1"})
    async with Stack(config(pd_config(http_recorder.url)), max_backoff=5.0) as stack:
        await stack.fire(alert(severity="critical"), T0)
        await http_recorder.wait_for(1, timeout=10)
        limited = stack.metric(
            "alertd_notification_failures_total", channel="pagerduty", reason="rateLimited"
        )
    first, second = http_recorder.attempts
    assert second.at - first.at >= 0.95
    assert limited == 1


async def test_auth_error_is_not_retried(http_recorder: HttpRecorder) -> None:
    http_recorder.fail_next(403)
    async with Stack(config(pd_config(http_recorder.url))) as stack:
        await stack.fire(alert(severity="critical"), T0)
        await stack.settle()
        auth = stack.metric(
            "alertd_notification_failures_total", channel="pagerduty", reason="authError"
        )
        failed = stack.metric("alertd_notifications_total", channel="pagerduty", outcome="failed")
    assert len(http_recorder.attempts) == 1
    assert (auth, failed) == (1, 1)


async def test_webhook_sends_alertmanager_v4_payload_for_the_group(
    http_recorder: HttpRecorder,
) -> None:
    cfg = config(f"""
external_url: https://alertd.example.com
route: {{receiver: hook, group_by: [service], group_wait: 30s}}
receivers:
  - name: hook
    webhook_configs: [{{url: "{http_recorder.url}/hook"}}]
""")
    eu = alert(service="checkout", region="eu")
    us = alert(service="checkout", region="us")
    async with Stack(cfg) as stack:
        await stack.fire(eu, T0)
        await stack.fire(us, T0 + 5)
        await stack.paging.tick(T0 + 30)
        [request] = await http_recorder.wait_for(1)
        await stack.fire(resolved(eu, T0 + 40), T0 + 40)
        _, second = await http_recorder.wait_for(2)
    body = request.json()
    assert body["version"] == "4"
    assert body["status"] == "firing"
    assert body["receiver"] == "hook"
    assert body["groupKey"] == '/:{service="checkout"}'
    assert body["groupLabels"] == {"service": "checkout"}
    assert body["commonLabels"] == {
        "alertname": "checkout_errors",
        "severity": "warning",
        "service": "checkout",
    }
    assert body["externalURL"] == "https://alertd.example.com"
    assert body["truncatedAlerts"] == 0
    assert {a["labels"]["region"] for a in body["alerts"]} == {"eu", "us"}
    first = body["alerts"][0]
    assert first["status"] == "firing"
    assert first["endsAt"] == "0001-01-01T00:00:00Z"
    assert first["startsAt"].endswith("Z")
    # the resolve goes out at once, with the still firing sibling
    states = {a["labels"]["region"]: a["status"] for a in second.json()["alerts"]}
    assert states == {"eu": "resolved", "us": "firing"}


async def test_slack_message_names_status_and_channel(http_recorder: HttpRecorder) -> None:
    cfg = config(f"""
route: {{receiver: chat}}
receivers:
  - name: chat
    slack_configs: [{{api_url: "{http_recorder.url}/services/T0/B0/s3cr3t", channel: "#ops"}}]
""")
    async with Stack(cfg) as stack:
        await stack.fire(alert(severity="critical", service="checkout"), T0)
        [request] = await http_recorder.wait_for(1)
    body = request.json()
    assert body["channel"] == "#ops"
    assert body["text"] == "[FIRING:1] checkout_errors"
    assert body["attachments"][0]["color"] == "danger"
    assert "checkout_errors on" in body["attachments"][0]["text"]


async def test_errors_do_not_reveal_the_secret_webhook_path(http_recorder: HttpRecorder) -> None:
    http_recorder.fail_next(400)
    secret_url = f"{http_recorder.url}/services/T0/B0/s3cr3t"
    client = HttpClient()
    channel = SlackChannel(SlackConfig.model_validate({"api_url": secret_url}), client, Templates())
    a = alert()
    try:
        with pytest.raises(DeliveryError) as caught:
            await channel.send(Notification.for_group("chat", "g", {}, [a], a, T0))
    finally:
        await client.close()
    assert caught.value.reason == "clientError"
    assert not caught.value.retryable
    assert "s3cr3t" not in str(caught.value)
    assert f"127.0.0.1:{http_recorder.port}" in str(caught.value)


async def test_unreachable_endpoint_is_a_connection_failure() -> None:
    client = HttpClient()
    channel = SlackChannel(
        SlackConfig.model_validate({"api_url": "http://127.0.0.1:1/hook/secret"}),
        client,
        Templates(),
    )
    a = alert(state=AlertState.FIRING)
    try:
        with pytest.raises(DeliveryError) as caught:
            await channel.send(Notification.for_group("chat", "g", {}, [a], a, T0))
    finally:
        await client.close()
    assert caught.value.reason == "connection"
    assert "secret" not in str(caught.value)
