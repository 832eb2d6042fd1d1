"""The checkout scenario most daemon tests share: one error-ratio rule, its events, and
a daemon config that pages on-call by e-mail."""

from __future__ import annotations

from alertd.ingest.event import Event

CUSTOMERS = """\
    customers:
      match: {regions: region, components: service}
      title: "Checkout problems in {{ labels.region }}"
"""
"""The rule's ``customers:`` block: customers of the alert's region and component."""


def rules(for_: str = "0s", customers: str = "") -> str:
    """``checkout_errors``: error ratio above 5% per (service, region) for ``for_``."""
    return (
        """\
rules:
  - name: checkout_errors
    match: {kind: metric, name: http_error_ratio, labels: {service: checkout}}
    group_by: [service, region]
    detect: {threshold: {above: 0.05}}
"""
        + f"    for: {for_}\n"
        + """\
    severity: critical
    labels: {team: payments}
    annotations:
      summary: "Checkout errors at {{ value }} in {{ labels.region }}"
"""
        + customers
    )


def ratio(t: float, value: float, region: str = "eu-west") -> Event:
    """One ``http_error_ratio`` sample of the checkout service at epoch ``t``."""
    return Event(
        time=t,
        kind="metric",
        name="http_error_ratio",
        value=value,
        labels={"service": "checkout", "region": region},
    )


def email_oncall(
    kafka_block: str,
    smtp_port: int,
    to: str = "oncall@shop.example",
    http: str = '{listen: "127.0.0.1:0"}',
    extra: str = "",
) -> str:
    """A daemon config that pages receiver ``oncall`` by e-mail to ``to`` (a YAML list
    body), with fast retries and a 100 ms clock; ``extra`` is appended as is."""
    return f"""\
{kafka_block}http: {http}
smtp: {{host: 127.0.0.1, port: {smtp_port}}}
rule_files: [rules.yml]
route: {{receiver: oncall}}
receivers:
  - name: oncall
    email_configs: [{{to: [{to}], from: alertd@shop.example}}]
notify: {{retry: {{initial_backoff: 100ms}}}}
detect: {{clock_tick: 100ms, idle_lag: 1h}}
{extra}"""
