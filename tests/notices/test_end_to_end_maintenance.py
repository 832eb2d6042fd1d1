"""Through the real daemon: file directory, overdue update -> page -> holding update,
and a maintenance window that tells its customers and keeps alerts from them."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from alertd.demo.smtp_sink import SmtpSink
from alertd.notify.notification import Notification
from alertd.observe.listener import PipelineListener
from tests.notices.test_end_to_end import RULES, degradation, mails_for, to_customers, until
from tests.support import checkout
from tests.support.daemon import kafka_yaml, running_daemon, unique, write_config
from tests.support.kafka import produce_events

CUSTOMERS = """\
customers:
  - {id: eu, name: EuroShop, regions: [eu-west], components: [checkout],
     contacts: {email: [ops@euroshop.example]}}
  - {id: us, name: Globex, regions: [us-east], components: [checkout],
     timezone: America/New_York, contacts: {email: [noc@globex.example]}}
"""


def config(kafka: str, topic: str, smtp: int) -> str:
    now = time.time()
    start = datetime.fromtimestamp(now - 60, UTC).isoformat()
    end = datetime.fromtimestamp(now + 3600, UTC).isoformat()
    return checkout.email_oncall(
        kafka_yaml(kafka, topic),
        smtp,
        extra=f"""\
customers: {{file: customers.yml}}
notices:
  confirm_after: 0s
  update_interval: 2s
  holding_after: 1s
  rate_limit: 0s
  from: status@shop.example
  maintenance:
    - id: us-db
      start: "{start}"
      end: "{end}"
      title: US checkout database upgrade
      components: [checkout]
      regions: [us-east]
""",
    )


class Pages(PipelineListener):
    def __init__(self) -> None:
        self.sent: list[Notification] = []

    def delivered(self, notification: Notification, channel: str) -> None:
        if notification.receiver == "oncall":
            self.sent.append(notification)


async def test_overdue_update_pages_owner_then_customers_get_holding_update_and_maintenance(
    kafka: str, smtp: SmtpSink, tmp_path: Path
) -> None:
    topic = unique("events")
    path = write_config(tmp_path, config(kafka, topic, smtp.port), RULES)
    (tmp_path / "customers.yml").write_text(CUSTOMERS)
    pages = Pages()
    async with running_daemon(path, listener=pages):
        await until(lambda: len(mails_for(smtp, "noc@globex.example")) == 1)  # started
        values = [0.01, 0.07, 0.08, 0.09]
        both = degradation("eu-west", values) + degradation("us-east", values)
        await produce_events(kafka, topic, sorted(both, key=lambda e: e.time))
        await until(lambda: len(mails_for(smtp, "ops@euroshop.example")) >= 2, timeout=30)
        await asyncio.sleep(0.5)

    eu = mails_for(smtp, "ops@euroshop.example")
    assert eu[0].subject == "[Investigating] Checkout problems in eu-west"
    assert "We are still working on this" in eu[1].text()
    overdue = [p for p in pages.sent if "overdue" in p.alert.annotations.get("summary", "")]
    assert overdue, [p.alert.annotations for p in pages.sent]
    assert overdue[0].alert.labels["region"] == "eu-west"
    us_pages = [p for p in pages.sent if p.alert.labels.get("region") == "us-east"]
    assert us_pages
    assert all(p.alert.annotations["maintenance"] == "us-db" for p in us_pages)
    [started] = mails_for(smtp, "noc@globex.example")
    assert started.subject == "[Maintenance in progress] US checkout database upgrade"
    assert all(
        "Checkout problems" not in m.subject
        for m in to_customers(smtp)
        if "noc@globex.example" in m.recipients
    )


pytestmark = pytest.mark.asyncio
