"""The demo incident: checkout's error ratio in eu-west climbs, then recovers."""

from __future__ import annotations

from collections.abc import Iterator

from alertd.ingest.event import Event

STEP = 15.0
"""Event-time seconds between two samples."""

ERROR_RATIOS = (
    [0.004, 0.006, 0.005, 0.007, 0.006, 0.008]  # healthy
    + [0.015, 0.031, 0.058, 0.074, 0.083, 0.091, 0.088, 0.095, 0.097, 0.092]  # degradation
    + [0.061, 0.022, 0.009]
    + [0.006, 0.005, 0.004] * 2  # fix rolled out, recovery
)


def incident_events(start: float) -> Iterator[Event]:
    for i, ratio in enumerate(ERROR_RATIOS):
        yield Event(
            time=start + i * STEP,
            kind="metric",
            name="http_error_ratio",
            value=ratio,
            labels={"service": "checkout", "region": "eu-west"},
        )


RULES_YAML = """\
rules:
  - name: checkout_errors
    match:
      kind: metric
      name: http_error_ratio
      labels: {service: checkout}
    group_by: [service, region]
    detect:
      threshold: {above: 0.05, reset: 0.03}
    for: 45s
    keep_firing_for: 1m
    severity: critical
    labels: {team: payments}
    annotations:
      summary: "Checkout errors at {{ '%.1f' | format(value * 100) }}% in {{ labels.region }}"
      runbook_url: https://runbooks.example.com/checkout-errors
    customers:
      match: {regions: region, components: service}
      title: "Checkout problems in {{ labels.region }}"
      impact: "Some card payments in {{ labels.region }} fail"
      workaround: "Retry the payment, or choose 'pay by invoice'"
"""

CUSTOMERS_YAML = """\
customers:
  - id: acme-gmbh
    name: Acme GmbH
    regions: [eu-west]
    components: [checkout]
    locale: en
    timezone: Europe/Berlin
    contacts: {email: [ops@acme.example]}
  - id: romashka
    name: Romashka LLC
    regions: [eu-west]
    components: [checkout]
    locale: ru
    timezone: Europe/Moscow
    contacts: {email: [it@romashka.example]}
  - id: globex-us
    name: Globex Inc.
    regions: [us-east]
    components: [checkout]
    locale: en
    timezone: America/New_York
    contacts: {email: [noc@globex.example]}
"""

EXPECTED_INBOXES = {
    "oncall-payments@example.com": 2,  # page + resolve
    "ops@acme.example": 2,  # EU, English: notice + resolution
    "it@romashka.example": 2,  # EU, Russian: notice + resolution
    "noc@globex.example": 0,  # US: not affected, hears nothing
}


def config_yaml(smtp_port: int) -> str:
    return f"""\
kafka:
  bootstrap_servers: embedded
  group_id: alertd-demo
  session_timeout: 2s
  heartbeat_interval: 500ms
  topics: [{{name: alertd.events, decoder: alertd}}]
http:
  listen: 127.0.0.1:0
smtp:
  host: 127.0.0.1
  port: {smtp_port}
rule_files: [rules.yml]
customers: {{file: customers.yml}}
notices:
  confirm_after: 1s
  rate_limit: 0s
  from: status@example.com
route:
  receiver: oncall
receivers:
  - name: oncall
    email_configs:
      - to: [oncall-payments@example.com]
        from: alertd@example.com
notify:
  retry: {{initial_backoff: 200ms, max_backoff: 2s}}
detect:
  clock_tick: 200ms
logging:
  level: warning
  format: console
"""
