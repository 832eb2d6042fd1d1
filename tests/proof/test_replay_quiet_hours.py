"""A report replay runs the daemon's notice sender: quiet hours hold webhook notices
there too, and the customer counts as told when the hold ends."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alertd.config import load_config
from alertd.proof.replay import Replay
from tests.support import checkout
from tests.support.daemon import kafka_yaml, write_config

NIGHT = datetime(2026, 11, 27, 2, 0, tzinfo=UTC).timestamp()
MORNING = datetime(2026, 11, 27, 6, 0, tzinfo=UTC).timestamp()
CUSTOMERS = """\
customers:
  - id: sms-only
    regions: [eu-west]
    components: [checkout]
    timezone: UTC
    contacts: {webhook: ["http://127.0.0.1:9/sms"]}
    quiet_hours: {start: "22:00", end: "06:00"}
"""


async def test_webhook_customer_in_quiet_hours_counts_as_told_when_they_end(
    tmp_path: Path,
) -> None:
    extra = "customers: {file: customers.yml}\nnotices: {confirm_after: 0s, rate_limit: 0s}\n"
    text = checkout.email_oncall(kafka_yaml("127.0.0.1:9", "events"), 25, extra=extra)
    path = write_config(tmp_path, text, checkout.rules(customers=checkout.CUSTOMERS))
    (tmp_path / "customers.yml").write_text(CUSTOMERS)
    events = [checkout.ratio(NIGHT + 60 * i, 0.2) for i in range(6 * 60)]

    ledger = await Replay(load_config(path)).run(events)

    [incident] = ledger.incidents(chart=False)
    told = incident.notified["sms-only"]
    assert MORNING <= told < MORNING + 120
