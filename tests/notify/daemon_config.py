"""A daemon config for on-call tests: one critical rule, pager + escalation + webhook."""

from __future__ import annotations

from alertd.ingest.event import Event
from tests.support.daemon import kafka_yaml, unique

TOKEN = "t0ken-for-tests"
RULES = """\
rules:
  - name: checkout_errors
    match: {kind: metric, name: http_error_ratio, labels: {service: checkout}}
    group_by: [service, region]
    detect: {threshold: {above: 0.05}}
    severity: critical
    labels: {team: payments}
    annotations: {summary: "Checkout errors at {{ value }} in {{ labels.region }}"}
"""


def oncall_config(kafka: str, topic: str, recorder_url: str, silences_topic: str = "") -> str:
    return f"""\
{kafka_yaml(kafka, topic)}http: {{listen: "127.0.0.1:0", token: {TOKEN}}}
rule_files: [rules.yml]
route:
  receiver: hook
  routes:
    - match: {{team: payments}}
      receiver: pager
      escalation: esc
receivers:
  - name: pager
    pagerduty_configs: [{{url: "{recorder_url}/pd", routing_key: rk}}]
  - name: secondary
    webhook_configs: [{{url: "{recorder_url}/secondary"}}]
  - name: hook
    webhook_configs: [{{url: "{recorder_url}/hook"}}]
escalation_policies:
  - name: esc
    levels: [{{after: 1500ms, receiver: secondary}}]
silences: {{topic: {silences_topic or unique("silences")}}}
notify: {{retry: {{initial_backoff: 50ms}}}}
detect: {{clock_tick: 100ms, idle_lag: 1h}}
"""


def ratio(t: float, value: float, region: str = "eu-west") -> Event:
    return Event(
        time=t,
        kind="metric",
        name="http_error_ratio",
        value=value,
        labels={"service": "checkout", "region": region},
    )
